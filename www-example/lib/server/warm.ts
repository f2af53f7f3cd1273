// The warm roster: a background refresher that buys reports before staff open panels, so a
// panel opens on stored data (issue 30). One holder for the whole team however many instances
// run: a lease on the key's `modash_account` row, renewed while it works (lib/lease.mjs), that
// ends with its holder. Each scheduler tick (lib/server/scheduled.ts) the holder buys at most a
// few reports, one after the other, through the team gate at backfill priority (every staff
// call is admitted first), in the order and within the share of lib/warm-policy.mjs; the call
// log records each as `warm:<reason>` (the metrics page counts them). MODASH_WARM_REFRESH=0
// turns it off.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { analyticsProgressBatch, notesEntry, resolveTtl, resolveUserId } from 'modash-flow/server';
import { keepAlive, LEASE_MS } from '../lease.mjs';
import { log } from '../log.mjs';
import { warmAllowance, warmOptions, warmPicks } from '../warm-policy.mjs';
import { serverConfig } from './config';
import { GATE_KEY, gateStatus } from './gate';
import { refresh, rememberedGone } from './refresh';
import { store } from './store';

/** Reports bought per tick at most: the refresher never holds the gate's backfill lane for long. */
const PER_TICK = 4;
/** A row the refresher failed on (no exact match on Modash, an upstream error) waits this long before it is tried again. */
const FAILED_WAIT_MS = 6 * 3_600_000;
const OWNER = randomUUID();
const failedAt = new Map<number, number>();

async function takeLease(now: number): Promise<boolean> {
  const { db } = store();
  await db.insertInto('modash_account').values({ api_key: GATE_KEY }).onConflict((oc) => oc.column('api_key').doNothing()).execute();
  const r = await db.updateTable('modash_account').set({ warm_owner: OWNER, warm_until: now + LEASE_MS })
    .where('api_key', '=', GATE_KEY)
    .where((eb) => eb.or([eb('warm_owner', '=', OWNER), eb('warm_owner', 'is', null), eb('warm_until', '<', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

async function renewLease(): Promise<boolean> {
  const r = await store().db.updateTable('modash_account').set({ warm_until: Date.now() + LEASE_MS })
    .where('api_key', '=', GATE_KEY).where('warm_owner', '=', OWNER).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Credits the refresher spent today (UTC), from the call log (rows younger than the roll-up's retention). */
async function warmSpentToday(now: number): Promise<number> {
  const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
  const row = await store().db.selectFrom('modash_calls').select((eb) => eb.fn.sum<number>('credits').as('c'))
    .where('at', '>=', dayStart).where('use_case', 'like', 'warm:%').executeTakeFirst();
  return Number(row?.c ?? 0);
}

/** The rows as the policy sees them (every influencer platform, its notes read by the module). */
async function candidates(now: number) {
  const cfg = serverConfig();
  const s = store();
  const rows = await s.db.selectFrom('influencer_platforms as ip').innerJoin('influencers as i', 'i.id', 'ip.influencer_id')
    .select(['ip.id', 'ip.influencer_id', 'ip.platform', 'ip.username', 'ip.modash_status', 'ip.modash_status_at', s.notesText.as('notes')]).execute();
  const openedWithin = cfg.MODASH_WARM_OPENED_DAYS * 86_400_000;
  const opened = new Map<number, number>();
  if (openedWithin > 0) {
    const o = await s.db.selectFrom('panel_opens').select(['influencer_id', (eb) => eb.fn.max<number>('at').as('at')]).where('at', '>=', now - openedWithin).groupBy('influencer_id').execute();
    for (const x of o) opened.set(x.influencer_id, Number(x.at));
  }
  const progress = analyticsProgressBatch(rows.map((r) => ({ notes: r.notes, platforms: [r.platform] })), { ttl: cfg.ttl!, useCase: 'roster', now });
  return rows.map((r, k) => {
    const p = progress[k].platforms[0];
    const unreadable = progress[k].problem !== null || Boolean(p?.problem);
    return {
      id: r.id, influencerId: r.influencer_id, platform: r.platform,
      hasIdentity: r.username.trim() !== '' || (!unreadable && resolveUserId(r.notes, r.platform).userId !== null),
      lastRefreshed: p?.lastRefreshed ?? null, unreadable,
      hasData: !unreadable && ((e) => e.followers !== null || e.cacheId !== null)(notesEntry(r.notes, r.platform)),
      gone: rememberedGone(r, r.platform) !== null || now - (failedAt.get(r.id) ?? -Infinity) < FAILED_WAIT_MS,
      pending: r.modash_status === 'retry_later',
      openedAt: opened.get(r.influencer_id) ?? null, ttlMs: resolveTtl(cfg.ttl!, 'roster', r.platform),
    };
  });
}

/** One tick of the refresher: returns what it bought (`[{ id, platform, reason }]`). */
export async function warmTick(now = Date.now()) {
  const cfg = serverConfig();
  if (cfg.MODASH_WARM_REFRESH === '0' || !(await takeLease(now))) return [];
  const stop = keepAlive(renewLease, { maxMs: 10 * 60_000 });
  const bought: { id: number; platform: string; reason: string }[] = [];
  try {
    const gate = await gateStatus();
    const allowance = warmAllowance({
      daily: gate.credits.daily, spentToday: gate.credits.spent, warmSpentToday: await warmSpentToday(now), share: cfg.MODASH_WARM_SHARE,
    });
    if (allowance <= 0) return bought;
    const picks = warmPicks(await candidates(now), warmOptions(cfg, 0, now), Math.min(PER_TICK, allowance));
    for (const { row, reason } of picks) {
      try {
        const r = await refresh({ id: row.influencerId, platform: row.platform, useCase: 'bulkRefresh', priority: 'backfill', cause: `warm:${reason}`,
          force: false, staffEmail: `warm refresher ${OWNER.slice(0, 8)}`, cohort: 'cache', signal: new AbortController().signal });
        if (r.source === 'modash') bought.push({ id: row.influencerId, platform: row.platform, reason });
      } catch (e) {
        const code = (e as { code?: string }).code ?? null;
        log({ influencer: row.influencerId, platform: row.platform }).info({ code, reason }, `the warm refresher did not refresh: ${(e as Error).message}`);
        // Our budget, or Modash's credits, are spent: nothing more this tick (the row is not to blame).
        if (code === 'BUDGET_EXHAUSTED' || code === 'MODASH_CREDITS_EXHAUSTED' || code === 'GATE_BUSY') break;
        failedAt.set(row.id, now);
      }
    }
    return bought;
  } finally {
    stop();
  }
}
