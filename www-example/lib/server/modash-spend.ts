// Spending stops after Modash says the account's own credits ran out (`not_enough_credits`):
// no report is bought for MODASH_CREDITS_STOP_S (an hour), for every instance of this API key,
// unless staff ask again ("Try again now", `force`), which resumes it. This is Modash's balance,
// not the team's daily budget (the gate's MODASH_DAILY_CREDITS).
import 'server-only';
import { serverConfig } from './config';
import { GATE_KEY } from './gate';
import { store } from './store';

async function ensureRow() {
  await store()
    .db.insertInto('modash_account')
    .values({ api_key: GATE_KEY })
    .onConflict((oc) => oc.column('api_key').doNothing())
    .execute();
}

/** Until when no report is bought (epoch ms), or null. */
export async function spendStoppedUntil(): Promise<number | null> {
  const row = await store().db.selectFrom('modash_account').select('spend_stopped_until').where('api_key', '=', GATE_KEY).executeTakeFirst();
  const until = row?.spend_stopped_until ?? null;
  return until !== null && until > Date.now() ? until : null;
}

/** Modash said the account has no credits: stop buying reports for a while. */
export async function stopSpending(): Promise<number> {
  const until = Date.now() + serverConfig().MODASH_CREDITS_STOP_S * 1000;
  await ensureRow();
  await store().db.updateTable('modash_account').set({ spend_stopped_until: until }).where('api_key', '=', GATE_KEY).execute();
  return until;
}

/** Staff asked again: buy again (Modash will say so once more if the credits are still gone). */
export async function resumeSpending() {
  await store().db.updateTable('modash_account').set({ spend_stopped_until: null }).where('api_key', '=', GATE_KEY).execute();
}
