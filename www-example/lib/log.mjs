// One structured logger (pino: JSON lines, one object per event, cheap when a level is off)
// for the app, its scripts and the shared modules. A route call runs inside `withRequest`,
// which gives it a request id; `log()` anywhere below it (the Modash call log, the gate's
// waits, the leases, errors) answers with a child logger carrying that id, so one request can
// be followed through every line it caused. LOG_LEVEL (lib/config.mjs) sets the level.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { baseConfig } from './config.mjs';

const root = pino({ level: baseConfig().LOG_LEVEL, base: { app: 'modash-flow-example' }, timestamp: pino.stdTimeFunctions.isoTime });
const context = new AsyncLocalStorage();

/** The logger of the current request (with its `reqId`), else the root logger; `bindings` added. */
export function log(bindings) {
  const l = context.getStore() ?? root;
  return bindings ? l.child(bindings) : l;
}

/** Runs `fn` as request `id` (a new one when absent): every `log()` below it carries it. */
export function withRequest(id, bindings, fn) {
  const child = root.child({ reqId: id || randomUUID(), ...bindings });
  return context.run(child, fn);
}

/** The current request's id, or null outside a request. */
export const requestId = () => context.getStore()?.bindings().reqId ?? null;
