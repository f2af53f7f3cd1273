// The team-scale gate of this server: one state row per Modash API key in the store, shared by
// every route handler of every instance (and by the backfill script), stepped by the module's
// gateStep inside one short transaction per step.
import 'server-only';
import { gateStep, type SharedGateOptions, type SharedGateState } from 'modash-flow/server';
import { createSharedGate, creditCostsFromEnv, gateKey, gateOptionsFromEnv, type SharedGate } from '../shared-gate.mjs';
import { store } from './store';

/** The row's key: a digest of the API key (the key itself is never stored). */
export const GATE_KEY = gateKey();
export const GATE_OPTIONS: SharedGateOptions = gateOptionsFromEnv();
export const CREDIT_COSTS = creditCostsFromEnv();

async function transact<R>(fn: (state: SharedGateState | null) => [SharedGateState, R]): Promise<R> {
  const s = store();
  return s.tx(async (db) => {
    // The row exists before it is locked (a first step of two processes at once waits here).
    await db.insertInto('modash_gate').values({ api_key: GATE_KEY, state: 'null' }).onConflict((oc) => oc.column('api_key').doNothing()).execute();
    let q = db.selectFrom('modash_gate').select('state').where('api_key', '=', GATE_KEY);
    if (s.locking) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    let state: SharedGateState | null = null;
    try { state = JSON.parse(row?.state ?? 'null'); } catch { state = null; }
    let out: [SharedGateState, R];
    try {
      out = fn(state);
    } catch (e) {
      // A row the module cannot read (written by another version, by hand) starts over.
      if ((e as { code?: string }).code !== 'INVALID_ARGUMENT' || state === null) throw e;
      console.error('[gate] stored gate state unreadable; starting over:', (e as Error).message);
      out = fn(null);
    }
    await db.updateTable('modash_gate').set({ state: JSON.stringify(out[0]) }).where('api_key', '=', GATE_KEY).execute();
    return out[1];
  });
}

const g = globalThis as unknown as { __modashGate?: SharedGate };

export function modashGate(): SharedGate {
  g.__modashGate ??= createSharedGate({ gateStep, transact, options: GATE_OPTIONS, costs: CREDIT_COSTS });
  return g.__modashGate;
}

/** For the roster page: today's credits and the queue, as the shared state says. */
export async function gateStatus() {
  const st = await modashGate().peek();
  const daily = GATE_OPTIONS.dailyCredits ?? null;
  const dayEnd = (st.creditsDay + 1) * 86_400_000;
  return {
    credits: { daily, spent: st.creditsSpent, remaining: daily === null ? null : Math.max(0, daily - st.creditsSpent), resetsAt: new Date(dayEnd).toISOString() },
    waiting: st.waiting.length, inFlight: st.inFlight.length, pausedUntil: st.pausedUntil > Date.now() ? st.pausedUntil : null,
    admitted: st.admitted, cooldowns: st.cooldowns,
  };
}
