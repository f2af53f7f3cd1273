// The one store of the app, its scripts and its tests, through Kysely: SQLite (better-sqlite3,
// the embedded default) or PostgreSQL when DATABASE_URL is set (a pg Pool; notes as jsonb).
// Kysely gives each dialect its own placeholders and a transaction pinned to one connection
// (a pool hands every query elsewhere otherwise); its `sql` template keeps the few
// dialect-specific bits (jsonb casts, FOR UPDATE) explicit. The schema is lib/migrations.mjs;
// its types lib/schema.d.mts.
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { baseConfig } from './config.mjs';
import { migrateToLatest } from './migrations.mjs';
import { log } from './log.mjs';

function sqliteStore(file) {
  mkdirSync(dirname(file), { recursive: true });
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely({ dialect: new SqliteDialect({ database }) });
  return {
    kind: 'sqlite',
    where: file,
    db,
    notesText: sql`notes`,
    notesValue: (text) => sql`${text}`,
    locking: false,
    // One connection behind a mutex: the callback holds it, so this process's other queries
    // wait, and BEGIN IMMEDIATE makes other processes wait (busy_timeout) too.
    tx: (fn) =>
      db.connection().execute(async (conn) => {
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
    close: () => db.destroy(),
  };
}

function postgresStore(url, poolSize) {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle connection that PostgreSQL closes (a restart, a failover) is dropped from the pool
  // and the next query opens a new one; unhandled, the error would end the process.
  pool.on('error', (e) => log().warn({ err: e }, 'an idle PostgreSQL connection was closed'));
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    where: url.replace(/:[^:@/]*@/, ':***@'),
    db,
    notesText: sql`notes::text`,
    notesValue: (text) => sql`${text}::jsonb`,
    locking: true,
    tx: (fn) => db.transaction().execute(fn),
    close: () => db.destroy(),
  };
}

/**
 * A store: `{ kind, where, db, notesText, notesValue, locking, tx, close }`. Defaults from the
 * configuration (DATABASE_URL, else DATABASE_FILE). It is not migrated: call `migrate()` (the
 * main command, the seed, `npm run db:migrate` and the app's start do).
 */
export function openStore({ url, file, poolSize } = {}) {
  const c = baseConfig();
  const u = url === undefined ? c.DATABASE_URL : url;
  const s = u ? postgresStore(u, poolSize ?? c.PG_POOL_SIZE) : sqliteStore(file ?? c.DATABASE_FILE);
  s.migrate = () => migrateToLatest(s);
  return s;
}

/** A notes column value read back as text, whichever the dialect (for a raw `sql` select). */
export const notesTextOf = (store, column) => (store.kind === 'postgres' ? sql`${sql.ref(column)}::text` : sql.ref(column));

/** `q.forUpdate()` on PostgreSQL; SQLite's BEGIN IMMEDIATE already locks. */
export const locked = (store, q) => (store.locking ? q.forUpdate() : q);
