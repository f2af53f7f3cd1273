'use client';
// The server's state in the browser, through TanStack Query: the team's Modash status, the
// work queue's batches and the roster's page are queries with keys, read again when the tab
// gets focus and at an interval only while the tab is visible (refetchIntervalInBackground is
// off), so a colleague's refresh or batch shows up without navigation and a hidden tab asks
// nothing. Chosen over SWR for its query keys that a change invalidates by prefix (a batch
// started or cancelled reads the batches again; a batch's progress reads the roster again)
// and for setQueryData (a panel's refresh writes its row's notes into the cached page).
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import type { BatchView } from '../api-types';

export const KEYS = {
  status: ['modash-status'] as const,
  batches: ['batches'] as const,
  roster: (query: string) => ['roster', query] as const,
};

export function QueryProvider({ children }: { children: ReactNode }) {
  const [client] = useState(
    () => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: true, refetchIntervalInBackground: false, staleTime: 1000, retry: 1 } } }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}

/** GET `path` as JSON; a failed answer is an error (the query keeps its last data). */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { signal });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

/** The team's status (credits, the gate's queue, Modash's account), every 5 s while visible. */
export interface ModashStatusView {
  credits: { daily: number | null; spent: number; remaining: number | null; resetsAt: string };
  waiting: number;
  inFlight: number;
  pausedUntil: number | null;
  /** Modash's own account (its /v1/user/info), beside the team's daily budget. */
  account: { credits: number | null; readAt: number | null; spendStoppedUntil: number | null };
}
export const useModashStatus = () =>
  useQuery({ queryKey: KEYS.status, queryFn: ({ signal }) => getJson<ModashStatusView>('/api/modash/status', signal), refetchInterval: 5000 });

/** The team's batches: every 1.5 s while one runs, every 10 s otherwise, while visible. */
export const useBatches = () =>
  useQuery({
    queryKey: KEYS.batches,
    queryFn: async ({ signal }) => (await getJson<{ batches: BatchView[] }>('/api/roster/batches', signal)).batches,
    refetchInterval: (q) => (q.state.data?.some((b) => b.active) ? 1500 : 10_000),
  });
