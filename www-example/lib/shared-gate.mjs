// The loop around the module's gateStep, shared by the route handlers (lib/server/modash.ts)
// and the userId backfill (scripts/migrate.mjs): every Modash call of every process asks the
// one state row of its API key for a place, sleeps what it is told, and gives the place back.
// `transact(fn)` runs `fn(state) -> [newState, result]` in one transaction on that row.
import { createHash, randomUUID } from 'node:crypto';
import { keepAlive, LEASE_MS, releaseSurely } from './lease.mjs';
import { log } from './log.mjs';
import { lookupsApart } from './config.mjs';

/** The longest sleep between two asks: a waiter must ask again before it loses its turn. */
const MAX_SLEEP_MS = 1000;

export class GateRefused extends Error {
  constructor(message, code, retryAfterMs) {
    super(message);
    this.name = 'GateRefused';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

export function createSharedGate({ gateStep, transact, read = null, options, costs = {} }) {
  const step = (request) =>
    transact((state) => {
      const out = gateStep(state, request, Date.now(), options);
      return [out.state, out];
    });
  // Three renewals fit in one lease: one lost renewal (a slow store) costs nothing.
  const leaseMs = options?.leaseMs ?? 60_000;
  const renewEveryMs = Math.max(1, leaseMs / 3);
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
        if (out.blocked === 'budget')
          throw new GateRefused('The daily Modash credit budget is spent; it renews at midnight UTC', 'BUDGET_EXHAUSTED', out.waitMs);
        const waited = Date.now() - t0;
        if (signal?.aborted || waited + Math.min(out.waitMs, MAX_SLEEP_MS) > maxWaitMs) {
          await step({ op: 'cancel', id });
          if (signal?.aborted) throw new GateRefused('The client went away', 'CLIENT_CLOSED', 0);
          log().warn({ kind, priority, blocked: out.blocked, waitedMs: waited }, 'gave up waiting for a gate place');
          throw new GateRefused(
            out.blocked === 'paused' ? 'Modash asked us to wait' : 'Too many Modash calls are waiting',
            'GATE_BUSY',
            Math.max(out.waitMs, 1000),
          );
        }
        log().debug({ kind, priority, blocked: out.blocked, waitMs: out.waitMs, ahead: out.ahead }, 'waiting for a gate place');
        onWait?.(out);
        await new Promise((r) => setTimeout(r, Math.max(5, Math.min(out.waitMs, MAX_SLEEP_MS))));
      }
      const waitedMs = Date.now() - t0;
      // The place is a short lease this process renews while the call runs: a process that
      // dies frees it within LEASE_MS; a slow call keeps it, for at most maxHoldMs.
      const stop = keepAlive(() => step({ op: 'renew', id }).then((out) => out.admit), { everyMs: renewEveryMs, leaseMs, maxMs: maxHoldMs });
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
    /**
     * The state as it is now (for the budget and queue display): read, stepped in memory (its
     * spent leases and day rolled over), never written. Every open tab asks for it every few
     * seconds: a status read must not add a write on the busiest row.
     */
    async peek() {
      if (!read) {
        return transact((state) => {
          const out = gateStep(state, { op: 'cancel', id: '' }, Date.now(), options);
          return [out.state, out.state];
        });
      }
      return gateStep(await read(), { op: 'cancel', id: '' }, Date.now(), options).state;
    },
  };
}

/**
 * Whether `e` is a GateRefused, by name: Next.js bundles this module into each entry (the
 * instrumentation's scheduler and the route handlers each get a copy), and the gate made by one
 * copy is shared through globalThis, so `instanceof` of the other copy's class is false.
 */
export const isGateRefused = (e) => e instanceof Error && e.name === 'GateRefused';

/** The state row's key: a digest of the API key (the key itself is never stored). */
export const gateKey = (config) => createHash('sha256').update(config.MODASH_API_KEY).digest('hex').slice(0, 32);

/**
 * Options every process of one key must share (lib/config.mjs): MODASH_GATE_RPS / _BURST /
 * _CONCURRENCY (1.5, 1, 4: never more than 2 calls start in a second), MODASH_MAX_RETRY_AFTER_S
 * (60), MODASH_DAILY_CREDITS (1,000).
 */
export function gateOptions(config) {
  return {
    requestsPerSecond: config.MODASH_GATE_RPS,
    burst: config.MODASH_GATE_BURST,
    maxConcurrent: config.MODASH_GATE_CONCURRENCY,
    maxRetryAfterMs: config.MODASH_MAX_RETRY_AFTER_S * 1000,
    dailyCredits: config.MODASH_DAILY_CREDITS,
    // Short: live holders renew their places (lib/lease.mjs), so only a dead one's runs out.
    leaseMs: LEASE_MS,
  };
}

/** The state row's key and the options of the gate a call of `kind` goes through (routes and scripts alike). */
export function gateFor(config, kind) {
  if (kind === 'lookup' && lookupsApart(config)) {
    return { key: `${gateKey(config)}:users`, options: { ...gateOptions(config), requestsPerSecond: config.MODASH_LOOKUP_RPS, dailyCredits: undefined } };
  }
  return { key: gateKey(config), options: gateOptions(config) };
}

/** Credits per call kind: MODASH_CREDIT_COST_REPORT (1), MODASH_CREDIT_COST_LOOKUP (0). */
export function creditCosts(config) {
  return { report: config.MODASH_CREDIT_COST_REPORT, lookup: config.MODASH_CREDIT_COST_LOOKUP };
}

/** The key's gate state as stored (null when missing or unreadable), read without a lock or a write. */
export function storeRead(store, key) {
  return async () => {
    const row = await store.db.selectFrom('modash_gate').select('state').where('api_key', '=', key).executeTakeFirst();
    try {
      return JSON.parse(row?.state ?? 'null');
    } catch {
      return null;
    }
  };
}

/**
 * The one transaction on the key's gate row, for the routes and the scripts alike: the row is
 * made if missing, read locked (SQLite: the store's BEGIN IMMEDIATE; PostgreSQL: FOR UPDATE),
 * stepped by `fn(state) -> [newState, result]` and written back. A row the module cannot read
 * (written by another version, by hand) starts over.
 */
export function storeTransact(store, key) {
  return (fn) =>
    store.tx(async (db) => {
      // The row exists before it is locked (a first step of two processes at once waits here).
      await db
        .insertInto('modash_gate')
        .values({ api_key: key, state: 'null' })
        .onConflict((oc) => oc.column('api_key').doNothing())
        .execute();
      let q = db.selectFrom('modash_gate').select('state').where('api_key', '=', key);
      if (store.locking) q = q.forUpdate();
      const row = await q.executeTakeFirst();
      let state = null;
      try {
        state = JSON.parse(row?.state ?? 'null');
      } catch {
        state = null;
      }
      let out;
      try {
        out = fn(state);
      } catch (e) {
        if (e?.code !== 'INVALID_ARGUMENT' || state === null) throw e;
        log().warn({ err: e }, 'the stored gate state is unreadable; starting over');
        out = fn(null);
      }
      await db
        .updateTable('modash_gate')
        .set({ state: JSON.stringify(out[0]) })
        .where('api_key', '=', key)
        .execute();
      return out[1];
    });
}
