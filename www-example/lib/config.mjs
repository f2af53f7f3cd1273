// Every environment variable the app, its scripts and the simulated service read, in one
// schema (zod), parsed once: a bad value stops the start with the variable's name, the value
// and what is accepted. The only module that reads process.env (besides next.config.ts and
// instrumentation.ts's NEXT_RUNTIME switch, Next's own).
// `.env.example` and the README's table are generated from VARIABLES (scripts/config-docs.mjs;
// tests/config.test.mjs checks both are current). TTLs are the module's (ttlConfigFromEnv):
// its warnings name the variable, the value and what is accepted, and are errors here.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const number = (check, accepts) => ({ schema: z.coerce.number().refine((n) => Number.isFinite(n) && check(n)), accepts });
const whole = (min, max = Number.MAX_SAFE_INTEGER) =>
  number(
    (n) => Number.isInteger(n) && n >= min && n <= max,
    max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`,
  );
const positive = number((n) => n > 0, 'a number > 0');
const atLeastZero = number((n) => n >= 0, 'a number >= 0');
const oneOf = (...values) => ({ schema: z.enum(values), accepts: values.map((v) => (v === '' ? "'' (unset)" : v)).join(' | ') });
const text = (accepts = 'any text', check = () => true) => ({ schema: z.string().refine(check), accepts });
const url = (protocols) =>
  text(`a ${protocols.join(' or ')} URL`, (v) => {
    try {
      return protocols.includes(new URL(v).protocol.slice(0, -1));
    } catch {
      return false;
    }
  });

/** name -> { default, doc, schema, accepts, group }. `default: undefined` means none (unset). */
export const VARIABLES = {
  // The store.
  DATABASE_URL: {
    group: 'store',
    default: undefined,
    doc: 'PostgreSQL for every instance (postgres://user@host:port/db); unset: the SQLite file',
    ...url(['postgres', 'postgresql']),
  },
  DATABASE_FILE: { group: 'store', default: 'data/staff.db', doc: 'The SQLite file (relative to www-example/)', ...text('a file path', (v) => v.length > 0) },
  PG_POOL_SIZE: { group: 'store', default: 10, doc: 'PostgreSQL connections per instance', ...whole(1, 1000) },
  // Sign-in.
  SESSION_SECRET: {
    group: 'session',
    default: undefined,
    doc: 'Seals the session cookie (at least 32 characters; the main command makes one in data/session-secret)',
    ...text('at least 32 characters', (v) => v.length >= 32),
  },
  SESSION_COOKIE_SECURE: {
    group: 'session',
    default: '',
    doc: "The cookie's Secure flag: 1 always, 0 never, unset: when X-Forwarded-Proto is https",
    ...oneOf('', '0', '1'),
  },
  // Modash.
  MODASH_API_BASE: {
    group: 'modash',
    default: 'http://127.0.0.1:4010',
    doc: "Modash's API (https://api.modash.io); the default is the simulated service",
    ...url(['http', 'https']),
  },
  MODASH_API_KEY: { group: 'modash', default: 'simulated', doc: 'The Modash API token (Bearer)', ...text('a token', (v) => v.length > 0) },
  MODASH_TIMEOUT_MS: { group: 'modash', default: 15000, doc: 'A Modash call gives up after this long', ...whole(1) },
  MODASH_MAX_RETRY_AFTER_S: { group: 'modash', default: 60, doc: "The longest pause a 429's Retry-After may cause (seconds)", ...positive },
  MODASH_SERVER_GATE: {
    group: 'modash',
    default: 'on',
    doc: "The team's shared gate in front of every Modash call (off: for comparisons only)",
    ...oneOf('on', 'off'),
  },
  MODASH_GATE_RPS: { group: 'modash', default: 1.5, doc: 'Modash calls started per second, for every instance together', ...positive },
  MODASH_GATE_BURST: { group: 'modash', default: 1, doc: 'Calls that may start at once after a quiet spell', ...whole(1) },
  MODASH_GATE_CONCURRENCY: { group: 'modash', default: 4, doc: 'Modash calls in flight at once, for every instance together', ...whole(1) },
  MODASH_DAILY_CREDITS: { group: 'modash', default: 1000, doc: 'Credits the team may spend a UTC day', ...whole(0) },
  MODASH_CREDIT_COST_REPORT: { group: 'modash', default: 1, doc: 'Credits a report costs', ...atLeastZero },
  MODASH_CREDIT_COST_LOOKUP: { group: 'modash', default: 0, doc: 'Credits a username lookup costs', ...atLeastZero },
  MODASH_LOOKUP_RPS: {
    group: 'modash',
    default: 0,
    doc: "0 (the default): username lookups (/users) share the reports' limit of about 2 a second (the newer Modash cheat sheet names only topics and hashtags at a higher one); above 0, they start this many a second on a limit of their own (the older cheat sheet: 10 a second)",
    ...atLeastZero,
  },
  MODASH_RETRY_LATER_S: {
    group: 'modash',
    default: 600,
    doc: 'After Modash answers retry_later, seconds until the server asks once more ("try again in 5-10 minutes")',
    ...positive,
  },
  MODASH_RETRY_LATER_AGAIN_S: {
    group: 'modash',
    default: 7200,
    doc: 'Seconds until the last retry when the first one is answered retry_later again (the newer docs: "in a couple of hours")',
    ...positive,
  },
  MODASH_STILL_PREPARING_WAIT_H: {
    group: 'modash',
    default: 24,
    doc: 'After the last retry of a report Modash was preparing, hours until the account is asked again (staff can retry sooner)',
    ...positive,
  },
  MODASH_WORKERS: {
    group: 'modash',
    default: 4,
    doc: "Jobs of the team's work queue each instance runs at once (lib/server/queue.ts; they wait their turn at the team gate); 0: this instance runs none but its own panels'",
    ...whole(0, 64),
  },
  MODASH_CREDITS_STOP_S: {
    group: 'modash',
    default: 3600,
    doc: 'After Modash says the account has no credits left, seconds no report is bought (staff can retry sooner)',
    ...positive,
  },
  MODASH_USER_INFO_EVERY_S: {
    group: 'modash',
    default: 300,
    doc: "How often (seconds) the team reads /v1/user/info: the account's credits and limits",
    ...positive,
  },
  MODASH_SCHEDULER_EVERY_S: {
    group: 'modash',
    default: 15,
    doc: 'How often (seconds) each instance looks for due work (scheduled retries, the account read); 0 turns it off',
    ...atLeastZero,
  },
  MODASH_WARM_REFRESH: {
    group: 'modash',
    default: '1',
    doc: 'The warm roster: a background refresher (one for the team) buys reports before staff open panels; 0 turns it off',
    ...oneOf('0', '1'),
  },
  MODASH_WARM_SHARE: {
    group: 'modash',
    default: 0.5,
    doc: 'Share of the daily credits the warm refresher may spend',
    ...number((n) => n >= 0 && n <= 1, 'a number from 0 to 1'),
  },
  MODASH_WARM_OLD_SHARE: {
    group: 'modash',
    default: 0.003,
    doc: "Share of the daily credits the warm refresher may spend on rows that are merely older than MODASH_WARM_MAX_AGE_DAYS (never-synced rows come first and are not counted here); the simulated month keeps a 10,000-row roster near today's credits with it",
    ...number((n) => n >= 0 && n <= 1, 'a number from 0 to 1'),
  },
  MODASH_WARM_MAX_AGE_DAYS: {
    group: 'modash',
    default: 30,
    doc: 'The refresher keeps every row younger than this (days), within MODASH_WARM_OLD_SHARE',
    ...positive,
  },
  MODASH_WARM_OPENED_DAYS: {
    group: 'modash',
    default: 0,
    doc: 'Rows past their TTL are refreshed ahead when their influencer was opened within this many days (0: never; the simulated month, BENCHMARKS.md, found it costs 2-3x the credits for no panel that opens sooner)',
    ...atLeastZero,
  },
  MODASH_METRICS_RETENTION_DAYS: { group: 'modash', default: 7, doc: 'Call and panel rows older than this are rolled up into hourly rows', ...positive },
  MODASH_GONE_RECHECK_DAYS: {
    group: 'modash',
    default: 7,
    doc: 'An account Modash said is private, removed or not found (neither its list nor a report by handle knew it) is not asked for again (without "Try again now") for this many days; the list changes monthly',
    ...whole(0),
  },
  MODASH_CACHE_LOOKUP_ROLLOUT: {
    group: 'modash',
    default: 100,
    doc: 'Share of staff (%) who read full reports from the cache table',
    ...number((n) => n >= 0 && n <= 100, 'a number from 0 to 100'),
  },
  // TTLs (hours), read by the module (ttlConfigFromEnv), whose defaults are the only ones
  // (scripts/config-docs.mjs shows them from the module); `ttl` names the field of its TtlConfig.
  MODASH_CACHE_TTL_HOURS: { group: 'ttl', ttl: 'base', doc: 'TTL of cached analytics (hours)' },
  MODASH_CACHE_TTL_ROSTER_HOURS: { group: 'ttl', ttl: 'roster', doc: 'TTL for the roster badges and panels (hours)' },
  MODASH_CACHE_TTL_DISCOVERY_HOURS: { group: 'ttl', ttl: 'discovery', doc: 'TTL for discovery (hours)' },
  MODASH_CACHE_TTL_BULK_HOURS: { group: 'ttl', ttl: 'bulkRefresh', doc: 'TTL for the bulk refresh (hours)' },
  MODASH_CACHE_TTL_INSTAGRAM_HOURS: { group: 'ttl', ttl: 'instagram', doc: 'Instagram override of every use case (hours)' },
  MODASH_CACHE_TTL_TIKTOK_HOURS: { group: 'ttl', ttl: 'tiktok', doc: 'TikTok override of every use case (hours)' },
  MODASH_CACHE_TTL_YOUTUBE_HOURS: { group: 'ttl', ttl: 'youtube', doc: 'YouTube override of every use case (hours)' },
  // The page's own request gates (served to the browser by the server).
  MODASH_CLIENT_GATE_RPS: { group: 'browser', default: 20, doc: "A page's requests to the app per second", ...positive },
  MODASH_CLIENT_GATE_CONCURRENCY: { group: 'browser', default: 4, doc: "A page's bulk refresh requests in flight at once", ...whole(1) },
  LOG_LEVEL: {
    group: 'server',
    default: 'info',
    doc: 'The log level (lib/log.mjs: JSON lines with a request id per route call)',
    ...oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  // The main command.
  HOST: {
    group: 'main',
    default: '127.0.0.1',
    doc: 'Where the main command serves the app (0.0.0.0 opens it up)',
    ...text('a host name or address', (v) => v.length > 0),
  },
  PORT: { group: 'main', default: 3000, doc: "The app's port", ...whole(1, 65535) },
  MAIN_SIM_429_RATE: {
    group: 'main',
    default: 0.1,
    doc: "Share of the simulated service's answers that are 429 when the main command starts it (its Retry-After: MODASH_SIM_RETRY_AFTER)",
    ...number((n) => n >= 0 && n <= 1, 'a number from 0 to 1'),
  },
  REBUILD: { group: 'main', default: '1', doc: '0: start without a new next build when one exists', ...oneOf('0', '1') },
  // The seed.
  ROSTER_SIZE: { group: 'seed', default: 240, doc: 'Influencers the seed writes (and the simulated service knows)', ...whole(1, 1_000_000) },
  SEED_STAFF_PASSWORD: {
    group: 'seed',
    default: undefined,
    doc: 'The demo staff password (unset: a random one, kept in data/*-credentials.txt)',
    ...text('at least 12 characters', (v) => v.length >= 12),
  },
  SEED_RESET: {
    group: 'seed',
    default: undefined,
    doc: '1 (SQLite) or the database name (PostgreSQL): empty the store before seeding',
    ...text('1 or a database name', (v) => v.length > 0),
  },
  // The simulated Modash service.
  MODASH_SIM_PORT: { group: 'sim', default: 4010, doc: "The simulated service's port", ...whole(1, 65535) },
  MODASH_SIM_LATENCY: { group: 'sim', default: 1, doc: 'Latency factor of the simulated service (0: none)', ...atLeastZero },
  MODASH_SIM_429_RATE: {
    group: 'sim',
    default: 0,
    doc: 'Share of answers that are 429 (the main command starts it with MAIN_SIM_429_RATE)',
    ...number((n) => n >= 0 && n <= 1, 'a number from 0 to 1'),
  },
  MODASH_SIM_REPORT_RPS: {
    group: 'sim',
    default: 2,
    doc: "Reports the simulated service answers per second before 429 (Modash's tier: ~2; 0: no limit)",
    ...atLeastZero,
  },
  MODASH_SIM_LOOKUP_RPS: {
    group: 'sim',
    default: 10,
    doc: 'Username lookups the simulated service answers per second before 429 (an older cheat sheet: 10; 0: no limit)',
    ...atLeastZero,
  },
  MODASH_SIM_CREDITS: {
    group: 'sim',
    default: 100000,
    doc: "The simulated account's credits (one per report; /v1/user/info tells them; none left: not_enough_credits)",
    ...atLeastZero,
  },
  MODASH_SIM_RETRY_AFTER: { group: 'sim', default: 1, doc: "The simulated 429's Retry-After (seconds)", ...whole(0) },
  // The userId backfill and payload move (scripts/migrate.mjs).
  MIGRATE_ROW_DELAY_MS: { group: 'migrate', default: 0, doc: 'A pause after each row (tests stop the script mid-way)', ...atLeastZero },
  // The test command.
  MIGRATE_TEST_PG_URL: {
    group: 'tests',
    default: undefined,
    doc: 'A PostgreSQL server for the tests that need one (scripts/test.sh starts one)',
    ...url(['postgres', 'postgresql']),
  },
};

export class ConfigError extends Error {
  constructor(problems) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.code = 'INVALID_CONFIG';
    this.problems = problems;
  }
}

/** The environment of this process (for child processes and the config). */
export const environment = () => process.env;

/**
 * Parses `env` against VARIABLES. `ttlConfigFromEnv` (the module's, from whichever entry the
 * caller can load) turns the TTL variables into `ttl`; without it `ttl` is null. Throws
 * ConfigError naming every bad variable, its value and what is accepted.
 */
export function loadConfig(env = process.env, { ttlConfigFromEnv = null } = {}) {
  const out = {};
  const problems = [];
  for (const [name, v] of Object.entries(VARIABLES)) {
    if (v.ttl) continue;
    const raw = env[name];
    if (raw === undefined || raw === '') {
      out[name] = v.default;
      continue;
    }
    const r = v.schema.safeParse(raw);
    if (r.success) out[name] = r.data;
    else problems.push(`${name}=${JSON.stringify(raw)}: expected ${v.accepts}`);
  }
  out.ttl = null;
  if (ttlConfigFromEnv) {
    const ttlEnv = Object.fromEntries(
      Object.keys(VARIABLES)
        .filter((n) => VARIABLES[n].ttl && env[n] !== undefined)
        .map((n) => [n, env[n]]),
    );
    const { config, warnings } = ttlConfigFromEnv(ttlEnv);
    problems.push(...warnings);
    out.ttl = config;
  }
  if (problems.length) throw new ConfigError(problems);
  out.DATABASE_FILE = isAbsolute(out.DATABASE_FILE) ? out.DATABASE_FILE : join(ROOT, out.DATABASE_FILE);
  return Object.freeze(out);
}

let base = null;
/** The configuration without TTLs, parsed once (scripts, the proxy, the store). */
export function baseConfig() {
  base ??= loadConfig(process.env);
  return base;
}

/** The child process environment: this one's plus `extra`. */
export const childEnv = (extra = {}) => ({ ...process.env, ...extra });

/**
 * Username lookups (/users) have a limit of their own when MODASH_LOOKUP_RPS > 0 (an older
 * Modash cheat sheet: "List Users" at a fixed 10 a second, apart from the tier's ~2 for reports
 * and searches): their own gate row, paced at that rate (lib/shared-gate.mjs gateFor), so a
 * lookup never waits behind reports it shares no limit with. A lookup that costs credits stays
 * on the reports' row, where the one daily budget is counted.
 */
export const lookupsApart = (config) => config.MODASH_LOOKUP_RPS > 0 && config.MODASH_CREDIT_COST_LOOKUP === 0;
