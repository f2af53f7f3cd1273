// The work no request waits for, run by every instance on a timer (MODASH_SCHEDULER_EVERY_S,
// 0 turns it off): the scheduled retries of reports Modash was preparing, the team's read of
// /v1/user/info, and the warm roster's refresher (lib/server/warm.ts, one holder for the team). Every item is claimed with one conditional UPDATE, so however many
// instances run, each retry runs once and the account is read once per interval.
import 'server-only';
import { serverConfig } from './config';
import { log } from '../log.mjs';
import { refreshAccountInfo } from './modash-account';
import { refresh } from './refresh';
import { warmTick } from './warm';
import { store } from './store';

/** Retries started per tick and instance: they queue at backfill priority behind staff anyway. */
const RETRIES_PER_TICK = 4;

/** Runs the retries that are due: claimed (their time cleared, their count raised), then refreshed at backfill priority. */
export async function runDueRetries(now = Date.now()): Promise<number> {
  const { db } = store();
  const due = await db.selectFrom('influencer_platforms as ip').select(['ip.id', 'ip.influencer_id', 'ip.platform', 'ip.modash_retry_at'])
    .where('ip.modash_retry_at', '<=', now).orderBy('ip.modash_retry_at').limit(RETRIES_PER_TICK).execute();
  let ran = 0;
  await Promise.all(due.map(async (d) => {
    const claim = await db.updateTable('influencer_platforms').set((eb) => ({ modash_retry_at: null, modash_retries: eb('modash_retries', '+', 1) }))
      .where('id', '=', d.id).where('modash_retry_at', '=', d.modash_retry_at).executeTakeFirst();
    if (Number(claim.numUpdatedRows) !== 1) return; // another instance took it
    ran++;
    try {
      await refresh({ id: d.influencer_id, platform: d.platform, useCase: 'bulkRefresh', priority: 'backfill', force: false,
        staffEmail: 'scheduled retry', cohort: 'cache', signal: new AbortController().signal });
      log({ influencer: d.influencer_id, platform: d.platform }).info('a report Modash was preparing was fetched');
    } catch (e) {
      log({ influencer: d.influencer_id, platform: d.platform }).info({ code: (e as { code?: string }).code ?? null }, `the scheduled retry did not fetch the report: ${(e as Error).message}`);
    }
  }));
  return ran;
}

const g = globalThis as unknown as { __modashScheduler?: ReturnType<typeof setTimeout> };

/** Starts the timer once per process (instrumentation-node.ts). */
export function startScheduler() {
  const every = serverConfig().MODASH_SCHEDULER_EVERY_S;
  if (!every || g.__modashScheduler) return;
  const tick = async () => {
    try {
      await runDueRetries();
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
