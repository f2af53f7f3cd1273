// One request gate for the whole page: the bulk refresh and the analytics panel share it, so a
// panel opened on a row the bulk refresh is already fetching joins that request (same key).
// Pace: NEXT_PUBLIC_MODASH_GATE_RPS (default 1.5, under Modash's ~2/s) and a burst of 1, so the
// service never sees more than 2 requests in any second.
import { createRequestGate, retryRequest, type RequestGate, type RetryOptions, type RetryResult } from 'modash-flow';

let gate: RequestGate | null = null;

export function pageGate(): RequestGate {
  if (!gate) {
    gate = createRequestGate({
      requestsPerSecond: Number(process.env.NEXT_PUBLIC_MODASH_GATE_RPS ?? 1.5),
      burst: 1,
      maxConcurrent: 4,
    });
  }
  return gate;
}

/** `?gate=off` in the URL runs requests without the gate (for comparison). */
export function gateEnabled(): boolean {
  return typeof window === 'undefined' || new URLSearchParams(window.location.search).get('gate') !== 'off';
}

export const refreshKey = (id: number, platform: string) => `${id}:${platform}`;

export interface RefreshBody { success: true; userId: string; notes: string; cacheId: string; profile: Record<string, unknown>; lookedUp: boolean }

/** POST refresh-analytics; a not-ok answer throws an error carrying status and Retry-After. */
export function refreshRequest(id: number, platform: string) {
  return async ({ signal }: { signal: AbortSignal | null }): Promise<RefreshBody> => {
    const res = await fetch(`/api/roster/${id}/refresh-analytics`, {
      method: 'POST', signal: signal ?? undefined, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ platform }),
    });
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw Object.assign(new Error(body.error ?? `refresh failed (${res.status})`), { status: res.status, code: body.code ?? null, retryAfter: res.headers.get('retry-after') });
    }
    return res.json();
  };
}

/** Refreshes one platform of one influencer: through the gate, or directly with `?gate=off`. */
export function refresh(id: number, platform: string, options: RetryOptions): Promise<RetryResult<RefreshBody> & { deduplicated?: boolean }> {
  const request = refreshRequest(id, platform);
  return gateEnabled() ? pageGate().run(refreshKey(id, platform), request, options) : retryRequest(request, options);
}
