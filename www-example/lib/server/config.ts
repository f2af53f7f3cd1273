// The server's configuration (lib/config.mjs) with the TTLs read by the module, parsed once;
// instrumentation.ts parses it at the server's start, so a bad value stops the start.
import 'server-only';
import { ttlConfigFromEnv } from 'modash-flow/server';
import { environment, loadConfig, lookupsApart, type Config } from '../config.mjs';
import type { TtlConfig } from 'modash-flow/server';
import type { BrowserConfig } from '../client/config';

let parsed: Readonly<Config> | null = null;

export function serverConfig(): Readonly<Config> & { ttl: TtlConfig } {
  parsed ??= loadConfig(environment(), { ttlConfigFromEnv });
  return parsed as Readonly<Config> & { ttl: TtlConfig };
}

/** What client components get as props from the server components (never NEXT_PUBLIC_ copies). */
export function browserConfig(): BrowserConfig {
  const c = serverConfig();
  return {
    ttl: c.ttl,
    gate: {
      requestsPerSecond: c.MODASH_CLIENT_GATE_RPS,
      bulkConcurrency: c.MODASH_CLIENT_GATE_CONCURRENCY,
      maxRetryAfterMs: c.MODASH_MAX_RETRY_AFTER_S * 1000,
    },
    teamPace: {
      reportsPerSecond: c.MODASH_GATE_RPS,
      lookupsPerSecond: lookupsApart(c) ? c.MODASH_LOOKUP_RPS : c.MODASH_GATE_RPS,
      lookupsShareTheLimit: !lookupsApart(c),
    },
  };
}
