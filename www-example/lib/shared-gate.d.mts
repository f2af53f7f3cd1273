import type { SharedGateOptions, SharedGateState, SharedGateStep, SharedGateRequest, GatePriority } from 'modash-flow/server';
export class GateRefused extends Error {
  code: 'BUDGET_EXHAUSTED' | 'GATE_BUSY' | 'CLIENT_CLOSED';
  retryAfterMs: number;
}
export interface SharedGate {
  run<T>(kind: string, priority: GatePriority, call: () => Promise<{ value: T; charged?: boolean }>, options?: { signal?: AbortSignal; maxWaitMs?: number; maxHoldMs?: number; onWait?: (step: SharedGateStep) => void }): Promise<{ value: T; waitedMs: number }>;
  peek(): Promise<SharedGateState>;
}
export function createSharedGate(args: {
  gateStep: (state: SharedGateState | null, request: SharedGateRequest, now: number, options?: SharedGateOptions) => SharedGateStep;
  transact: <R>(fn: (state: SharedGateState | null) => [SharedGateState, R]) => Promise<R>;
  /** Reads the stored state without a write (peek uses it when given). */
  read?: (() => Promise<SharedGateState | null>) | null;
  options?: SharedGateOptions;
  costs?: Record<string, number>;
}): SharedGate;
import type { Config } from './config.mjs';
import type { Store } from './store.mjs';
export function gateKey(config: Config): string;
export function gateOptions(config: Config): SharedGateOptions;
export function creditCosts(config: Config): Record<string, number>;
export function storeTransact(store: Store, key: string): <R>(fn: (state: SharedGateState | null) => [SharedGateState, R]) => Promise<R>;
export function storeRead(store: Store, key: string): () => Promise<SharedGateState | null>;
export function gateFor(config: Config, kind: string): { key: string; options: SharedGateOptions };
export function isGateRefused(e: unknown): e is GateRefused;
