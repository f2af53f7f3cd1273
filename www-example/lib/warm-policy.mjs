// The warm roster's rule, pure (no store, no clock of its own: `now` is given): which influencer
// platforms the background refresher buys a report for next, why, and how many credits it may
// still spend today. Used by the refresher (lib/server/warm.ts) and by the simulated month
// (bench/month.sim.mjs), tested in tests/warm-policy.test.mjs.
//
// The order (issue 30): platforms never synced (nothing stored to show) that have a username or
// a userId; then rows older
// than the maximum age (default 30 days); then due rows (older than the roster TTL)
// of influencers opened in the last days. Skipped: accounts Modash said are gone or private (within
// their recheck), reports Modash is preparing (the scheduled retry fetches them), rows whose
// notes cannot be read (a write would be refused), rows with nothing to ask Modash with.

/** Why a row is bought. */
export const REASONS = ['never-synced', 'too-old', 'due'];

const DAY = 86_400_000;

/**
 * Credits the refresher may still spend today: its share of the daily budget less what it spent,
 * never more than the budget has left for anyone. `daily` null (no budget): `share` of nothing
 * is no limit, so the refresher is held to `fallbackDaily`.
 */
export function warmAllowance({ daily, spentToday, warmSpentToday, share, fallbackDaily = 0 }) {
  const budget = daily ?? fallbackDaily;
  const mine = Math.floor(budget * share) - warmSpentToday;
  const left = budget - spentToday;
  return Math.max(0, Math.min(mine, left));
}

/**
 * Why `row` is worth a report now, or null.
 * row: { hasIdentity, lastRefreshed (epoch ms | null), hasData (false: nothing to show), gone, pending, unreadable, openedAt (epoch ms | null), ttlMs? }
 * o: { now, maxAgeMs, ttlMs (the row's own `ttlMs` wins: TTLs can differ by platform), openedWithinMs }
 */
export function warmReason(row, o) {
  if (!row.hasIdentity || row.gone || row.pending || row.unreadable) return null;
  // Never synced: no refresh known, or nothing stored a panel could show (an id kept by a
  // lookup or a legacy record, without figures or a cached report).
  if (row.lastRefreshed === null || row.hasData === false) return 'never-synced';
  const age = o.now - row.lastRefreshed;
  if (age > o.maxAgeMs) return 'too-old';
  if (age > (row.ttlMs ?? o.ttlMs) && row.openedAt !== null && o.now - row.openedAt <= o.openedWithinMs) return 'due';
  return null;
}

/**
 * Credits the refresher may still spend today on rows that are merely old (issue 38): a share of
 * the daily budget (MODASH_WARM_OLD_SHARE) less what it spent on them today. A row that is only
 * old changed, if at all, on Modash's weekly-to-monthly cadence: keeping a large roster young
 * costs credits whatever staff open.
 */
export function warmOldAllowance({ daily, oldSpentToday, share, fallbackDaily = 0 }) {
  return Math.max(0, Math.floor((daily ?? fallbackDaily) * share) - oldSpentToday);
}

/**
 * The rows to buy next, at most `limit` (and at most `oldLimit` of them merely too old), in the
 * policy's order: never synced (lowest id first), too old (oldest first), due (most recently
 * opened first). Returns `[{ row, reason }]`.
 */
export function warmPicks(rows, o, limit, oldLimit = Infinity) {
  const byReason = { 'never-synced': [], 'too-old': [], due: [] };
  for (const row of rows) {
    const reason = warmReason(row, o);
    if (reason) byReason[reason].push(row);
  }
  byReason['never-synced'].sort((a, b) => a.id - b.id);
  byReason['too-old'].sort((a, b) => a.lastRefreshed - b.lastRefreshed || a.id - b.id);
  byReason.due.sort((a, b) => b.openedAt - a.openedAt || a.id - b.id);
  const out = [];
  for (const reason of REASONS) {
    let taken = 0;
    for (const row of byReason[reason]) {
      if (out.length >= limit) return out;
      if (reason === 'too-old' && taken >= oldLimit) break;
      out.push({ row, reason });
      taken++;
    }
  }
  return out;
}

/** The options from the configuration (lib/config.mjs) and the roster TTL (ms). */
export function warmOptions(config, ttlMs, now) {
  return { now, maxAgeMs: config.MODASH_WARM_MAX_AGE_DAYS * DAY, ttlMs, openedWithinMs: config.MODASH_WARM_OPENED_DAYS * DAY };
}
