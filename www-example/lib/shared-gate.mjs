// The loop around the module's gateStep, shared by the route handlers (lib/server/modash.ts)
// and the userId backfill (scripts/migrate.mjs): every Modash call of every process asks the
// one state row of its API key for a place, sleeps what it is told, and gives the place back.
// `transact(fn)` runs `fn(state) -> [newState, result]` in one transaction on that row.
import { randomUUID } from 'node:crypto';

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
  return {
    /**
     * Runs `call()` once a place is admitted. `priority`: interactive | bulk | backfill.
     * Waits at most `maxWaitMs` (then GateRefused 'GATE_BUSY' with the time left); a budget
     * that is spent is GateRefused 'BUDGET_EXHAUSTED'. `call` returns
     * `{ value, retryAfterMs?, charged? }` or throws (`retryAfterMs` on the error pauses everyone).
     */
    async run(kind, priority, call, { signal, maxWaitMs = 60000, onWait } = {}) {
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
      let result;
      try {
        result = await call();
      } catch (e) {
        await step({ op: 'release', id, retryAfterMs: e?.retryAfterMs ?? null, charged: false });
        throw e;
      }
      await step({ op: 'release', id, retryAfterMs: null, charged: result?.charged ?? true });
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
