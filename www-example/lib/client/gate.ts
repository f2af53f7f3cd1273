// The page's request gates. The server paces Modash for the whole team (its shared gate);
// these only keep a page's own requests in order: the bulk refresh runs through `pageGate()`
// (de-duplicated by row, at most MODASH_CLIENT_GATE_CONCURRENCY at once, default 4, so
// the page shows progress and a cancel button), and a panel goes through `panelGate()`, never
// behind the bulk refresh's queue (the server puts interactive calls first, and joins a
// panel's request to a bulk job refreshing the same row). A 429 from the route (Modash's own,
// the server's queue, a spent budget) carries Retry-After: the gate pauses that long (capped).
import type { RefreshAnswer } from '../api-types';
import { createRequestGate, retryRequest, type RequestGate, type RetryOptions, type RetryResult } from 'modash-flow';

let bulk: RequestGate | null = null;
let panel: RequestGate | null = null;

/** The page gates' pace: the server's configuration (lib/client/config.tsx). */
export interface PageGateOptions {
  requestsPerSecond: number;
  bulkConcurrency: number;
  maxRetryAfterMs: number;
}

const make = (o: PageGateOptions, maxConcurrent: number) =>
  createRequestGate({
    requestsPerSecond: o.requestsPerSecond,
    burst: maxConcurrent,
    maxConcurrent,
    // The server's cap (MODASH_MAX_RETRY_AFTER_S), served with the page's configuration.
    retry: { maxRetries: 3, maxRetryAfterMs: o.maxRetryAfterMs },
  });

export function pageGate(o: PageGateOptions): RequestGate {
  bulk ??= make(o, o.bulkConcurrency);
  return bulk;
}

export function panelGate(o: PageGateOptions): RequestGate {
  panel ??= make(o, 2);
  return panel;
}

/** `?gate=off` in the URL runs the page's requests without its gates (for comparison; the server's gate stays). */
export function gateEnabled(): boolean {
  return typeof window === 'undefined' || new URLSearchParams(window.location.search).get('gate') !== 'off';
}

export const refreshKey = (id: number, platform: string) => `${id}:${platform}`;

/** The route's answer (lib/api-types.ts: the type the route handler sends). */
export type RefreshBody = RefreshAnswer;
export type UseCase = 'roster' | 'bulkRefresh';

/** POST refresh-analytics; a not-ok answer throws an error carrying status, code and Retry-After. */
export function refreshRequest(id: number, platform: string, useCase: UseCase, force = false) {
  return async ({ signal }: { signal: AbortSignal | null }): Promise<RefreshBody> => {
    const res = await fetch(`/api/roster/${id}/refresh-analytics`, {
      method: 'POST',
      signal: signal ?? undefined,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ platform, useCase, force }),
    });
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw Object.assign(new Error(body.error ?? `refresh failed (${res.status})`), {
        status: res.status,
        code: body.code ?? null,
        retryAfter: res.headers.get('retry-after'),
      });
    }
    return res.json();
  };
}

/** Refreshes one platform of one influencer: the bulk refresh through the page gate, a panel through its own. */
export function refresh(
  gate: PageGateOptions,
  id: number,
  platform: string,
  useCase: UseCase,
  options: RetryOptions & { force?: boolean },
): Promise<RetryResult<RefreshBody> & { deduplicated?: boolean }> {
  const request = refreshRequest(id, platform, useCase, options.force);
  if (!gateEnabled()) return retryRequest(request, options);
  return (useCase === 'bulkRefresh' ? pageGate(gate) : panelGate(gate)).run(refreshKey(id, platform), request, options);
}
