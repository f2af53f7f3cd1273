// The team's Modash work, one durable queue in the store (table modash_jobs, migration 0007):
// every report staff or the server want bought is a job row, and every path goes through it:
// a panel that needs Modash (interactive), a bulk refresh (a batch of bulk jobs), the warm
// refresher (warm), the retries of reports Modash was preparing (scheduled, with a run-at).
//
// - Unique while pending: a partial unique index on the influencer platform over queued and
//   running jobs, so two staff asking for the same row make one job (a later, higher ask
//   promotes it).
// - Claimed by one statement: `UPDATE … WHERE id = (SELECT … ORDER BY priority, run_at LIMIT 1
//   [FOR UPDATE SKIP LOCKED]) RETURNING *` (PostgreSQL skips rows another instance is claiming;
//   SQLite runs one writer at a time). A running job's holder renews its lease (lib/lease.mjs);
//   a job whose holder died is claimed again by any instance once its lease ran out.
// - Run on the server's own time: a job calls refresh() with a signal nothing aborts, so a
//   report the gate let through is stored, logged and charged whoever hung up; a waiting panel
//   only stops waiting.
// - Nothing stuck: a 429, the gate's queue, the team's spent budget, Modash down or out of
//   credits never fail a job: it goes back to the queue with a run-at (Retry-After, backoff,
//   the budget's reset) and the sentence of why it waits.
// - Every instance runs MODASH_WORKERS jobs at once (they wait their turn at the team gate);
//   the instance that takes a panel's request runs that job itself at once.
// Why a table of our own, not pg-boss or graphile-worker: ARCHITECTURE.md ("The work queue").
import 'server-only';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { UseCase } from 'modash-flow/server';
import { keepAlive, LEASE_MS } from '../lease.mjs';
import { log } from '../log.mjs';
import { serverConfig } from './config';
import { HttpError } from './http';
import { MAX_REFRESH_MS, MAX_RETRY_AFTER_S, ModashError } from './modash';
import { refresh, storedAnswer, type Refreshed } from './refresh';
import { cohortOf } from './rollout';
import { store, type Db } from './store';

export const PRIORITIES = { interactive: 0, bulk: 1, warm: 2, scheduled: 3 } as const;
export type JobPriority = keyof typeof PRIORITIES;
const GATE_PRIORITY = ['interactive', 'bulk', 'backfill', 'backfill'] as const;
/** The states a job is pending in (the unique index's). */
export const PENDING = ['queued', 'running'] as const;
/** How often an idle instance looks for due jobs (a job enqueued here wakes it at once). */
const IDLE_POLL_MS = 1000;
/** How often a waiting panel reads its job's row when another instance runs it. */
const WAIT_POLL_MS = 150;
/** Failures of Modash or of us that are not the row's: the job waits and runs again, up to this many attempts (429s and spent budgets wait without a limit). */
const MAX_UPSTREAM_ATTEMPTS = 8;
/** Codes that say "not now": the job goes back to the queue. */
const WAITS: Record<string, 'limit' | 'upstream'> = {
  RATE_LIMITED: 'limit',
  GATE_BUSY: 'limit',
  BUDGET_EXHAUSTED: 'limit',
  MODASH_CREDITS_EXHAUSTED: 'limit',
  UPSTREAM_TIMEOUT: 'upstream',
  UPSTREAM_UNREACHABLE: 'upstream',
  UPSTREAM_ERROR: 'upstream',
  UPSTREAM_AUTH: 'upstream',
  CLIENT_CLOSED: 'upstream',
};

export interface Job {
  id: number;
  influencer_id: number;
  influencer_platform_id: number;
  platform: string;
  priority: number;
  run_at: number;
  state: string;
  attempts: number;
  holder: string | null;
  lease_until: number | null;
  batch_id: number | null;
  asked_by: string;
  cause: string;
  use_case: string;
  force: number;
  created_at: number;
  finished_at: number | null;
  code: string | null;
  message: string | null;
  status: number | null;
  detail: string | null;
}
/** How an attempt ended, told to the waiters of this process (a panel's route). */
type Outcome = { state: 'done'; result: Refreshed } | { state: 'waiting' | 'failed' | 'preparing' | 'cancelled'; error: ModashError | HttpError };

interface QueueGlobals {
  holder: string;
  listeners: Map<number, Set<(o: Outcome) => void>>;
  running: number;
  wake: (() => void) | null;
  started: boolean;
}
// On globalThis: Next.js bundles this module into each entry (the instrumentation's workers and
// each route handler), and they must share one holder id, one set of listeners, one pump.
const g = globalThis as unknown as { __modashQueue?: QueueGlobals };
const q = (): QueueGlobals => (g.__modashQueue ??= { holder: randomUUID(), listeners: new Map(), running: 0, wake: null, started: false });

const num = (v: unknown) => Number(v);
const asJob = (r: Record<string, unknown>): Job => ({
  ...(r as unknown as Job),
  id: num(r.id),
  influencer_id: num(r.influencer_id),
  influencer_platform_id: num(r.influencer_platform_id),
  priority: num(r.priority),
  run_at: num(r.run_at),
  attempts: num(r.attempts),
  lease_until: r.lease_until === null ? null : num(r.lease_until),
  batch_id: r.batch_id === null ? null : num(r.batch_id),
  force: num(r.force),
  created_at: num(r.created_at),
  finished_at: r.finished_at === null ? null : num(r.finished_at),
  status: r.status === null ? null : num(r.status),
});

export interface EnqueueRequest {
  influencerId: number;
  influencerPlatformId: number;
  platform: string;
  priority: JobPriority;
  runAt?: number;
  batchId?: number | null;
  askedBy: string;
  cause: string;
  useCase: UseCase;
  force?: boolean;
}

/** A unique violation of either store (two instances enqueueing the same row at once). */
const isUniqueViolation = (e: unknown) => {
  const c = (e as { code?: string })?.code;
  return c === '23505' || c === 'SQLITE_CONSTRAINT_UNIQUE';
};

/**
 * Enqueues inside `tx` (the caller's transaction): the pending job of that influencer platform
 * when there is one (promoted to this ask's priority and, for staff asking now, its run-at;
 * `force` kept), else a new one. Returns the job's id, whether it is new and its attempts so far.
 */
export async function enqueueIn(tx: Db, r: EnqueueRequest, now = Date.now()): Promise<{ id: number; created: boolean; attempts: number }> {
  const priority = PRIORITIES[r.priority];
  const runAt = r.runAt ?? now;
  const pending = await tx
    .selectFrom('modash_jobs')
    .select(['id', 'priority', 'run_at', 'attempts', 'force'])
    .where('influencer_platform_id', '=', r.influencerPlatformId)
    .where('state', 'in', [...PENDING])
    .executeTakeFirst();
  if (pending) {
    const set: Record<string, unknown> = {};
    if (priority < num(pending.priority)) set.priority = priority;
    if (runAt < num(pending.run_at)) set.run_at = runAt;
    if (r.force && !num(pending.force)) set.force = 1;
    if (Object.keys(set).length) await tx.updateTable('modash_jobs').set(set).where('id', '=', pending.id).execute();
    return { id: num(pending.id), created: false, attempts: num(pending.attempts) };
  }
  const row = await tx
    .insertInto('modash_jobs')
    .values({
      influencer_id: r.influencerId,
      influencer_platform_id: r.influencerPlatformId,
      platform: r.platform,
      priority,
      run_at: runAt,
      state: 'queued',
      batch_id: r.batchId ?? null,
      asked_by: r.askedBy,
      cause: r.cause,
      use_case: r.useCase,
      force: r.force ? 1 : 0,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: num(row.id), created: true, attempts: 0 };
}

/** Runs `fn` in a transaction, once more when a concurrent enqueue of the same row won the unique index. */
export async function withEnqueue<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await store().tx(fn);
    } catch (e) {
      if (!isUniqueViolation(e) || attempt >= 3) throw e;
    }
  }
}

/** The claim's condition: due and queued, or running under a lease that ran out (its holder died). */
function claimable(now: number, ignoreRunAt: boolean) {
  return sql`((state = 'queued'${ignoreRunAt ? sql`` : sql` AND run_at <= ${now}`}) OR (state = 'running' AND lease_until < ${now}))`;
}

/** Claims the most urgent due job (or the job `id`, due or not: staff are waiting for it). */
async function claim(now: number, id: number | null = null): Promise<Job | null> {
  const s = store();
  const holder = q().holder;
  const pick =
    id === null
      ? sql`SELECT id FROM modash_jobs WHERE ${claimable(now, false)} ORDER BY priority, run_at, id LIMIT 1${s.kind === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``}`
      : sql`SELECT id FROM modash_jobs WHERE id = ${id} AND ${claimable(now, true)}${s.kind === 'postgres' ? sql` FOR UPDATE SKIP LOCKED` : sql``}`;
  const r = await sql<
    Record<string, unknown>
  >`UPDATE modash_jobs SET state = 'running', holder = ${holder}, lease_until = ${now + LEASE_MS}, attempts = attempts + 1
    WHERE id = (${pick}) AND ${claimable(now, id !== null)} RETURNING *`.execute(s.db);
  return r.rows[0] ? asJob(r.rows[0]) : null;
}

/** Whether a due job is waiting (a read: an idle instance does not write to find out). */
async function anyDue(now: number): Promise<boolean> {
  const r = await sql`SELECT 1 AS x FROM modash_jobs WHERE ${claimable(now, false)} LIMIT 1`.execute(store().db);
  return r.rows.length > 0;
}

async function renew(job: Job): Promise<boolean> {
  const r = await store()
    .db.updateTable('modash_jobs')
    .set({ lease_until: Date.now() + LEASE_MS })
    .where('id', '=', job.id)
    .where('holder', '=', q().holder)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** The error as the row keeps it (what the waiters of other instances rebuild). */
function errorRow(e: unknown): { code: string; message: string; status: number; detail: string } {
  if (e instanceof ModashError) {
    return {
      code: e.code ?? `MODASH_${e.status}`,
      message: e.message,
      status: e.status,
      detail: JSON.stringify({ kind: 'modash', retryAfter: e.retryAfter, closest: e.closest }),
    };
  }
  if (e instanceof HttpError) return { code: e.code, message: e.message, status: e.status, detail: JSON.stringify({ kind: 'http', extra: e.extra }) };
  return {
    code: 'INTERNAL',
    message: 'The server failed while refreshing; it tries again shortly',
    status: 500,
    detail: JSON.stringify({ kind: 'modash', retryAfter: null }),
  };
}

/** The error a job's row says its last attempt ended with. */
function errorOf(job: Job): ModashError | HttpError {
  let d: { kind?: string; retryAfter?: string | null; closest?: string[]; extra?: Record<string, unknown> } = {};
  try {
    d = JSON.parse(job.detail ?? '{}') ?? {};
  } catch {
    d = {};
  }
  if (d.kind === 'http') return new HttpError(job.status ?? 500, job.code ?? 'INTERNAL', job.message ?? 'failed', d.extra ?? {});
  // A job waiting for its run-at: the time left is the Retry-After.
  const retryAfter = job.state === 'queued' && job.run_at > Date.now() ? String(Math.ceil((job.run_at - Date.now()) / 1000)) : (d.retryAfter ?? null);
  const e = new ModashError(job.message ?? 'failed', job.status ?? 502, retryAfter, job.code);
  e.closest = d.closest ?? [];
  return e;
}

/** How long a job waits after a failure of `kind` (ms), and the sentence the batch shows. */
function waitAfter(e: unknown, job: Job, kind: 'limit' | 'upstream'): { ms: number; why: string } {
  const retryAfterS = e instanceof ModashError && e.retryAfter !== null ? Number(e.retryAfter) : NaN;
  const backoff = Math.min(300_000, 1000 * 2 ** Math.min(job.attempts, 8)) * (0.75 + Math.random() / 2);
  const code = e instanceof ModashError ? e.code : null;
  if (code === 'BUDGET_EXHAUSTED') {
    const ms = Number.isFinite(retryAfterS) ? retryAfterS * 1000 : 3_600_000;
    return { ms, why: "The team's daily credit budget is spent: waiting for it to renew at midnight UTC" };
  }
  if (code === 'MODASH_CREDITS_EXHAUSTED') {
    return { ms: Number.isFinite(retryAfterS) ? retryAfterS * 1000 : 3_600_000, why: 'The Modash account has no credits left: waiting until spending resumes' };
  }
  if (kind === 'limit') {
    const ms = Number.isFinite(retryAfterS) ? Math.min(retryAfterS, MAX_RETRY_AFTER_S) * 1000 : backoff;
    return { ms: Math.max(ms, 500), why: 'Modash asked us to slow down: waiting our turn' };
  }
  return { ms: backoff, why: 'Modash did not answer: trying again shortly' };
}

/**
 * An error told by another copy of this module (Next.js bundles it into each entry: a job the
 * instrumentation's workers ran fails with their copy's classes) as this copy's own, so the
 * route's `instanceof` checks hold: rebuilt from what the row would keep.
 */
function localized(e: unknown): ModashError | HttpError {
  if (e instanceof ModashError || e instanceof HttpError) return e;
  const x = e as { name?: string; constructor?: { name?: string } } & Partial<ModashError> & Partial<HttpError>;
  if (x && typeof x === 'object' && 'extra' in x && typeof x.status === 'number' && typeof x.code === 'string') {
    return new HttpError(x.status, x.code, String(x.message), (x.extra as Record<string, unknown>) ?? {});
  }
  if (x && typeof x === 'object' && 'upstreamStatus' in x && typeof x.status === 'number') {
    const m = new ModashError(String(x.message), x.status, x.retryAfter ?? null, x.code ?? null);
    Object.assign(m, {
      closest: x.closest ?? [],
      retryAfterMs: x.retryAfterMs ?? null,
      upstreamStatus: x.upstreamStatus ?? null,
      modashCode: x.modashCode ?? null,
      retryAt: x.retryAt ?? null,
    });
    return m;
  }
  return new ModashError('The server failed while refreshing; it tries again shortly', 500, null, 'INTERNAL');
}

function tell(jobId: number, o: Outcome) {
  for (const f of q().listeners.get(jobId) ?? []) f(o);
}

/**
 * Runs a claimed job to its end on the server's own time: refresh() with a signal nothing
 * aborts, the lease renewed while it runs, the outcome written to the row (and told to this
 * process's waiters). A scheduled retry's first attempt counts as one of the row's retries.
 */
export async function runJob(job: Job): Promise<void> {
  const stop = keepAlive(() => renew(job), { maxMs: MAX_REFRESH_MS });
  const { db } = store();
  try {
    if (job.cause === 'retry' && job.attempts === 1) {
      await db
        .updateTable('influencer_platforms')
        .set((eb) => ({ modash_retries: eb('modash_retries', '+', 1), modash_retry_at: null }))
        .where('id', '=', job.influencer_platform_id)
        .execute();
    }
    let result: Refreshed;
    try {
      result = await refresh({
        id: job.influencer_id,
        platform: job.platform,
        useCase: job.use_case as UseCase,
        force: Boolean(job.force),
        staffEmail: job.asked_by,
        cohort: job.priority <= PRIORITIES.bulk ? cohortOf(job.asked_by) : 'cache',
        signal: new AbortController().signal,
        priority: GATE_PRIORITY[job.priority] ?? 'backfill',
        cause: job.cause.startsWith('warm:') || job.cause === 'retry' ? job.cause : undefined,
      });
    } catch (e) {
      await settleFailure(job, e);
      return;
    }
    const detail = JSON.stringify({
      source: result.source,
      userId: result.userId,
      lookedUp: result.lookedUp,
      notesWritten: result.notesWritten,
      warnings: result.warnings,
    });
    await setMine(db, job, { state: 'done', finished_at: Date.now(), holder: null, lease_until: null, code: null, message: null, status: null, detail });
    tell(job.id, { state: 'done', result });
  } catch (e) {
    // The store failed us: the lease runs out and another attempt (here or elsewhere) follows.
    log({ job: job.id }).error({ err: e }, 'a job could not be settled; its lease runs out and it runs again');
  } finally {
    stop();
  }
}

/** Writes `set` to the job's row while this process holds it (a job claimed again elsewhere is not overwritten). */
async function setMine(db: Db, job: Job, set: Record<string, unknown>) {
  await db.updateTable('modash_jobs').set(set).where('id', '=', job.id).where('holder', '=', q().holder).execute();
}

/** A failed attempt: back to the queue when it is not the row's fault, else the job's outcome. */
async function settleFailure(job: Job, e: unknown) {
  const { db } = store();
  const row = errorRow(e);
  const now = Date.now();
  const kind = e instanceof ModashError ? WAITS[e.code ?? ''] : e instanceof HttpError ? undefined : 'upstream';
  if (kind && (kind === 'limit' || job.attempts < MAX_UPSTREAM_ATTEMPTS)) {
    const { ms, why } = waitAfter(e, job, kind);
    // The row keeps the attempt's error for its waiters; `message` is why it waits (the batch shows it).
    await setMine(db, job, {
      state: 'queued',
      run_at: now + ms,
      holder: null,
      lease_until: null,
      code: row.code,
      message: why,
      status: row.status,
      detail: row.detail,
    });
    log({ job: job.id, influencer: job.influencer_id, platform: job.platform }).info({ code: row.code, waitMs: Math.round(ms) }, 'a job waits and runs again');
    tell(job.id, { state: 'waiting', error: e as ModashError });
    wake(ms);
    return;
  }
  // After the last scheduled retry the row left "in preparation" (refresh.ts): the job failed with that sentence.
  if (e instanceof ModashError && e.code === 'REPORT_IN_PREPARATION' && e.retryAt === null) row.code = 'STILL_PREPARING';
  if (e instanceof ModashError && e.code === 'REPORT_IN_PREPARATION' && e.retryAt !== null) {
    // Modash is preparing the report: this job ends "in preparation", and the retry is a job of
    // its own (scheduled, its run-at), enqueued in the same transaction: a crash loses neither.
    await store().tx(async (tx) => {
      await setMine(tx, job, { state: 'preparing', finished_at: now, holder: null, lease_until: null, ...row });
      await enqueueIn(
        tx,
        {
          influencerId: job.influencer_id,
          influencerPlatformId: job.influencer_platform_id,
          platform: job.platform,
          priority: 'scheduled',
          runAt: e.retryAt ?? now,
          askedBy: 'scheduled retry',
          cause: 'retry',
          useCase: 'bulkRefresh',
        },
        now,
      );
    });
    tell(job.id, { state: 'preparing', error: e });
    return;
  }
  await setMine(db, job, { state: 'failed', finished_at: now, holder: null, lease_until: null, ...row });
  if (!(e instanceof ModashError) && !(e instanceof HttpError)) log({ job: job.id }).error({ err: e }, 'a job failed');
  tell(job.id, { state: 'failed', error: e instanceof ModashError || e instanceof HttpError ? e : errorOf({ ...job, ...row, state: 'failed' }) });
}

/**
 * Waits for the job `id` to end an attempt that began after `afterAttempts` (this process's
 * waiters hear it at once; another instance's run is read from the row). `signal` only stops
 * the waiting: the job runs on. Answers as refresh() does, or throws the attempt's error.
 */
export async function waitFor(id: number, afterAttempts: number, signal: AbortSignal, joined: boolean, t0 = Date.now()): Promise<Refreshed> {
  const listeners = q().listeners;
  let heard: Outcome | null = null;
  let poke: (() => void) | null = null;
  const listener = (o: Outcome) => {
    heard = o;
    poke?.();
  };
  if (!listeners.has(id)) listeners.set(id, new Set());
  listeners.get(id)!.add(listener);
  try {
    for (;;) {
      if (signal.aborted) throw new ModashError('The client went away', 499, null, 'CLIENT_CLOSED');
      const o = heard as Outcome | null;
      if (o) {
        if (o.state === 'done') return joined && o.result.source === 'modash' ? { ...o.result, source: 'joined', waitedMs: Date.now() - t0 } : o.result;
        throw localized(o.error);
      }
      const row = await store().db.selectFrom('modash_jobs').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new HttpError(404, 'NOT_FOUND', 'The job is gone');
      const job = asJob(row as unknown as Record<string, unknown>);
      if (job.state === 'done') {
        const d = JSON.parse(job.detail ?? '{}');
        const stored = await storedAnswer(job.influencer_id, job.platform, 'joined', Date.now() - t0);
        return {
          ...stored,
          userId: d.userId ?? stored.userId,
          lookedUp: Boolean(d.lookedUp),
          notesWritten: Boolean(d.notesWritten),
          warnings: d.warnings ?? [],
        };
      }
      if (job.state === 'failed' || job.state === 'preparing' || job.state === 'cancelled') throw errorOf(job);
      if (job.state === 'queued' && job.attempts > afterAttempts && job.code) throw errorOf(job);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, WAIT_POLL_MS);
        poke = () => {
          clearTimeout(t);
          resolve();
        };
        signal.addEventListener('abort', poke, { once: true });
      });
      poke = null;
    }
  } finally {
    listeners.get(id)?.delete(listener);
    if (listeners.get(id)?.size === 0) listeners.delete(id);
  }
}

/**
 * A panel's refresh through the queue: the job of that platform (new, or the pending one
 * joined and promoted to interactive), run here at once when no one holds it, and waited for.
 * The browser leaving stops only the waiting.
 */
export async function refreshNow(r: {
  influencerId: number;
  influencerPlatformId: number;
  platform: string;
  useCase: UseCase;
  force: boolean;
  staffEmail: string;
  signal: AbortSignal;
}): Promise<Refreshed> {
  const t0 = Date.now();
  const job = await withEnqueue((tx) =>
    enqueueIn(tx, {
      influencerId: r.influencerId,
      influencerPlatformId: r.influencerPlatformId,
      platform: r.platform,
      priority: r.useCase === 'bulkRefresh' ? 'bulk' : 'interactive',
      askedBy: r.staffEmail,
      cause: r.useCase,
      useCase: r.useCase,
      force: r.force,
    }),
  );
  const waiting = waitFor(job.id, job.attempts, r.signal, !job.created, t0);
  const claimed = await claim(Date.now(), job.id);
  if (claimed) void runJob(claimed);
  return waiting;
}

/** Wakes this instance's pump now, or after `ms`. */
export function wake(ms = 0) {
  if (ms <= 0) q().wake?.();
  else setTimeout(() => q().wake?.(), Math.min(ms, 2 ** 31 - 1)).unref?.();
}

/**
 * This instance's workers (instrumentation-node.ts): claims due jobs, the most urgent first,
 * while fewer than MODASH_WORKERS of its jobs run; sleeps while nothing is due.
 */
export function startWorkers() {
  const slots = serverConfig().MODASH_WORKERS;
  const state = q();
  if (state.started || slots === 0) return;
  state.started = true;
  const pump = async () => {
    for (;;) {
      try {
        while (state.running < slots && (await anyDue(Date.now()))) {
          const job = await claim(Date.now());
          if (!job) break;
          state.running++;
          void runJob(job).finally(() => {
            state.running--;
            state.wake?.();
          });
        }
      } catch (e) {
        log().warn({ err: e }, 'the work queue could not be read; trying again shortly');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, IDLE_POLL_MS + Math.random() * 200);
        t.unref?.();
        state.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      state.wake = null;
    }
  };
  void pump();
}
