import type { TtlConfig } from 'modash-flow/server';
export interface VariableSpec { group: string; default?: string | number; doc: string; accepts?: string; ttl?: string }
export const VARIABLES: Record<string, VariableSpec>;
export class ConfigError extends Error { code: 'INVALID_CONFIG'; problems: string[] }
export interface Config {
  DATABASE_URL: string | undefined; DATABASE_FILE: string; PG_POOL_SIZE: number;
  SESSION_SECRET: string | undefined; SESSION_COOKIE_SECURE: '' | '0' | '1';
  MODASH_API_BASE: string; MODASH_API_KEY: string; MODASH_TIMEOUT_MS: number; MODASH_MAX_RETRY_AFTER_S: number;
  MODASH_SERVER_GATE: 'on' | 'off'; MODASH_GATE_RPS: number; MODASH_GATE_BURST: number; MODASH_GATE_CONCURRENCY: number;
  MODASH_DAILY_CREDITS: number; MODASH_CREDIT_COST_REPORT: number; MODASH_CREDIT_COST_LOOKUP: number;
  MODASH_LOOKUP_RPS: number; MODASH_RETRY_LATER_S: number; MODASH_RETRY_LATER_AGAIN_S: number; MODASH_CREDITS_STOP_S: number;
  MODASH_STILL_PREPARING_WAIT_H: number; MODASH_WORKERS: number;
  MODASH_USER_INFO_EVERY_S: number; MODASH_SCHEDULER_EVERY_S: number;
  MODASH_WARM_REFRESH: '0' | '1'; MODASH_WARM_SHARE: number; MODASH_WARM_OLD_SHARE: number; MODASH_WARM_MAX_AGE_DAYS: number; MODASH_WARM_OPENED_DAYS: number;
  MODASH_METRICS_RETENTION_DAYS: number; MODASH_GONE_RECHECK_DAYS: number; MODASH_CACHE_LOOKUP_ROLLOUT: number;
  MODASH_CLIENT_GATE_RPS: number; MODASH_CLIENT_GATE_CONCURRENCY: number;
  HOST: string; PORT: number; MAIN_SIM_429_RATE: number; REBUILD: '0' | '1';
  ROSTER_SIZE: number; SEED_STAFF_PASSWORD: string | undefined; SEED_RESET: string | undefined;
  MODASH_SIM_PORT: number; MODASH_SIM_LATENCY: number; MODASH_SIM_429_RATE: number; MODASH_SIM_REPORT_RPS: number; MODASH_SIM_LOOKUP_RPS: number; MODASH_SIM_CREDITS: number; MODASH_SIM_RETRY_AFTER: number;
  MIGRATE_ROW_DELAY_MS: number;
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  MIGRATE_TEST_PG_URL: string | undefined;
  /** The TTL config (the module's), when loaded with its reader. */
  ttl: TtlConfig | null;
}
export function loadConfig(env?: Record<string, string | undefined>, readers?: { ttlConfigFromEnv?: ((env: Record<string, string | undefined>) => { config: TtlConfig; warnings: string[] }) | null }): Readonly<Config>;
export function baseConfig(): Readonly<Config>;
export function environment(): Record<string, string | undefined>;
export function childEnv(extra?: Record<string, string>): Record<string, string | undefined>;
export function lookupsApart(config: Config): boolean;
