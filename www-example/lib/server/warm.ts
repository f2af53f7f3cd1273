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
import { resolveTtl, resolveUserId } from 'modash-flow/server';
import { keepAlive, LEASE_MS } from '../lease.mjs';
import { log } from '../log.mjs';
import { warmAllowance, warmOptions, warmPicks } from '../warm-policy.mjs';
import { serverConfig } from './config';
import { GATE_KEY, gateStatus } from './gate';
import { refresh, rememberedGone } from './refresh';
import { store } from './store';

/**
 * Reports bought per tick at most, one after the other (about one a second with the gate's
 * pace): the next tick starts when this one ends, and staff calls are admitted first anyway.
 */
const PER_TICK = 20;
/** Failures that are not the row's (a pause, a spent budget, Modash unreachable): the tick stops, the row stays in line. */
const NOT_THE_ROW = new Set(['BUDGET_EXHAUSTED', 'MODASH_CREDITS_EXHAUSTED', 'GATE_BUSY', 'RATE_LIMITED', 'UPSTREAM_TIMEOUT', 'UPSTREAM_UNREACHABLE', 'UPSTREAM_ERROR', 'UPSTREAM_AUTH']);
/** A row the refresher failed on (no exact match on Modash, an upstream error), or found nothing to buy for, waits this long before it is tried again. */
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

/**
 * The rows as the policy sees them, from the roster's state columns (lib/roster-state.mjs:
 * what the module computed from notes when they were written), so a tick reads no notes but
 * those of rows without a username (to see whether they hold a userId).
 */
async function candidates(now: number) {
  const cfg = serverConfig();
  const s = store();
  const rows = await s.db.selectFrom('influencer_platforms')
    .select(['id', 'influencer_id', 'platform', 'username', 'modash_status', 'modash_status_at', 'last_refreshed', 'followers', 'notes_readable']).execute();
  const openedWithin = cfg.MODASH_WARM_OPENED_DAYS * 86_400_000;
  const opened = new Map<number, number>();
  if (openedWithin > 0) {
    const o = await s.db.selectFrom('panel_opens').select(['influencer_id', (eb) => eb.fn.max<number>('at').as('at')]).where('at', '>=', now - openedWithin).groupBy('influencer_id').execute();
    for (const x of o) opened.set(x.influencer_id, Number(x.at));
  }
  const noName = rows.filter((r) => r.username.trim() === '' && r.notes_readable === 1);
  const notes = new Map<number, string | null>();
  if (noName.length) {
    for (const r of await s.db.selectFrom('influencers').select(['id', s.notesText.as('notes')]).where('id', 'in', [...new Set(noName.map((r) => r.influencer_id))]).execute()) notes.set(r.id, r.notes);
  }
  return rows.map((r) => ({
    id: r.id, influencerId: r.influencer_id, platform: r.platform,
    hasIdentity: r.username.trim() !== '' || (notes.has(r.influencer_id) && resolveUserId(notes.get(r.influencer_id) ?? null, r.platform).userId !== null),
    lastRefreshed: r.last_refreshed, hasData: r.followers !== null,
    // Not written yet (the start's fill has not reached it): left for a later tick.
    unreadable: r.notes_readable !== 1,
    gone: rememberedGone(r, r.platform) !== null || now - (failedAt.get(r.id) ?? -Infinity) < FAILED_WAIT_MS,
    pending: r.modash_status === 'retry_later',
    openedAt: opened.get(r.influencer_id) ?? null, ttlMs: resolveTtl(cfg.ttl!, 'roster', r.platform),
  }));
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
        // Stored and fresh already (a report without followers, say): not picked again for a while.
        else failedAt.set(row.id, now);
      } catch (e) {
        const code = (e as { code?: string }).code ?? null;
        log({ influencer: row.influencerId, platform: row.platform }).info({ code, reason }, `the warm refresher did not refresh: ${(e as Error).message}`);
        // Spent budgets, a pause, Modash down: nothing more this tick (the row is not to blame).
        if (code !== null && NOT_THE_ROW.has(code)) break;
        failedAt.set(row.id, now);
      }
    }
    return bought;
  } finally {
    stop();
  }
}
