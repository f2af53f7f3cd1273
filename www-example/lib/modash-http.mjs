// The one way this app's processes reach Modash and record it, shared by the routes' client
// (lib/server/modash.ts) and the scripts (scripts/migrate.mjs's userId backfill): one GET with
// the bearer key and a timeout (MODASH_TIMEOUT_MS), and one row of the call log (modash_calls,
// the metrics page's source) per call that reached Modash, whatever it answered.

export class ModashTransportError extends Error {
  /** `kind`: timeout (no answer within timeoutMs), aborted (the caller's signal), unreachable. */
  constructor(message, kind) {
    super(message);
    this.name = 'ModashTransportError';
    this.kind = kind;
  }
}

/**
 * GET `base + path` with `Authorization: Bearer key`, given up after `timeoutMs` (and when
 * `signal` aborts). Resolves `{ res, text }` for any answer; throws ModashTransportError when
 * none came.
 */
export async function modashGet(base, key, path, { timeoutMs, signal } = {}) {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    const res = await fetch(`${base.replace(/\/$/, '')}${path}`, {
      headers: { Authorization: `Bearer ${key}` },
      cache: 'no-store',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    return { res, text: await res.text() };
  } catch (e) {
    if (timeout.aborted) throw new ModashTransportError(`Modash did not answer within ${timeoutMs} ms`, 'timeout');
    if (signal?.aborted) throw new ModashTransportError('The caller went away', 'aborted');
    throw new ModashTransportError(`Modash unreachable: ${e.message}`, 'unreachable');
  }
}

/** One row of the call log. `c`: { kind, platform, status, latencyMs, waitedMs, waited429, credits, staff, useCase, cohort }. */
export function logModashCall(store, c, requestId = null) {
  return store.db
    .insertInto('modash_calls')
    .values({
      at: Date.now(),
      kind: c.kind,
      platform: c.platform,
      status: c.status,
      latency_ms: c.latencyMs,
      waited_ms: c.waitedMs,
      waited_429: c.waited429 ? 1 : 0,
      credits: c.credits,
      staff: c.staff,
      use_case: c.useCase,
      cohort: c.cohort,
      request_id: requestId,
    })
    .execute();
}

/**
 * The accounts of a users-list answer (`{ users: [...] }`), each named by its `username`, or by
 * its `handle` where Modash lists a YouTube channel by handle (public integrations read
 * `username || handle`): what pickExactMatch compares. Anything else is no account.
 */
export function listedUsers(body) {
  const users = Array.isArray(body?.users) ? body.users : [];
  return users
    .filter((u) => u && typeof u === 'object')
    .map((u) => ({ ...u, username: typeof u.username === 'string' && u.username !== '' ? u.username : typeof u.handle === 'string' ? u.handle : '' }));
}
