// The work no request waits for, run by every instance on a timer (MODASH_SCHEDULER_EVERY_S,
// 0 turns it off): the team's read of /v1/user/info and the warm roster's planner
// (lib/server/warm.ts, one holder for the team), which enqueues jobs in the work queue. The
// jobs themselves (and the retries of reports Modash was preparing, scheduled jobs with a
// run-at) are run by every instance's workers (lib/server/queue.ts), whatever this timer says.
import 'server-only';
import { serverConfig } from './config';
import { log } from '../log.mjs';
import { refreshAccountInfo } from './modash-account';
import { warmTick } from './warm';

const g = globalThis as unknown as { __modashScheduler?: ReturnType<typeof setTimeout> };

/** Starts the timer once per process (instrumentation-node.ts). */
export function startScheduler() {
  const every = serverConfig().MODASH_SCHEDULER_EVERY_S;
  if (!every || g.__modashScheduler) return;
  const tick = async () => {
    try {
      await refreshAccountInfo();
      await warmTick();
    } catch (e) {
      log().warn({ err: e }, 'scheduled work failed; tried again on the next tick');
    }
    g.__modashScheduler = setTimeout(tick, every * 1000);
    g.__modashScheduler.unref?.();
  };
  // A little spread, so instances started together do not all ask at once.
  g.__modashScheduler = setTimeout(tick, 500 + Math.random() * 1000);
  g.__modashScheduler.unref?.();
}
