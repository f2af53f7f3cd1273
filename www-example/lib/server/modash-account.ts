// The Modash account behind our key, as /v1/user/info tells it (remaining credits and quotas:
// help.modash.io, "API cheat sheet: limits, filters & metrics"; the answer's shape is read in
// lib/modash-user-info.mjs). The team reads it at most every MODASH_USER_INFO_EVERY_S (one
// instance claims each read), through the team gate at backfill priority, at no credit; the
// roster and the metrics page show it beside the team's daily budget.
import 'server-only';
import { readUserInfo } from '../modash-user-info.mjs';
import { log } from '../log.mjs';
import { serverConfig } from './config';
import { GATE_KEY } from './gate';
import { fetchUserInfo } from './modash';
import { spendStoppedUntil } from './modash-spend';
import { store } from './store';

export interface ModashAccount {
  /** Modash's remaining credits, null when unknown (not read yet, or not in the answer). */
  credits: number | null;
  plan: string | null;
  rateLimits: Record<string, number> | null;
  /** When the answer was read (epoch ms), null before the first read. */
  readAt: number | null;
  /** Until when no report is bought after `not_enough_credits` (epoch ms), or null. */
  spendStoppedUntil: number | null;
}

/** Reads /v1/user/info when the last read is older than the interval and no instance is reading it. */
export async function refreshAccountInfo(now = Date.now()): Promise<boolean> {
  const { db } = store();
  const every = serverConfig().MODASH_USER_INFO_EVERY_S * 1000;
  await db
    .insertInto('modash_account')
    .values({ api_key: GATE_KEY })
    .onConflict((oc) => oc.column('api_key').doNothing())
    .execute();
  const claim = await db
    .updateTable('modash_account')
    .set({ info_asked_at: now })
    .where('api_key', '=', GATE_KEY)
    .where('info_asked_at', '<=', now - every)
    .executeTakeFirst();
  if (Number(claim.numUpdatedRows) !== 1) return false;
  try {
    const { text } = await fetchUserInfo({ priority: 'backfill', useCase: 'account', maxWaitMs: 60_000 });
    await db.updateTable('modash_account').set({ info: text, info_at: Date.now() }).where('api_key', '=', GATE_KEY).execute();
    return true;
  } catch (e) {
    log().warn({ code: (e as { code?: string }).code ?? null }, `Modash's account could not be read: ${(e as Error).message}`);
    return false;
  }
}

/** The account as last read, with the spending stop. */
export async function modashAccount(): Promise<ModashAccount> {
  const row = await store().db.selectFrom('modash_account').select(['info', 'info_at']).where('api_key', '=', GATE_KEY).executeTakeFirst();
  let read = { credits: null as number | null, plan: null as string | null, rateLimits: null as Record<string, number> | null };
  try {
    if (row?.info) read = readUserInfo(JSON.parse(row.info));
  } catch {
    /* an unreadable answer: unknown */
  }
  return { ...read, readAt: row?.info_at ?? null, spendStoppedUntil: await spendStoppedUntil() };
}
