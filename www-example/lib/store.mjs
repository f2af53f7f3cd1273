// The store behind the seed and the migrations: SQLite by default (the example app's file),
// PostgreSQL when DATABASE_URL is set (notes as jsonb, as in the real app). One small async
// interface; SQL is written with `?` placeholders.
import { openDb, DEFAULT_DB } from './db.mjs';

export const PG_SCHEMA = `
CREATE TABLE IF NOT EXISTS influencers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, notes JSONB);
CREATE TABLE IF NOT EXISTS influencer_platforms (
  id SERIAL PRIMARY KEY, influencer_id INTEGER NOT NULL REFERENCES influencers(id),
  platform TEXT NOT NULL, username TEXT NOT NULL, UNIQUE (influencer_id, platform));
CREATE TABLE IF NOT EXISTS modash_profile_cache (
  id SERIAL PRIMARY KEY, influencer_platform_id INTEGER NOT NULL REFERENCES influencer_platforms(id),
  modash_user_id TEXT NOT NULL, platform TEXT NOT NULL, payload TEXT NOT NULL, fetched_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS staff (id SERIAL PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, password_hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS cache_by_platform_row ON modash_profile_cache (influencer_platform_id);
CREATE TABLE IF NOT EXISTS modash_gate (api_key TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS modash_calls (
  id SERIAL PRIMARY KEY, at DOUBLE PRECISION NOT NULL, kind TEXT NOT NULL, platform TEXT NOT NULL, status INTEGER NOT NULL,
  latency_ms DOUBLE PRECISION NOT NULL, waited_ms DOUBLE PRECISION NOT NULL, waited_429 INTEGER NOT NULL, credits DOUBLE PRECISION NOT NULL,
  staff TEXT, use_case TEXT, cohort TEXT);
CREATE INDEX IF NOT EXISTS modash_calls_at ON modash_calls (at);
CREATE TABLE IF NOT EXISTS panel_opens (
  id SERIAL PRIMARY KEY, at DOUBLE PRECISION NOT NULL, staff TEXT, influencer_id INTEGER NOT NULL, platform TEXT NOT NULL,
  first_data_ms DOUBLE PRECISION, fresh_data_ms DOUBLE PRECISION, source TEXT, lookup INTEGER NOT NULL, reopen INTEGER NOT NULL,
  outcome TEXT NOT NULL, cohort TEXT);
CREATE INDEX IF NOT EXISTS panel_opens_at ON panel_opens (at);
CREATE TABLE IF NOT EXISTS modash_calls_hourly (
  hour DOUBLE PRECISION NOT NULL, kind TEXT NOT NULL, platform TEXT NOT NULL, cohort TEXT NOT NULL, calls INTEGER NOT NULL,
  rate_limited INTEGER NOT NULL, waited_429 INTEGER NOT NULL, failed INTEGER NOT NULL, credits DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (hour, kind, platform, cohort));
CREATE TABLE IF NOT EXISTS panel_opens_hourly (
  hour DOUBLE PRECISION NOT NULL, cohort TEXT NOT NULL, opens INTEGER NOT NULL, reopens INTEGER NOT NULL, lookups INTEGER NOT NULL,
  reopen_lookups INTEGER NOT NULL, fresh INTEGER NOT NULL, first_hist TEXT NOT NULL, fresh_hist TEXT NOT NULL,
  PRIMARY KEY (hour, cohort));
CREATE TABLE IF NOT EXISTS refresh_leases (influencer_platform_id INTEGER PRIMARY KEY, owner TEXT NOT NULL, expires_at DOUBLE PRECISION NOT NULL);
`;

/** Tables the migrations keep (created on first use, on both backends). */
// notes_backup.written_digest and modash_backfill_log.written_digest: sha256 of the notes
// text the migration wrote (as the store gives it back), so a rollback can tell whether the
// row changed since (a refresh, a backfill) and skip it instead of overwriting newer data.
// modash_backfill_log.notes_before: the notes before the backfill changed the row.
const MIGRATION_SCHEMA = (json) => `
CREATE TABLE IF NOT EXISTS notes_backup (
  influencer_id INTEGER PRIMARY KEY, notes ${json}, cache_ids TEXT NOT NULL DEFAULT '[]', migrated_at TEXT NOT NULL,
  written_digest TEXT);
CREATE TABLE IF NOT EXISTS modash_backfill_log (
  influencer_platform_id INTEGER PRIMARY KEY, status TEXT NOT NULL, detail TEXT, at TEXT NOT NULL,
  influencer_id INTEGER, notes_before TEXT, written_digest TEXT);
`;
/** Columns added after a store was first created (older stores get them on open). */
const ADDED_COLUMNS = [
  ['notes_backup', 'written_digest', 'TEXT'],
  ['modash_backfill_log', 'influencer_id', 'INTEGER'],
  ['modash_backfill_log', 'notes_before', 'TEXT'],
  ['modash_backfill_log', 'written_digest', 'TEXT'],
];

function sqlite(file) {
  const db = openDb(file);
  db.exec(MIGRATION_SCHEMA('TEXT'));
  for (const [table, col, type] of ADDED_COLUMNS) {
    if (!db.prepare(`SELECT 1 FROM pragma_table_info('${table}') WHERE name = ?`).get(col)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${col} ${type}`);
  }
  return {
    kind: 'sqlite',
    where: file,
    notesText: (col = 'notes') => col,
    jsonParam: () => '?',
    async all(sql, params = []) { return db.prepare(sql).all(...params); },
    async get(sql, params = []) { return db.prepare(sql).get(...params); },
    async run(sql, params = []) { const r = db.prepare(sql).run(...params); return { changes: r.changes }; },
    async exec(sql) { db.exec(sql); },
    async tx(fn) {
      db.exec('BEGIN IMMEDIATE');
      try { const r = await fn(this); db.exec('COMMIT'); return r; } catch (e) { db.exec('ROLLBACK'); throw e; }
    },
    async close() { db.close(); },
  };
}

async function postgres(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const conv = (sql) => { let n = 0; return sql.replace(/\?/g, () => `$${++n}`); };
  const store = {
    kind: 'postgres',
    where: url.replace(/:[^:@/]*@/, ':***@'),
    notesText: (col = 'notes') => `${col}::text`,
    jsonParam: () => '?::jsonb',
    async all(sql, params = []) { return (await client.query(conv(sql), params)).rows; },
    async get(sql, params = []) { return (await client.query(conv(sql), params)).rows[0]; },
    async run(sql, params = []) { const r = await client.query(conv(sql), params); return { changes: r.rowCount }; },
    async exec(sql) { await client.query(sql); },
    async tx(fn) {
      await client.query('BEGIN');
      try { const r = await fn(this); await client.query('COMMIT'); return r; } catch (e) { await client.query('ROLLBACK'); throw e; }
    },
    async close() { await client.end(); },
  };
  await client.query(PG_SCHEMA);
  await client.query(MIGRATION_SCHEMA('JSONB'));
  for (const [table, col, type] of ADDED_COLUMNS) await client.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${col} ${type}`);
  return store;
}

export async function openStore({ url = process.env.DATABASE_URL, file = process.env.DATABASE_FILE || DEFAULT_DB } = {}) {
  return url ? postgres(url) : sqlite(file);
}

/** Empties every table (for seeding). */
export async function resetStore(store) {
  const tables = ['notes_backup', 'modash_backfill_log', 'refresh_leases', 'modash_gate', 'modash_calls', 'panel_opens', 'modash_calls_hourly', 'panel_opens_hourly', 'modash_profile_cache', 'influencer_platforms', 'influencers', 'staff'];
  if (store.kind === 'postgres') await store.exec(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
  else for (const t of tables) await store.exec(`DELETE FROM ${t}`);
}
