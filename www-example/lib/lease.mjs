// Leases that end with their holder: a place in the team gate or a single-flight refresh lease
// is written with a short expiry and renewed by its live holder (a heartbeat), so a holder
// that dies (SIGKILL, an out-of-memory kill, a deploy) frees it within one expiry, while a
// live holder waiting on a slow Modash answer keeps it. Its release, when the store is
// unreachable, is tried again until the store is back instead of being left to expire.
// Used by lib/shared-gate.mjs (the gate's places) and lib/server/refresh.ts (refresh leases).
import { log } from './log.mjs';

/** How long a lease lasts without a renewal: a dead holder's lease is free again after this. */
export const LEASE_MS = 10_000;
/** How often a live holder renews: three renewals fit in one lease, so one lost renewal costs nothing. */
export const RENEW_EVERY_MS = 3_000;
/** How long a failed release is tried again (once a second) before giving up on it. */
export const RELEASE_RETRY_MS = 120_000;

/**
 * Renews a lease (of `leaseMs`) every `everyMs` while its holder works, never past `maxMs`
 * from now (the longest the guarded call can take): a renewal that would carry the lease
 * beyond it is not made, so the lease runs out by then whatever the holder does. `renew()`
 * resolves to false when the lease was lost. A renewal that throws (the store unreachable) is
 * tried again at the next beat. Returns `stop()`.
 */
export function keepAlive(renew, { everyMs = RENEW_EVERY_MS, leaseMs = LEASE_MS, maxMs, onLost = () => {} }) {
  const started = Date.now();
  let stopped = false;
  let timer = null;
  const beat = async () => {
    if (stopped) return;
    if (Date.now() - started + leaseMs > maxMs) {
      stopped = true;
      return;
    }
    try {
      if ((await renew()) === false && !stopped) {
        stopped = true;
        onLost();
        return;
      }
    } catch {
      /* the store is unreachable: the next beat tries again */
    }
    if (!stopped) timer = setTimeout(beat, everyMs);
  };
  timer = setTimeout(beat, everyMs);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

/**
 * Runs `release()` now; when it throws (the store unreachable), tries again once a second in
 * the background for `forMs` without holding up the caller. Resolves once the first attempt
 * is over: true when it went through.
 */
export async function releaseSurely(release, { forMs = RELEASE_RETRY_MS, everyMs = 1000, logger = log(), what = 'a lease' } = {}) {
  try {
    await release();
    return true;
  } catch (e) {
    logger.warn({ err: e, lease: what }, 'a release failed; trying again until the store answers');
  }
  const started = Date.now();
  const again = async () => {
    try {
      await release();
      logger.info({ lease: what, afterMs: Date.now() - started }, 'released after the store came back');
    } catch {
      if (Date.now() - started < forMs) setTimeout(again, everyMs).unref?.();
    }
  };
  setTimeout(again, everyMs).unref?.();
  return false;
}
