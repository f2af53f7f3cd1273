// The warm roster: a background refresher that buys reports before staff open panels, so a
// panel opens on stored data (issue 30). One planner for the whole team however many instances
// run: a lease on the key's `modash_account` row, renewed while it works (lib/lease.mjs), that
// ends with its holder. Each scheduler tick (lib/server/scheduled.ts) the planner enqueues a
// few warm jobs in the team's work queue (lib/server/queue.ts: run by every instance's workers
// through the team gate at backfill priority, after every staff job), in the order and within
// the share of lib/warm-policy.mjs, counting the jobs still pending against that share; the call
// log records each report as `warm:<reason>` (the metrics page counts them). A row with a job
// pending, or whose warm job ended lately without buying, is left for later. MODASH_WARM_REFRESH=0
// turns it off.
import 'server-only';
import { randomUUID } from 'node:crypto';
import { resolveTtl, resolveUserId } from 'modash-flow/server';
import { keepAlive, LEASE_MS } from '../lease.mjs';
import { warmAllowance, warmOldAllowance, warmOptions, warmPicks } from '../warm-policy.mjs';
import { serverConfig } from './config';
import { GATE_KEY, gateStatus } from './gate';
import { enqueueIn, PENDING, wake, withEnqueue } from './queue';
import { rememberedGone } from './refresh';
import { store } from './store';

/**
 * Warm jobs pending at most (about 13 s of the gate's pace): the queue holds what the next
 * ticks can run, never a day's worth that staff jobs would have to pass.
 */
const PER_TICK = 20;
/** A row whose warm job ended without buying (failed: no exact match, an upstream error; or nothing to buy) waits this long before it is tried again. */
const FAILED_WAIT_MS = 6 * 3_600_000;
const OWNER = randomUUID();

async function takeLease(now: number): Promise<boolean> {
  const { db } = store();
  await db
    .insertInto('modash_account')
    .values({ api_key: GATE_KEY })
    .onConflict((oc) => oc.column('api_key').doNothing())
    .execute();
  const r = await db
    .updateTable('modash_account')
    .set({ warm_owner: OWNER, warm_until: now + LEASE_MS })
    .where('api_key', '=', GATE_KEY)
    .where((eb) => eb.or([eb('warm_owner', '=', OWNER), eb('warm_owner', 'is', null), eb('warm_until', '<', now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

async function renewLease(): Promise<boolean> {
  const r = await store()
    .db.updateTable('modash_account')
    .set({ warm_until: Date.now() + LEASE_MS })
    .where('api_key', '=', GATE_KEY)
    .where('warm_owner', '=', OWNER)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Credits the refresher spent today (UTC), from the call log (rows younger than the roll-up's retention). */
async function warmSpentToday(now: number, cause = 'warm:%'): Promise<number> {
  const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
  const row = await store()
    .db.selectFrom('modash_calls')
    .select((eb) => eb.fn.sum<number>('credits').as('c'))
    .where('at', '>=', dayStart)
    .where('use_case', 'like', cause)
    .executeTakeFirst();
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
  const rows = await s.db
    .selectFrom('influencer_platforms')
    .select(['id', 'influencer_id', 'platform', 'username', 'modash_status', 'modash_status_at', 'last_refreshed', 'followers', 'notes_readable'])
    .execute();
  const openedWithin = cfg.MODASH_WARM_OPENED_DAYS * 86_400_000;
  const opened = new Map<number, number>();
  if (openedWithin > 0) {
    const o = await s.db
      .selectFrom('panel_opens')
      .select(['influencer_id', (eb) => eb.fn.max<number>('at').as('at')])
      .where('at', '>=', now - openedWithin)
      .groupBy('influencer_id')
      .execute();
    for (const x of o) opened.set(x.influencer_id, Number(x.at));
  }
  // Rows with a job pending (any cause), or a warm job that ended lately without buying a report.
  const held = new Set(
    (
      await s.db
        .selectFrom('modash_jobs')
        .select('influencer_platform_id')
        .where((eb) =>
          eb.or([
            eb('state', 'in', [...PENDING]),
            eb.and([eb('cause', 'like', 'warm:%'), eb('finished_at', '>=', now - FAILED_WAIT_MS), eb('state', '!=', 'done')]),
            eb.and([eb('cause', 'like', 'warm:%'), eb('finished_at', '>=', now - FAILED_WAIT_MS), eb('detail', 'not like', '%"source":"modash"%')]),
          ]),
        )
        .execute()
    ).map((r) => Number(r.influencer_platform_id)),
  );
  const noName = rows.filter((r) => r.username.trim() === '' && r.notes_readable === 1);
  const notes = new Map<number, string | null>();
  if (noName.length) {
    for (const r of await s.db
      .selectFrom('influencers')
      .select(['id', s.notesText.as('notes')])
      .where('id', 'in', [...new Set(noName.map((r) => r.influencer_id))])
      .execute())
      notes.set(r.id, r.notes);
  }
  return rows.map((r) => ({
    id: r.id,
    influencerId: r.influencer_id,
    platform: r.platform,
    hasIdentity: r.username.trim() !== '' || (notes.has(r.influencer_id) && resolveUserId(notes.get(r.influencer_id) ?? null, r.platform).userId !== null),
    lastRefreshed: r.last_refreshed,
    hasData: r.followers !== null,
    // Not written yet (the start's fill has not reached it): left for a later tick.
    unreadable: r.notes_readable !== 1,
    gone: rememberedGone(r, r.platform) !== null || held.has(r.id),
    pending: r.modash_status === 'retry_later',
    openedAt: opened.get(r.influencer_id) ?? null,
    ttlMs: resolveTtl(cfg.ttl!, 'roster', r.platform),
  }));
}

/** Warm jobs still queued or running: each may still cost a credit. */
async function warmPending(cause = 'warm:%'): Promise<number> {
  const r = await store()
    .db.selectFrom('modash_jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('cause', 'like', cause)
    .where('state', 'in', [...PENDING])
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** One tick of the planner: enqueues warm jobs; returns what it enqueued (`[{ id, platform, reason }]`). */
export async function warmTick(now = Date.now()) {
  const cfg = serverConfig();
  if (cfg.MODASH_WARM_REFRESH === '0' || !(await takeLease(now))) return [];
  const stop = keepAlive(renewLease, { maxMs: 10 * 60_000 });
  try {
    const gate = await gateStatus();
    const pending = await warmPending();
    const allowance =
      warmAllowance({
        daily: gate.credits.daily,
        spentToday: gate.credits.spent,
        warmSpentToday: await warmSpentToday(now),
        share: cfg.MODASH_WARM_SHARE,
      }) - pending;
    const room = Math.min(PER_TICK - pending, allowance);
    if (room <= 0) return [];
    // Rows that are merely old get their own, smaller share (MODASH_WARM_OLD_SHARE, issue 38).
    const oldLimit =
      warmOldAllowance({ daily: gate.credits.daily, oldSpentToday: await warmSpentToday(now, 'warm:too-old'), share: cfg.MODASH_WARM_OLD_SHARE }) -
      (await warmPending('warm:too-old'));
    const picks = warmPicks(await candidates(now), warmOptions(cfg, 0, now), room, Math.max(0, oldLimit));
    if (!picks.length) return [];
    await withEnqueue(async (tx) => {
      for (const { row, reason } of picks) {
        await enqueueIn(
          tx,
          {
            influencerId: row.influencerId,
            influencerPlatformId: row.id,
            platform: row.platform,
            priority: 'warm',
            askedBy: `warm refresher ${OWNER.slice(0, 8)}`,
            cause: `warm:${reason}`,
            // The TTL the picks were made under (the roster's: rows are due or old by it), so the job buys what was picked.
            useCase: 'roster',
          },
          now,
        );
      }
    });
    wake();
    return picks.map(({ row, reason }) => ({ id: row.influencerId, platform: row.platform, reason }));
  } finally {
    stop();
  }
}
