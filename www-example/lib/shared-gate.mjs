// The loop around the module's gateStep, shared by the route handlers (lib/server/modash.ts)
// and the userId backfill (scripts/migrate.mjs): every Modash call of every process asks the
// one state row of its API key for a place, sleeps what it is told, and gives the place back.
// `transact(fn)` runs `fn(state) -> [newState, result]` in one transaction on that row.
import { createHash, randomUUID } from 'node:crypto';
import { keepAlive, LEASE_MS, releaseSurely } from './lease.mjs';

/** The longest sleep between two asks: a waiter must ask again before it loses its turn. */
const MAX_SLEEP_MS = 1000;

export class GateRefused extends Error {
  constructor(message, code, retryAfterMs) {
    super(message);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

export function createSharedGate({ gateStep, transact, options, costs = {} }) {
  const step = (request) => transact((state) => {
    const out = gateStep(state, request, Date.now(), options);
    return [out.state, out];
  });
  // Three renewals fit in one lease: one lost renewal (a slow store) costs nothing.
  const renewEveryMs = Math.max(1, (options?.leaseMs ?? 60_000) / 3);
  return {
    /**
     * Runs `call()` once a place is admitted. `priority`: interactive | bulk | backfill.
     * Waits at most `maxWaitMs` (then GateRefused 'GATE_BUSY' with the time left); a budget
     * that is spent is GateRefused 'BUDGET_EXHAUSTED'. `call` returns
     * `{ value, retryAfterMs?, charged? }` or throws (`retryAfterMs` on the error pauses everyone).
     * `maxHoldMs`: the longest `call` can take (its upstream timeout plus a margin); the place
     * is renewed while it runs, never longer than that.
     */
    async run(kind, priority, call, { signal, maxWaitMs = 60000, maxHoldMs = 30000, onWait } = {}) {
      const id = randomUUID();
      const cost = Number(costs[kind] ?? 0);
      const t0 = Date.now();
      for (;;) {
        const out = await step({ op: 'acquire', id, priority, cost });
        if (out.admit) break;
        if (out.blocked === 'budget') throw new GateRefused('The daily Modash credit budget is spent; it renews at midnight UTC', 'BUDGET_EXHAUSTED', out.waitMs);
        const waited = Date.now() - t0;
        if (signal?.aborted || waited + Math.min(out.waitMs, MAX_SLEEP_MS) > maxWaitMs) {
          await step({ op: 'cancel', id });
          if (signal?.aborted) throw new GateRefused('The client went away', 'CLIENT_CLOSED', 0);
          throw new GateRefused(out.blocked === 'paused' ? 'Modash asked us to wait' : 'Too many Modash calls are waiting', 'GATE_BUSY', Math.max(out.waitMs, 1000));
        }
        onWait?.(out);
        await new Promise((r) => setTimeout(r, Math.max(5, Math.min(out.waitMs, MAX_SLEEP_MS))));
      }
      const waitedMs = Date.now() - t0;
      // The place is a short lease this process renews while the call runs: a process that
      // dies frees it within LEASE_MS; a slow call keeps it, for at most maxHoldMs.
      const stop = keepAlive(() => step({ op: 'renew', id }).then((out) => out.admit), { everyMs: renewEveryMs, maxMs: maxHoldMs });
      const release = (retryAfterMs, charged) => {
        stop();
        return releaseSurely(() => step({ op: 'release', id, retryAfterMs, charged }), { what: `gate place ${id}` });
      };
      let result;
      try {
        result = await call();
      } catch (e) {
        await release(e?.retryAfterMs ?? null, false);
        throw e;
      }
      await release(null, result?.charged ?? true);
      return { value: result?.value, waitedMs };
    },
    /** The state as it is now (for the budget and queue display). */
    async peek() {
      return transact((state) => {
        const out = gateStep(state, { op: 'cancel', id: '' }, Date.now(), options);
        return [out.state, out.state];
      });
    },
  };
}

const envNumber = (env, name) => (env[name] === undefined || env[name] === '' ? undefined : Number(env[name]));

/** The state row's key: a digest of the API key (the key itself is never stored). */
export const gateKey = (env = process.env) => createHash('sha256').update(env.MODASH_API_KEY ?? 'simulated').digest('hex').slice(0, 32);

/**
 * Options every process of one key must share: MODASH_GATE_RPS / _BURST / _CONCURRENCY (1.5, 1,
 * 4: never more than 2 calls start in a second), MODASH_MAX_RETRY_AFTER_S (60),
 * MODASH_DAILY_CREDITS (1,000).
 */
export function gateOptionsFromEnv(env = process.env) {
  return {
    requestsPerSecond: envNumber(env, 'MODASH_GATE_RPS'),
    burst: envNumber(env, 'MODASH_GATE_BURST'),
    maxConcurrent: envNumber(env, 'MODASH_GATE_CONCURRENCY'),
    maxRetryAfterMs: (envNumber(env, 'MODASH_MAX_RETRY_AFTER_S') ?? 60) * 1000,
    dailyCredits: envNumber(env, 'MODASH_DAILY_CREDITS') ?? 1000,
    // Short: live holders renew their places (lib/lease.mjs), so only a dead one's runs out.
    leaseMs: LEASE_MS,
  };
}

/** Credits per call kind: MODASH_CREDIT_COST_REPORT (1), MODASH_CREDIT_COST_LOOKUP (0). */
export function creditCostsFromEnv(env = process.env) {
  return { report: envNumber(env, 'MODASH_CREDIT_COST_REPORT') ?? 1, lookup: envNumber(env, 'MODASH_CREDIT_COST_LOOKUP') ?? 0 };
}

/**
 * `transact` over a lib/store.mjs store (the scripts): the key's row, locked for the step
 * (SQLite: the store's BEGIN IMMEDIATE; PostgreSQL: FOR UPDATE). A row the module cannot
 * read starts over.
 */
export function storeTransact(store, key) {
  return (fn) => store.tx(async (s) => {
    await s.run("INSERT INTO modash_gate (api_key, state) VALUES (?, 'null') ON CONFLICT (api_key) DO NOTHING", [key]);
    const row = await s.get(`SELECT state FROM modash_gate WHERE api_key = ?${s.kind === 'postgres' ? ' FOR UPDATE' : ''}`, [key]);
    let state = null;
    try { state = JSON.parse(row?.state ?? 'null'); } catch { state = null; }
    let out;
    try {
      out = fn(state);
    } catch (e) {
      if (e?.code !== 'INVALID_ARGUMENT' || state === null) throw e;
      out = fn(null);
    }
    await s.run('UPDATE modash_gate SET state = ? WHERE api_key = ?', [JSON.stringify(out[0]), key]);
    return out[1];
  });
}
