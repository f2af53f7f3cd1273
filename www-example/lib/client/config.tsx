'use client';
// The server's configuration for client components (TTLs, the page gates' pace), handed down
// as props by the staff layout (a server component reading lib/server/config.ts at request
// time): change a TTL and restart, and the badges follow without a rebuild.
import { createContext, useContext, type ReactNode } from 'react';
import type { TtlConfig } from 'modash-flow';

export interface BrowserConfig {
  ttl: TtlConfig;
  gate: { requestsPerSecond: number; bulkConcurrency: number; maxRetryAfterMs: number };
  /** The team's pace at Modash (the server's gate): for the bulk refresh's time estimate. */
  teamPace: { reportsPerSecond: number; lookupsPerSecond: number; lookupsShareTheLimit: boolean };
}

const Ctx = createContext<BrowserConfig | null>(null);

export function ConfigProvider({ config, children }: { config: BrowserConfig; children: ReactNode }) {
  return <Ctx.Provider value={config}>{children}</Ctx.Provider>;
}

/** The server's configuration; only inside the staff layout's provider. */
export function useBrowserConfig(): BrowserConfig {
  const c = useContext(Ctx);
  if (!c) throw new Error('useBrowserConfig() needs the ConfigProvider the staff layout renders');
  return c;
}
