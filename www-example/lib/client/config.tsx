'use client';
// The server's configuration for client components (TTLs, the page gates' pace), handed down
// as props by the staff layout (a server component reading lib/server/config.ts at request
// time): change a TTL and restart, and the badges follow without a rebuild.
import { createContext, useContext, type ReactNode } from 'react';
import { defaultTtlConfig, type TtlConfig } from 'modash-flow';

export interface BrowserConfig {
  ttl: TtlConfig;
  gate: { requestsPerSecond: number; bulkConcurrency: number };
}

const Ctx = createContext<BrowserConfig | null>(null);

export function ConfigProvider({ config, children }: { config: BrowserConfig; children: ReactNode }) {
  return <Ctx.Provider value={config}>{children}</Ctx.Provider>;
}

/** The server's configuration (the module's defaults outside a provider, as in isolated tests). */
export function useBrowserConfig(): BrowserConfig {
  return useContext(Ctx) ?? { ttl: defaultTtlConfig(), gate: { requestsPerSecond: 20, bulkConcurrency: 4 } };
}
