// The team-scale gate of this server: one state row per Modash API key in the store, shared by
// every route handler of every instance (and by the backfill script), stepped by the module's
// gateStep inside one short transaction per step.
import 'server-only';
import { gateStep, type SharedGateOptions } from 'modash-flow/server';
import { createSharedGate, creditCosts, gateFor, gateKey, gateOptions, storeRead, storeTransact, type SharedGate } from '../shared-gate.mjs';
import { serverConfig } from './config';
import { store } from './store';

/** The row's key: a digest of the API key (the key itself is never stored). */
export const GATE_KEY = gateKey(serverConfig());
export const GATE_OPTIONS: SharedGateOptions = gateOptions(serverConfig());
export const CREDIT_COSTS = creditCosts(serverConfig());

const g = globalThis as unknown as { __modashGate?: SharedGate; __modashLookupGate?: SharedGate };

/** The gate a call of `kind` goes through: the reports' (and /user/info's), or the lookups' own (lib/shared-gate.mjs gateFor). */
export function modashGate(kind: string = 'report'): SharedGate {
  const { key, options } = gateFor(serverConfig(), kind);
  if (key !== GATE_KEY) {
    g.__modashLookupGate ??= createSharedGate({ gateStep, transact: storeTransact(store(), key), read: storeRead(store(), key), options, costs: CREDIT_COSTS });
    return g.__modashLookupGate;
  }
  g.__modashGate ??= createSharedGate({
    gateStep,
    transact: storeTransact(store(), GATE_KEY),
    read: storeRead(store(), GATE_KEY),
    options: GATE_OPTIONS,
    costs: CREDIT_COSTS,
  });
  return g.__modashGate;
}

/** For the roster page: today's credits and the queue, as the shared state says. */
export async function gateStatus() {
  const st = await modashGate().peek();
  const daily = GATE_OPTIONS.dailyCredits ?? null;
  const dayEnd = (st.creditsDay + 1) * 86_400_000;
  return {
    credits: {
      daily,
      spent: st.creditsSpent,
      remaining: daily === null ? null : Math.max(0, daily - st.creditsSpent),
      resetsAt: new Date(dayEnd).toISOString(),
    },
    waiting: st.waiting.length,
    inFlight: st.inFlight.length,
    pausedUntil: st.pausedUntil > Date.now() ? st.pausedUntil : null,
    admitted: st.admitted,
    cooldowns: st.cooldowns,
  };
}
