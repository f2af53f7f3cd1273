// Modash's error answers, each mapped once: decided by Modash's `code` first, its HTTP status
// second, to our code, our HTTP status and the sentence staff see.
//
// Source: docs.modash.io, "Error codes" (Modash.io API 1.5.0): an error is a non-200 status
// with `{ "error": true, "code": "…", "message": "…" }`; the codes and their meanings below
// are that table's (`retry_later`: "We are currently processing the data for this account.
// Please try again in 5-10 minutes"). help.modash.io, "API error handling": decide by `code`,
// never by `message` (messages change); 429 is the rate limit; 5xx are not billed and are
// retried after a short delay. The docs do not say which status goes with which code, so the
// code decides whatever the status (a private account answered with 403 is not our key being
// refused) and the status decides only for codes not in the table.
import 'server-only';
import { GONE_LABELS } from '../modash-gone';
import { platformName } from '../words';
import { serverConfig } from './config';
import { log } from '../log.mjs';

export interface ModashFailure {
  /** Our stable code (the route's `code`). */
  code: string;
  /** Our HTTP status: 4xx when the account or the request is the matter, 5xx when Modash or our key is. */
  status: number;
  /** What staff see. */
  sentence: string;
  /** Seconds the browser should wait before asking again (sent as Retry-After). */
  retryAfterS?: number;
}

const named = platformName;

/** Modash's documented codes (docs.modash.io, "Error codes"). */
const BY_CODE: Record<string, (platform: string) => ModashFailure> = {
  api_token_invalid: () => ({ code: 'UPSTREAM_AUTH', status: 502, sentence: "The server's Modash key was refused" }),
  not_enough_credits: () => ({
    code: 'MODASH_CREDITS_EXHAUSTED',
    status: 402,
    sentence:
      "The Modash account has no credits left (Modash's own balance, not the team's daily budget); no report is bought for an hour, or until staff try again",
  }),
  handle_not_found: (p) => ({
    code: 'HANDLE_NOT_FOUND',
    status: 404,
    sentence: `Modash found no public ${named(p)} account with this handle: it may be private or removed`,
  }),
  // "Requested account does not exist": in Modash's database, which is not the platform (issue 38).
  account_not_found: (p) => ({
    code: 'ACCOUNT_NOT_FOUND',
    status: 404,
    sentence: `Modash has no data for this ${named(p)} account (it may still exist on ${named(p)}, outside Modash's database)`,
  }),
  // "Requested entity does not exist" (the id asked for is not in Modash's database).
  entity_not_found: (p) => ({ code: 'ENTITY_NOT_FOUND', status: 404, sentence: `Modash has no data under this ${named(p)} id` }),
  // "Media ID not found" (a post asked for by id; no report path of ours asks for one).
  media_not_found: () => ({ code: 'MEDIA_NOT_FOUND', status: 404, sentence: 'Modash found no such post' }),
  // Codes of the older error table (its mirrors), answered by older endpoints; kept so they are read as Modash meant them.
  invalid_body_params: () => ({
    code: 'UPSTREAM_BAD_REQUEST',
    status: 502,
    sentence: 'Modash refused the request as malformed; the details are in the server log',
  }),
  feature_not_available: () => ({
    code: 'MODASH_FEATURE_UNAVAILABLE',
    status: 502,
    sentence: "The team's Modash plan does not include this; ask whoever manages the Modash account",
  }),
  no_result: (p) => ({ code: 'NO_RESULT', status: 404, sentence: `Modash returned nothing for this ${named(p)} account` }),
  page_limit: () => ({ code: 'MODASH_PAGE_LIMIT', status: 502, sentence: "Modash's page limit for this list was reached" }),
  account_removed: (p) => ({ code: 'ACCOUNT_REMOVED', status: 410, sentence: `This account was removed from ${named(p)}` }),
  private_account: (p) => ({ code: 'ACCOUNT_PRIVATE', status: 422, sentence: `This account is private on ${named(p)}` }),
  empty_audience: () => ({ code: 'EMPTY_AUDIENCE', status: 422, sentence: 'Modash has no audience data for this account yet' }),
  // "Please try again in 5-10 minutes" (the newer table: "in a couple of hours"): the server
  // schedules the retry itself (refresh.ts scheduleRetry); the browser is told not to loop.
  retry_later: () => ({
    code: 'REPORT_IN_PREPARATION',
    status: 503,
    sentence: 'Modash is preparing this report; it will be fetched again later',
    retryAfterS: serverConfig().MODASH_RETRY_LATER_S,
  }),
  internal_server_error: () => ({ code: 'UPSTREAM_ERROR', status: 502, sentence: 'Modash failed to answer (its server had a problem); try again shortly' }),
  bad_request: () => ({ code: 'UPSTREAM_BAD_REQUEST', status: 502, sentence: 'Modash refused the request as malformed; the details are in the server log' }),
};

/**
 * What we conclude ourselves, remembered like Modash's codes: a username search that listed
 * only look-alikes (no account with exactly this username).
 */
const OURS: Record<string, (platform: string) => ModashFailure> = {
  no_exact_match: (p) => ({ code: 'NO_EXACT_MATCH', status: 404, sentence: `Modash has no ${named(p)} account with exactly this username` }),
  // Modash still answered retry_later after the last scheduled retry (refresh.ts scheduleRetry):
  // the row leaves "in preparation" and is asked again after MODASH_STILL_PREPARING_WAIT_H.
  still_preparing: () => ({
    code: 'STILL_PREPARING',
    status: 503,
    sentence: `Modash was still preparing this report after the last retry; it is asked again after ${serverConfig().MODASH_STILL_PREPARING_WAIT_H} h, or when staff try again`,
  }),
};

/** A status remembered on an influencer platform (Modash's code, or one of ours) as our answer. */
export function rememberedFailure(status: string, platform: string): ModashFailure | null {
  if (Object.hasOwn(BY_CODE, status)) return BY_CODE[status](platform);
  if (Object.hasOwn(OURS, status)) return OURS[status](platform);
  return null;
}

/** Codes the table lacks that were logged already (each once per process). */
const unknownCodes = new Set<string>();

/** Modash's non-200 answer as ours; null for a 429 (the gate and the retries handle those). */
export function modashFailure(status: number, body: unknown, platform: string): ModashFailure | null {
  const code = typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string' ? (body as { code: string }).code : null;
  if (code !== null && Object.hasOwn(BY_CODE, code)) return BY_CODE[code](platform);
  if (status === 429) return null;
  // A code the table lacks: Modash's own word for it, logged once (modash.ts logs the answer).
  if (code !== null && status < 500) {
    if (!unknownCodes.has(code)) {
      unknownCodes.add(code);
      log().warn({ modashCode: code, status }, 'Modash answered with a code the error table lacks');
    }
    return { code: 'UPSTREAM_REFUSED', status: 502, sentence: `Modash refused the request: ${code}` };
  }
  if (status === 401 || status === 403) return BY_CODE.api_token_invalid(platform);
  if (status === 404) return { code: 'NOT_FOUND_ON_MODASH', status: 404, sentence: `Modash has nothing for this ${named(platform)} account` };
  if (status >= 500) return BY_CODE.internal_server_error(platform);
  return { code: 'UPSTREAM_REFUSED', status: 502, sentence: `Modash refused the request (${status}); the details are in the server log` };
}

/**
 * The codes that say an account has nothing to give (Modash's, and our no_exact_match):
 * remembered on its row (refresh.ts).
 * Derived from the table and lib/modash-gone.ts (our codes the page shows as gone), not listed again.
 */
export const GONE_CODES = new Set(Object.keys({ ...BY_CODE, ...OURS }).filter((c) => Object.hasOwn(GONE_LABELS, rememberedFailure(c, '')!.code)));
