// The server's Modash client: the simulated service by default, the real API when
// MODASH_API_BASE and MODASH_API_KEY are set. Every call has a timeout (MODASH_TIMEOUT_MS,
// default 15 s; the transport and the call log are lib/modash-http.mjs, shared with the
// scripts) and runs on the server's own time (the work queue's jobs pass no browser signal). Errors carry the status, the capped
// Retry-After and a stable code; what reaches the browser is decided by `errorResponse`.
//
// Modash's contract, as far as this app uses it (docs.modash.io, Modash.io API v1.5.0; where
// its example answers could not be read from here, tests/fixtures/modash/SOURCES.md says so):
// - GET /v1/{platform}/users?query=&limit=  the username lookup ("List users"): `{ error: false,
//   users: [{ userId, username, … }] }` (only userId and username are read);
// - GET /v1/{platform}/profile/{userId}/report  the report (one credit): `ModashReport` below;
//   where each figure lives per platform is the module's rule (`reportFigures`, the paths in
//   the module's src/notes/shape.rs);
// - GET /v1/user/info  the account: remaining credits and quotas (help.modash.io, "API cheat
//   sheet: limits, filters & metrics"); its shape is read in modash-account.ts;
// - errors: a non-200 status with `{ error: true, code, message }` (modash-errors.ts).
// The documented examples are fixtures (tests/fixtures/modash/, SOURCES.md there says which
// document each follows), answered by the simulator and read by the contract tests.
import 'server-only';
import { NextResponse } from 'next/server';
import { parseRetryAfter, pickExactMatch, reportFigures, type GatePriority, type ReportFigures } from 'modash-flow/server';
import { isGateRefused } from '../shared-gate.mjs';
import { CREDIT_COSTS, modashGate } from './gate';
import { USER_ID, USERNAME } from './http';
import { logCall } from './metrics';
import { serverConfig } from './config';
import { modashFailure } from './modash-errors';
import { resumeSpending, spendStoppedUntil, stopSpending } from './modash-spend';
import { log } from '../log.mjs';
import type { ProfileSummary } from '../api-types';
import { metricsOf, platformName, utcMoment } from '../words';
import { listedUsers, modashGet, ModashTransportError } from '../modash-http.mjs';

const config = serverConfig();
const BASE = config.MODASH_API_BASE.replace(/\/$/, '');
const KEY = config.MODASH_API_KEY;
const TIMEOUT_MS = config.MODASH_TIMEOUT_MS;
/** A gate place is held at most the call's timeout plus this (reading the body, the log). */
const HOLD_MARGIN_MS = 5000;
/** The longest one Modash call holds a gate place: its timeout plus a margin. */
export const MAX_CALL_MS = TIMEOUT_MS + HOLD_MARGIN_MS;
/** The longest Retry-After passed on to a client (seconds): Modash asking for days must not freeze the app. */
export const MAX_RETRY_AFTER_S = config.MODASH_MAX_RETRY_AFTER_S;
/** The longest a call waits for its turn at the team gate, by priority (then GATE_BUSY: a job goes back to the queue). */
export const GATE_WAIT_MS = { interactive: 30_000, bulk: 90_000, backfill: 90_000 } as const;
/**
 * The longest one refresh can take: a lookup and a report, each waiting its longest for the
 * gate and then taking at most MAX_CALL_MS (a refresh lease and a job's lease never outlive it).
 */
export const MAX_REFRESH_MS = 2 * (Math.max(...Object.values(GATE_WAIT_MS)) + MAX_CALL_MS);
/** How many accounts a username search asks for: the exact one is often not the first. */
export const SEARCH_LIMIT = 5;
/**
 * Asked once more when the first page was full of look-alikes without the exact account (the
 * docs give /users no credit cost, README "Using your Modash key": one more call, no credit).
 */
export const SEARCH_MORE_LIMIT = 30;

export class ModashError extends Error {
  /** Set when a username lookup succeeded before this error: the id is worth storing. */
  lookedUpUserId: string | null = null;
  /** A 429's Retry-After in ms: pauses every caller of the shared gate. */
  retryAfterMs: number | null = null;
  /** A report in preparation: Modash's Retry-After for this account, when it sent one (ms). */
  accountRetryAfterMs: number | null = null;
  /** For NO_EXACT_MATCH: the usernames Modash offered instead. */
  closest: string[] = [];
  /** The status Modash answered with (the call log records it), when it answered. */
  upstreamStatus: number | null = null;
  /** Modash's own error code, when it sent one. */
  modashCode: string | null = null;
  /** For REPORT_IN_PREPARATION: when the scheduled retry runs (epoch ms); null when none is left. */
  retryAt: number | null = null;
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfter: string | null,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** A report's basic data (docs.modash.io: `profile.profile` of every platform's report). */
export interface ModashReportBasics {
  userId: string;
  username?: string;
  fullname?: string;
  url?: string;
  picture?: string;
  followers?: number;
  engagements?: number;
  engagementRate?: number;
}
/** A report as documented (only the members this app names; the body is stored whole). */
export interface ModashReport {
  error: false;
  profile: {
    userId: string;
    profile: ModashReportBasics;
    isPrivate?: boolean;
    isVerified?: boolean;
    postsCount?: number;
    avgLikes?: number;
    avgComments?: number;
    avgViews?: number;
    avgReelsPlays?: number;
    recentPosts?: unknown[];
  };
}
/** An account of the username lookup's answer (YouTube channels are known by a `handle`). */
export interface ModashListedUser {
  userId: string;
  username?: string;
  handle?: string;
  fullname?: string;
  followers?: number;
  isVerified?: boolean;
  picture?: string;
  [more: string]: unknown;
}

/** How one request reaches Modash: who waits for it (priority) and when it stops waiting. */
export interface CallContext {
  priority: GatePriority;
  signal?: AbortSignal;
  maxWaitMs?: number;
  /** For the call log (the metrics page): who and what caused the call. */
  staff?: string;
  useCase?: string;
  cohort?: string;
  /** Staff asked again ("Try again now"): buy even while spending is stopped (modash-spend.ts). */
  force?: boolean;
}

/**
 * One Modash call through the team-scale gate (every process shares its pace, cooldown and
 * budget). The gate off (MODASH_SERVER_GATE=off) is for comparisons only.
 */
async function call<T>(kind: 'lookup' | 'report' | 'info', path: string, ctx: CallContext): Promise<{ body: T; text: string }> {
  const platform = kind === 'info' ? '' : (path.split('/')[2] ?? '');
  let waitedMs = 0;
  let waited429 = false;
  const t0 = Date.now();
  // Every call that reached Modash is logged, whatever it answered (the metrics page).
  const sendLogged = async () => {
    waitedMs = Date.now() - t0;
    const t1 = Date.now();
    let status = 200;
    try {
      return await send<T>(path, ctx.signal);
    } catch (e) {
      status = e instanceof ModashError ? (e.upstreamStatus ?? (e.code === 'UPSTREAM_TIMEOUT' ? 504 : e.status)) : 500;
      throw e;
    } finally {
      if (status !== 499) {
        log({ kind, platform }).info({ status, latencyMs: Date.now() - t1, waitedMs, waited429 }, 'modash call');
        void logCall({
          kind,
          platform,
          status,
          latencyMs: Date.now() - t1,
          waitedMs,
          waited429,
          credits: status === 200 ? (CREDIT_COSTS[kind as keyof typeof CREDIT_COSTS] ?? 0) : 0,
          staff: ctx.staff ?? null,
          useCase: ctx.useCase ?? null,
          cohort: ctx.cohort ?? null,
        });
      }
    }
  };
  if (kind === 'report') {
    const until = await spendStoppedUntil();
    if (until !== null && ctx.force) await resumeSpending();
    else if (until !== null) {
      throw new ModashError(
        `The Modash account has no credits left (Modash's own balance, not the team's daily budget): no report is bought until ${utcMoment(until)}, or until staff try again`,
        402,
        String(Math.ceil((until - Date.now()) / 1000)),
        'MODASH_CREDITS_EXHAUSTED',
      );
    }
  }
  if (config.MODASH_SERVER_GATE === 'off') return sendLogged();
  try {
    const { value } = await modashGate(kind).run(kind, ctx.priority, async () => ({ value: await sendLogged(), charged: true }), {
      signal: ctx.signal,
      maxWaitMs: ctx.maxWaitMs ?? GATE_WAIT_MS[ctx.priority],
      maxHoldMs: MAX_CALL_MS,
      onWait: (step) => {
        if (step.blocked === 'paused') waited429 = true;
      },
    });
    return value;
  } catch (e) {
    if (isGateRefused(e)) {
      if (e.code === 'BUDGET_EXHAUSTED') throw new ModashError(e.message, 429, String(Math.ceil(e.retryAfterMs / 1000)), 'BUDGET_EXHAUSTED');
      if (e.code === 'CLIENT_CLOSED') throw new ModashError(e.message, 499, null, 'CLIENT_CLOSED');
      throw new ModashError(
        "Modash calls are queued beyond this request's wait; try again shortly",
        429,
        String(Math.ceil(e.retryAfterMs / 1000)),
        'GATE_BUSY',
      );
    }
    throw e;
  }
}

/** One GET to Modash; the body as received (text) and parsed. */
async function send<T>(path: string, signal?: AbortSignal): Promise<{ body: T; text: string }> {
  let res: Response;
  let text: string;
  try {
    ({ res, text } = await modashGet(BASE, KEY, path, { timeoutMs: TIMEOUT_MS, signal }));
  } catch (e) {
    const kind = e instanceof ModashTransportError ? e.kind : 'unreachable';
    if (kind === 'timeout') throw new ModashError((e as Error).message, 504, null, 'UPSTREAM_TIMEOUT');
    if (kind === 'aborted') throw new ModashError('The client went away', 499, null, 'CLIENT_CLOSED');
    throw new ModashError((e as Error).message, 503, null, 'UPSTREAM_UNREACHABLE');
  }
  if (!res.ok) {
    let body: { code?: unknown; message?: unknown } | null = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    // Modash's words go to the log only; staff see the sentence of our table (modash-errors.ts).
    log({ path: path.split('?')[0] }).warn(
      { status: res.status, modashCode: body?.code ?? null, modashMessage: body?.message ?? text.slice(0, 200) },
      'Modash answered with an error',
    );
    const mapped = modashFailure(res.status, body, path.split('/')[2] ?? '');
    if (mapped === null) {
      // A 429: the shared gate pauses everyone for its Retry-After, the browser retries after it.
      const e = new ModashError('Modash is rate limiting us', 429, res.headers.get('retry-after'), 'RATE_LIMITED');
      e.retryAfterMs = parseRetryAfter(e.retryAfter) ?? 1000;
      e.upstreamStatus = 429;
      throw e;
    }
    const e = new ModashError(mapped.sentence, mapped.status, mapped.retryAfterS === undefined ? null : String(mapped.retryAfterS), mapped.code);
    e.upstreamStatus = res.status;
    e.modashCode = typeof body?.code === 'string' ? body.code : null;
    // Modash's own balance is spent: no instance buys a report for a while (modash-spend.ts).
    if (mapped.code === 'MODASH_CREDITS_EXHAUSTED') await stopSpending().catch((err) => log().error({ err }, 'could not stop spending'));
    // Modash's Retry-After, when it sends one with a report in preparation, says when to ask again.
    // (Not `retryAfterMs`: that pauses every caller of the gate; this is one account's wait.)
    if (mapped.code === 'REPORT_IN_PREPARATION') e.accountRetryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    throw e;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  // Every answer Modash documents is a JSON object: anything else is stored nowhere.
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    log({ path: path.split('?')[0] }).warn({ body: text.slice(0, 200) }, 'Modash answered with something that is not a JSON object');
    throw new ModashError('Modash answered with something that is not a JSON object; nothing was stored', 502, null, 'UPSTREAM_BAD_ANSWER');
  }
  return { body: body as T, text };
}

/**
 * The userId of `username`: Modash's search lists look-alikes (`anna.b.official` for
 * `anna.b`), so only an account whose username (or handle) equals it is taken
 * (pickExactMatch); a first page of look-alikes only is asked once more, deeper. The list is
 * "updated once per month" (help.modash.io): its silence is not the last word (fetchProfile).
 */
export async function lookupUserId(platform: string, username: string, ctx: CallContext): Promise<string> {
  const ask = async (limit: number) => {
    try {
      const { body } = await call<{ users?: ModashListedUser[] }>('lookup', `/v1/${platform}/users?query=${encodeURIComponent(username)}&limit=${limit}`, ctx);
      return listedUsers(body);
    } catch (e) {
      // An empty list may come as handle_not_found: the same as no entry.
      if (e instanceof ModashError && e.code === 'HANDLE_NOT_FOUND') return [];
      throw e;
    }
  };
  const first = await ask(SEARCH_LIMIT);
  let pick = pickExactMatch(first, username);
  if (pick.userId === null && first.length >= SEARCH_LIMIT) pick = pickExactMatch(await ask(SEARCH_MORE_LIMIT), username);
  if (pick.userId === null) {
    const handle = username.trim().replace(/^@/, '');
    const e = new ModashError(
      `Modash has no ${platformName(platform)} account named @${handle}${pick.closest.length ? `; closest: ${pick.closest.map((n) => `@${n}`).join(', ')}` : ''}`,
      404,
      null,
      'NO_EXACT_MATCH',
    );
    e.closest = pick.closest;
    throw e;
  }
  return pick.userId;
}

/**
 * The report of `@handle`, the way public integrations ask when the list is silent
 * (`/v1/{platform}/profile/@{handle}/report`, one credit): taken only when the report's
 * username (or handle) is exactly the handle; null when Modash has nothing under it.
 */
export async function fetchReportByHandle(platform: string, username: string, ctx: CallContext): Promise<{ text: string; figures: ReportFigures } | null> {
  const handle = username.trim().replace(/^@/, '');
  // Never a path segment of another shape (the same rule as the route's usernames).
  if (!USERNAME.test(handle)) return null;
  let text: string;
  try {
    ({ text } = await call<ModashReport>('report', `/v1/${platform}/profile/@${handle}/report`, ctx));
  } catch (e) {
    if (e instanceof ModashError && e.upstreamStatus === 404) return null;
    throw e;
  }
  const figures = figuresOf(platform, text);
  let named: string | null = figures.username;
  if (!named) {
    try {
      named = (JSON.parse(text) as { profile?: { profile?: { handle?: string } } }).profile?.profile?.handle ?? null;
    } catch {
      named = null;
    }
  }
  if (!figures.userId || named?.replace(/^@/, '').toLowerCase() !== handle.toLowerCase()) {
    log({ platform }).warn({ asked: handle, answered: named }, 'a report asked by handle named another account: not stored');
    return null;
  }
  return { text, figures };
}

/** Metric sets a report lacked that were logged already (each shape once per process). */
const loggedShapes = new Set<string>();

/**
 * The figures of a report's text (the module's rule); a report lacking a documented figure
 * logs its shape once and stores null for it. Throws UPSTREAM_BAD_ANSWER for what is no report.
 */
export function figuresOf(platform: string, text: string): ReportFigures {
  let f: ReportFigures;
  try {
    f = reportFigures(platform, text);
  } catch (e) {
    if ((e as { code?: string }).code !== 'NOT_A_REPORT') throw e;
    log({ platform }).warn({ body: text.slice(0, 200) }, (e as Error).message);
    throw new ModashError('Modash answered a report without its profile; nothing was stored', 502, null, 'UPSTREAM_BAD_ANSWER');
  }
  const shape = `${platform}:${f.missing.join(',')}`;
  if (f.missing.length && !loggedShapes.has(shape)) {
    loggedShapes.add(shape);
    let keys: string[] = [];
    try {
      keys = Object.keys((JSON.parse(text) as ModashReport).profile ?? {});
    } catch {
      /* logged as it is */
    }
    log({ platform }).warn({ missing: f.missing, profileKeys: keys }, 'a Modash report without documented figures: stored as null');
  }
  return f;
}

/** A report, with its JSON text exactly as Modash sent it (stored as is: no re-serialisation). */
export async function fetchReport(platform: string, userId: string, ctx: CallContext): Promise<{ text: string; figures: ReportFigures }> {
  // Never a path segment of another shape: `..` or `a/b` would reach another endpoint with our key.
  if (!USER_ID.test(userId)) throw new ModashError(`Not a Modash id: ${JSON.stringify(userId.slice(0, 80))}`, 422, null, 'INVALID_USER_ID');
  const { text } = await call<ModashReport>('report', `/v1/${platform}/profile/${encodeURIComponent(userId)}/report`, ctx);
  return { text, figures: figuresOf(platform, text) };
}

/** The account behind our key (`GET /v1/user/info`, no credit), its body as received. */
export async function fetchUserInfo(ctx: CallContext): Promise<{ body: unknown; text: string }> {
  return call<unknown>('info', '/v1/user/info', ctx);
}

/** A report by userId, or by username through one lookup first. */
export async function fetchProfile(platform: string, userId: string | null, username: string | null, ctx: CallContext) {
  let id = userId;
  let lookedUp = false;
  if (!id) {
    if (!username) throw new ModashError('Neither a userId nor a username is known', 404, null, 'NO_IDENTITY');
    try {
      id = await lookupUserId(platform, username, ctx);
    } catch (e) {
      if (!(e instanceof ModashError) || e.code !== 'NO_EXACT_MATCH') throw e;
      // The list is silent (a creator who joined Modash's index this month, or ranks below its
      // look-alikes): ask the report by handle once; only when both say nothing is it not found.
      const byHandle = await fetchReportByHandle(platform, username, ctx);
      if (!byHandle) throw e;
      return { userId: byHandle.figures.userId ?? '', reportText: byHandle.text, figures: byHandle.figures, lookedUp: true };
    }
    lookedUp = true;
  }
  let fetched: Awaited<ReturnType<typeof fetchReport>>;
  try {
    fetched = await fetchReport(platform, id, ctx);
  } catch (e) {
    // The lookup cost a call: let the caller store its answer even though the report failed.
    if (lookedUp && e instanceof ModashError) e.lookedUpUserId = id;
    throw e;
  }
  return { userId: fetched.figures.userId ?? id, reportText: fetched.text, figures: fetched.figures, lookedUp };
}

/** What the panel shows of a report: its figures (the engagement rate a fraction, as Modash sends it). */
export function summary(f: ReportFigures): ProfileSummary {
  return {
    userId: f.userId,
    username: f.username,
    fullname: f.fullname,
    ...metricsOf(f),
    posts: f.postsCount,
  };
}

/** Retry-After as at most MAX_RETRY_AFTER_S seconds (delta-seconds or an HTTP-date in). */
export function cappedRetryAfter(value: string | null): string | null {
  const ms = parseRetryAfter(value);
  return ms === null ? null : String(Math.min(MAX_RETRY_AFTER_S, Math.ceil(ms / 1000)));
}

/** What the browser may see of a Modash failure: a stable code and a sentence; details go to the log. */
export function errorResponse(e: unknown) {
  if (e instanceof ModashError) {
    const headers: Record<string, string> = {};
    // Our own budget's Retry-After (hours, until midnight UTC), a report in preparation's
    // (minutes) and a spending stop's (an hour) are passed on as they are: the browser's retry
    // stops at once instead of retrying into them.
    const ours = e.code === 'BUDGET_EXHAUSTED' || e.code === 'REPORT_IN_PREPARATION' || e.code === 'MODASH_CREDITS_EXHAUSTED';
    const retryAfter = ours ? e.retryAfter : cappedRetryAfter(e.retryAfter);
    if (retryAfter) headers['Retry-After'] = retryAfter;
    if (e.code === 'UPSTREAM_AUTH') log().error({ code: e.code }, e.message);
    if (e.code === 'UPSTREAM_TIMEOUT') return NextResponse.json({ success: false, error: e.message, code: e.code }, { status: 504 });
    const body: Record<string, unknown> = { success: false, error: e.message, code: e.code ?? `MODASH_${e.status}` };
    if (e.code === 'NO_EXACT_MATCH') body.closest = e.closest;
    return NextResponse.json(body, { status: e.status >= 400 && e.status <= 599 ? e.status : 502, headers });
  }
  log().error({ err: e }, 'unexpected error in a Modash call');
  return NextResponse.json({ success: false, error: 'Something went wrong on the server', code: 'INTERNAL' }, { status: 500 });
}
