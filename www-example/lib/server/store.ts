// The app's store for route handlers, through Kysely: SQLite (better-sqlite3, the embedded
// default) or PostgreSQL when DATABASE_URL is set (a pg Pool; notes as jsonb). Kysely rather
// than a bigger hand-written adapter: it gives each dialect its own placeholders and a
// transaction pinned to one connection (a pool hands every query elsewhere otherwise), and its
// `sql` template keeps the few dialect-specific bits (jsonb casts, FOR UPDATE) explicit.
import 'server-only';
import { Kysely, PostgresDialect, SqliteDialect, sql, type Generated, type RawBuilder } from 'kysely';
import pg from 'pg';
import { openDb } from '../db.mjs';
import { PG_SCHEMA } from '../store.mjs';

export interface Tables {
  influencers: { id: number; name: string; notes: string | null };
  influencer_platforms: { id: Generated<number>; influencer_id: number; platform: string; username: string };
  modash_profile_cache: { id: Generated<number>; influencer_platform_id: number; modash_user_id: string; platform: string; payload: string; fetched_at: string };
  staff: { id: Generated<number>; email: string; name: string; password_hash: string };
  modash_gate: { api_key: string; state: string };
  refresh_leases: { influencer_platform_id: number; owner: string; expires_at: number };
  modash_calls: {
    id: Generated<number>; at: number; kind: string; platform: string; status: number; latency_ms: number; waited_ms: number;
    waited_429: number; credits: number; staff: string | null; use_case: string | null; cohort: string | null;
  };
  panel_opens: {
    id: Generated<number>; at: number; staff: string | null; influencer_id: number; platform: string; first_data_ms: number | null;
    fresh_data_ms: number | null; source: string | null; lookup: number; reopen: number; outcome: string; cohort: string | null;
  };
  modash_calls_hourly: { hour: number; kind: string; platform: string; cohort: string; calls: number; rate_limited: number; waited_429: number; failed: number; credits: number };
  panel_opens_hourly: { hour: number; cohort: string; opens: number; reopens: number; lookups: number; reopen_lookups: number; fresh: number; first_hist: string; fresh_hist: string };
}
export type Db = Kysely<Tables>;

export interface Store {
  kind: 'sqlite' | 'postgres';
  db: Db;
  /** The notes column as JSON text (PostgreSQL: its own text of the jsonb). */
  notesText: RawBuilder<string | null>;
  /** A JSON text value for the notes column. */
  notesValue: (text: string | null) => RawBuilder<unknown>;
  /** `fn` in one write transaction: SQLite `BEGIN IMMEDIATE` (no deadlock-prone lock upgrade,
   * concurrent processes wait their turn), PostgreSQL a transaction whose row reads lock with
   * `forUpdate()`. */
  tx<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** `SELECT … FOR UPDATE` on PostgreSQL, nothing on SQLite (the transaction already locks). */
  locking: boolean;
}

const g = globalThis as unknown as { __staffStore?: Store };

function sqliteStore(): Store {
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: openDb() }) });
  return {
    kind: 'sqlite',
    db,
    notesText: sql<string | null>`notes`,
    notesValue: (text) => sql`${text}`,
    locking: false,
    // One connection behind a mutex: the callback holds it, so this process's other queries
    // wait, and BEGIN IMMEDIATE makes other processes wait (busy_timeout) too.
    tx: (fn) => db.connection().execute(async (conn) => {
      await sql`BEGIN IMMEDIATE`.execute(conn);
      try {
        const r = await fn(conn);
        await sql`COMMIT`.execute(conn);
        return r;
      } catch (e) {
        await sql`ROLLBACK`.execute(conn).catch(() => {});
        throw e;
      }
    }),
  };
}

function postgresStore(url: string): Store {
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PG_POOL_SIZE ?? 10) });
  // An idle connection that PostgreSQL closes (a restart, a failover) is dropped from the pool
  // and the next query opens a new one; unhandled, the error would end the process.
  pool.on('error', (e) => console.error('[store] an idle PostgreSQL connection was closed:', e.message));
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  let schema: Promise<unknown> | null = null;
  const ready = () => (schema ??= pool.query(PG_SCHEMA).catch((e) => { schema = null; throw e; }));
  void ready();
  return {
    kind: 'postgres',
    db,
    notesText: sql<string | null>`notes::text`,
    notesValue: (text) => sql`${text}::jsonb`,
    locking: true,
    tx: async (fn) => {
      await ready();
      return db.transaction().execute(fn);
    },
  };
}

/** The store of this server process (created once). */
export function store(): Store {
  if (!g.__staffStore) g.__staffStore = process.env.DATABASE_URL ? postgresStore(process.env.DATABASE_URL) : sqliteStore();
  return g.__staffStore;
}
