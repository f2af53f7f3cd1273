// The app's store: SQLite through better-sqlite3 (version 12, which runs on Node 20).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_DB = resolve(here, '..', 'data', 'staff.db');

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS influencers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  notes TEXT                          -- JSON text, as the real app's column
);
CREATE TABLE IF NOT EXISTS influencer_platforms (
  id INTEGER PRIMARY KEY,
  influencer_id INTEGER NOT NULL REFERENCES influencers(id),
  platform TEXT NOT NULL,
  username TEXT NOT NULL,
  UNIQUE (influencer_id, platform)
);
CREATE TABLE IF NOT EXISTS modash_profile_cache (
  id INTEGER PRIMARY KEY,
  influencer_platform_id INTEGER NOT NULL REFERENCES influencer_platforms(id),
  modash_user_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  payload TEXT NOT NULL,              -- the full Modash report, JSON text
  fetched_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cache_by_platform_row ON modash_profile_cache (influencer_platform_id);
-- The team-scale gate: one row per Modash API key (sha256 of it), its state as gateStep's JSON.
CREATE TABLE IF NOT EXISTS modash_gate (api_key TEXT PRIMARY KEY, state TEXT NOT NULL);
-- Single-flight refreshes: one lease per influencer platform while its report is being fetched.
CREATE TABLE IF NOT EXISTS refresh_leases (
  influencer_platform_id INTEGER PRIMARY KEY, owner TEXT NOT NULL, expires_at REAL NOT NULL);
-- The flow's figures (the metrics page): one row per Modash call and per panel open, rolled
-- up into hourly rows after MODASH_METRICS_RETENTION_DAYS (7).
CREATE TABLE IF NOT EXISTS modash_calls (
  id INTEGER PRIMARY KEY, at REAL NOT NULL, kind TEXT NOT NULL, platform TEXT NOT NULL, status INTEGER NOT NULL,
  latency_ms REAL NOT NULL, waited_ms REAL NOT NULL, waited_429 INTEGER NOT NULL, credits REAL NOT NULL,
  staff TEXT, use_case TEXT, cohort TEXT);
CREATE INDEX IF NOT EXISTS modash_calls_at ON modash_calls (at);
CREATE TABLE IF NOT EXISTS panel_opens (
  id INTEGER PRIMARY KEY, at REAL NOT NULL, staff TEXT, influencer_id INTEGER NOT NULL, platform TEXT NOT NULL,
  first_data_ms REAL, fresh_data_ms REAL, source TEXT, lookup INTEGER NOT NULL, reopen INTEGER NOT NULL,
  outcome TEXT NOT NULL, cohort TEXT);
CREATE INDEX IF NOT EXISTS panel_opens_at ON panel_opens (at);
CREATE TABLE IF NOT EXISTS modash_calls_hourly (
  hour REAL NOT NULL, kind TEXT NOT NULL, platform TEXT NOT NULL, cohort TEXT NOT NULL, calls INTEGER NOT NULL,
  rate_limited INTEGER NOT NULL, waited_429 INTEGER NOT NULL, failed INTEGER NOT NULL, credits REAL NOT NULL,
  PRIMARY KEY (hour, kind, platform, cohort));
CREATE TABLE IF NOT EXISTS panel_opens_hourly (
  hour REAL NOT NULL, cohort TEXT NOT NULL, opens INTEGER NOT NULL, reopens INTEGER NOT NULL, lookups INTEGER NOT NULL,
  reopen_lookups INTEGER NOT NULL, fresh INTEGER NOT NULL, first_hist TEXT NOT NULL, fresh_hist TEXT NOT NULL,
  PRIMARY KEY (hour, cohort));
CREATE TABLE IF NOT EXISTS staff (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  password_hash TEXT NOT NULL       -- lib/passwords.mjs: scrypt$N$r$p$salt$hash
);
`;

export function openDb(file = process.env.DATABASE_FILE || DEFAULT_DB) {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

/**
 * Where the seed writes the demo staff passwords: next to the SQLite file, named after it
 * (data/staff.db -> data/staff-credentials.txt), or data/<database>-credentials.txt on PostgreSQL.
 */
export function credentialsFile({ file = process.env.DATABASE_FILE || DEFAULT_DB, url = process.env.DATABASE_URL || '' } = {}) {
  if (url) return join(dirname(DEFAULT_DB), `${decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres'}-credentials.txt`);
  return join(dirname(file), `${basename(file).replace(/\.db$/, '')}-credentials.txt`);
}
