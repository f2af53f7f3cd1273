// The schema, as one ordered list of versioned migrations for both stores (Kysely's Migrator:
// it records what ran in kysely_migration, serialises concurrent runs, and runs each migration
// in a transaction on both dialects). Dialect differences live inside the migrations: an id
// that numbers itself (SQLite INTEGER PRIMARY KEY, PostgreSQL SERIAL), notes (TEXT, JSONB),
// floats (REAL, DOUBLE PRECISION). The first migration creates only what is missing, so a
// store made before migrations existed (its tables created at open) is adopted in place, its
// rows untouched. Add a migration at the end; never edit one that has shipped.
// The TypeScript types of these tables: lib/schema.d.mts (tests/schema.test.mjs checks them
// against a migrated SQLite and PostgreSQL store).
import { Migrator, sql } from 'kysely';

/** Column types per dialect. */
const types = (kind) =>
  kind === 'postgres' ? { serial: 'serial', json: 'jsonb', float: 'double precision' } : { serial: 'integer', json: 'text', float: 'real' };

/** Columns a table has (introspected inside the migration's transaction). */
async function columnsOf(db, table) {
  const t = (await db.introspection.getTables()).find((x) => x.name === table);
  return new Set(t ? t.columns.map((c) => c.name) : []);
}

/** The migrations for a store of `kind` ('sqlite' | 'postgres'), in order. */
export function migrations(kind) {
  const t = types(kind);
  return {
    '0001_initial': {
      async up(db) {
        const s = db.schema;
        await s
          .createTable('influencers')
          .ifNotExists()
          .addColumn('id', 'integer', (c) => c.primaryKey().notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('notes', t.json) // the real app's JSON column
          .execute();
        await s
          .createTable('influencer_platforms')
          .ifNotExists()
          .addColumn('id', t.serial, (c) => c.primaryKey().notNull())
          .addColumn('influencer_id', 'integer', (c) => c.notNull().references('influencers.id'))
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('username', 'text', (c) => c.notNull())
          .addUniqueConstraint('influencer_platforms_influencer_id_platform_key', ['influencer_id', 'platform'])
          .execute();
        await s
          .createTable('modash_profile_cache')
          .ifNotExists()
          .addColumn('id', t.serial, (c) => c.primaryKey().notNull())
          .addColumn('influencer_platform_id', 'integer', (c) => c.notNull().references('influencer_platforms.id'))
          .addColumn('modash_user_id', 'text', (c) => c.notNull())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull()) // the full report, its JSON text as received
          .addColumn('fetched_at', 'text', (c) => c.notNull())
          .execute();
        await s.createIndex('cache_by_platform_row').ifNotExists().on('modash_profile_cache').column('influencer_platform_id').execute();
        await s
          .createTable('staff')
          .ifNotExists()
          .addColumn('id', t.serial, (c) => c.primaryKey().notNull())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull()) // lib/passwords.mjs: scrypt$N$r$p$salt$hash
          .execute();
        // The team-scale gate: one row per Modash API key (sha256 of it), gateStep's state as JSON.
        await s
          .createTable('modash_gate')
          .ifNotExists()
          .addColumn('api_key', 'text', (c) => c.primaryKey().notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .execute();
        // Single-flight refreshes: one lease per influencer platform (lib/lease.mjs).
        await s
          .createTable('refresh_leases')
          .ifNotExists()
          .addColumn('influencer_platform_id', 'integer', (c) => c.primaryKey().notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('expires_at', t.float, (c) => c.notNull())
          .execute();
        // The flow's figures: one row per Modash call and per panel open, rolled up hourly.
        await s
          .createTable('modash_calls')
          .ifNotExists()
          .addColumn('id', t.serial, (c) => c.primaryKey().notNull())
          .addColumn('at', t.float, (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('latency_ms', t.float, (c) => c.notNull())
          .addColumn('waited_ms', t.float, (c) => c.notNull())
          .addColumn('waited_429', 'integer', (c) => c.notNull())
          .addColumn('credits', t.float, (c) => c.notNull())
          .addColumn('staff', 'text')
          .addColumn('use_case', 'text')
          .addColumn('cohort', 'text')
          .execute();
        await s.createIndex('modash_calls_at').ifNotExists().on('modash_calls').column('at').execute();
        await s
          .createTable('panel_opens')
          .ifNotExists()
          .addColumn('id', t.serial, (c) => c.primaryKey().notNull())
          .addColumn('at', t.float, (c) => c.notNull())
          .addColumn('staff', 'text')
          .addColumn('influencer_id', 'integer', (c) => c.notNull())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('first_data_ms', t.float)
          .addColumn('fresh_data_ms', t.float)
          .addColumn('source', 'text')
          .addColumn('lookup', 'integer', (c) => c.notNull())
          .addColumn('reopen', 'integer', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('cohort', 'text')
          .execute();
        await s.createIndex('panel_opens_at').ifNotExists().on('panel_opens').column('at').execute();
        await s
          .createTable('modash_calls_hourly')
          .ifNotExists()
          .addColumn('hour', t.float, (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('cohort', 'text', (c) => c.notNull())
          .addColumn('calls', 'integer', (c) => c.notNull())
          .addColumn('rate_limited', 'integer', (c) => c.notNull())
          .addColumn('waited_429', 'integer', (c) => c.notNull())
          .addColumn('failed', 'integer', (c) => c.notNull())
          .addColumn('credits', t.float, (c) => c.notNull())
          .addPrimaryKeyConstraint('modash_calls_hourly_pkey', ['hour', 'kind', 'platform', 'cohort'])
          .execute();
        await s
          .createTable('panel_opens_hourly')
          .ifNotExists()
          .addColumn('hour', t.float, (c) => c.notNull())
          .addColumn('cohort', 'text', (c) => c.notNull())
          .addColumn('opens', 'integer', (c) => c.notNull())
          .addColumn('reopens', 'integer', (c) => c.notNull())
          .addColumn('lookups', 'integer', (c) => c.notNull())
          .addColumn('reopen_lookups', 'integer', (c) => c.notNull())
          .addColumn('fresh', 'integer', (c) => c.notNull())
          .addColumn('first_hist', 'text', (c) => c.notNull())
          .addColumn('fresh_hist', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('panel_opens_hourly_pkey', ['hour', 'cohort'])
          .execute();
      },
    },
    // What scripts/migrate.mjs keeps to roll back: the notes before a payload move (with the
    // cache rows it made and a digest of what it wrote), and the userId backfill's log. Stores
    // made before these columns existed get them here.
    '0002_data_migration_tables': {
      async up(db) {
        await db.schema
          .createTable('notes_backup')
          .ifNotExists()
          .addColumn('influencer_id', 'integer', (c) => c.primaryKey().notNull())
          .addColumn('notes', t.json)
          .addColumn('cache_ids', 'text', (c) => c.notNull().defaultTo('[]'))
          .addColumn('migrated_at', 'text', (c) => c.notNull())
          .addColumn('written_digest', 'text')
          .execute();
        await db.schema
          .createTable('modash_backfill_log')
          .ifNotExists()
          .addColumn('influencer_platform_id', 'integer', (c) => c.primaryKey().notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('detail', 'text')
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('influencer_id', 'integer')
          .addColumn('notes_before', 'text')
          .addColumn('written_digest', 'text')
          .execute();
        for (const [table, column] of [
          ['notes_backup', 'written_digest'],
          ['modash_backfill_log', 'influencer_id'],
          ['modash_backfill_log', 'notes_before'],
          ['modash_backfill_log', 'written_digest'],
        ]) {
          if (!(await columnsOf(db, table)).has(column))
            await db.schema
              .alterTable(table)
              .addColumn(column, column === 'influencer_id' ? 'integer' : 'text')
              .execute();
        }
      },
    },
    // The request that caused each Modash call (lib/log.mjs), so the call log and the server's
    // log lines of one request can be read side by side.
    '0003_call_request_id': {
      async up(db) {
        await db.schema.alterTable('modash_calls').addColumn('request_id', 'text').execute();
      },
    },
    // What Modash last said about an account it has nothing for (private, removed, not found):
    // its code and when (ISO), so the roster says so and refreshes do not pay again for it.
    '0004_modash_account_status': {
      async up(db) {
        await db.schema.alterTable('influencer_platforms').addColumn('modash_status', 'text').execute();
        await db.schema.alterTable('influencer_platforms').addColumn('modash_status_at', 'text').execute();
      },
    },
    // Modash's `retry_later` ("processing the data for this account"): when the one scheduled
    // retry runs (epoch ms) and how many ran; and the Modash account of each API key: its
    // /v1/user/info answer (as received) and when, and until when spending stops after Modash
    // said the account's credits ran out (epoch ms), and the warm refresher's lease. Read and
    // written by lib/server/scheduled.ts and the modules it runs.
    '0005_modash_schedule': {
      async up(db) {
        await db.schema.alterTable('influencer_platforms').addColumn('modash_retry_at', t.float).execute();
        await db.schema
          .alterTable('influencer_platforms')
          .addColumn('modash_retries', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('influencer_platforms_retry_at').on('influencer_platforms').column('modash_retry_at').execute();
        await db.schema
          .createTable('modash_account')
          .addColumn('api_key', 'text', (c) => c.primaryKey().notNull())
          .addColumn('info', 'text')
          .addColumn('info_at', t.float)
          .addColumn('info_asked_at', t.float, (c) => c.notNull().defaultTo(0))
          .addColumn('spend_stopped_until', t.float)
          // The warm refresher's lease (lib/server/warm.ts): one holder for the team, renewed
          // while it works, ending with its holder.
          .addColumn('warm_owner', 'text')
          .addColumn('warm_until', t.float)
          .execute();
      },
    },
    // What the roster filters and sorts on (lib/roster-state.mjs): per influencer platform, the
    // last refresh, the followers, whether the notes can be read. Null until written: the app
    // fills them once at start (backfillRosterState), every notes write keeps them.
    '0006_roster_state': {
      async up(db) {
        await db.schema.alterTable('influencer_platforms').addColumn('last_refreshed', t.float).execute();
        await db.schema.alterTable('influencer_platforms').addColumn('followers', t.float).execute();
        await db.schema.alterTable('influencer_platforms').addColumn('notes_readable', 'integer').execute();
        await db.schema.createIndex('influencer_platforms_last_refreshed').on('influencer_platforms').column('last_refreshed').execute();
        await db.schema.createIndex('influencers_name').on('influencers').column('name').execute();
      },
    },
    // The team's Modash work (lib/server/queue.ts): one row per job to refresh an influencer
    // platform, unique while pending (queued or running: two asks make one job), with its
    // priority (0 interactive, 1 bulk, 2 warm, 3 scheduled), its earliest run (epoch ms), its
    // attempts, the holder's lease (renewed while it runs, lib/lease.mjs), its batch, who asked
    // and why, and its outcome: done, failed (our code and the sentence staff read), cancelled,
    // preparing (Modash is preparing the report; a scheduled job asks again). A batch is what
    // one staff member started from the roster; its progress is read from its jobs' rows.
    // Retries scheduled before this migration (influencer_platforms.modash_retry_at) become jobs.
    '0007_modash_jobs': {
      async up(db) {
        await db.schema
          .createTable('modash_batches')
          .addColumn('id', t.serial, (c) => c.primaryKey().notNull())
          .addColumn('started_by', 'text', (c) => c.notNull())
          .addColumn('started_at', t.float, (c) => c.notNull())
          .addColumn('asked', 'integer', (c) => c.notNull())
          .addColumn('already_queued', 'integer', (c) => c.notNull())
          .addColumn('cancelled_at', t.float)
          .addColumn('cancelled_by', 'text')
          .addColumn('dismissed_at', t.float)
          .execute();
        await db.schema
          .createTable('modash_jobs')
          .addColumn('id', t.serial, (c) => c.primaryKey().notNull())
          .addColumn('influencer_id', 'integer', (c) => c.notNull())
          .addColumn('influencer_platform_id', 'integer', (c) => c.notNull().references('influencer_platforms.id'))
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('priority', 'integer', (c) => c.notNull())
          .addColumn('run_at', t.float, (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('holder', 'text')
          .addColumn('lease_until', t.float)
          .addColumn('batch_id', 'integer', (c) => c.references('modash_batches.id'))
          .addColumn('asked_by', 'text', (c) => c.notNull())
          .addColumn('cause', 'text', (c) => c.notNull())
          .addColumn('use_case', 'text', (c) => c.notNull())
          .addColumn('force', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', t.float, (c) => c.notNull())
          .addColumn('finished_at', t.float)
          // The last attempt's failure (our code, the sentence, our status) while it waits or once it failed.
          .addColumn('code', 'text')
          .addColumn('message', 'text')
          .addColumn('status', 'integer')
          // JSON: what the last attempt answered (its source, the userId, whether it looked up) or its error's extras.
          .addColumn('detail', 'text')
          .execute();
        await sql`CREATE UNIQUE INDEX modash_jobs_pending ON modash_jobs (influencer_platform_id) WHERE state IN ('queued', 'running')`.execute(db);
        await db.schema.createIndex('modash_jobs_claim').on('modash_jobs').columns(['state', 'priority', 'run_at']).execute();
        await db.schema.createIndex('modash_jobs_batch').on('modash_jobs').column('batch_id').execute();
        const now = Date.now();
        const due = await db
          .selectFrom('influencer_platforms')
          .select(['id', 'influencer_id', 'platform', 'modash_retry_at'])
          .where('modash_retry_at', 'is not', null)
          .execute();
        for (const r of due) {
          await db
            .insertInto('modash_jobs')
            .values({
              influencer_id: r.influencer_id,
              influencer_platform_id: r.id,
              platform: r.platform,
              priority: 3,
              run_at: Number(r.modash_retry_at),
              state: 'queued',
              asked_by: 'scheduled retry',
              cause: 'retry',
              use_case: 'bulkRefresh',
              created_at: now,
            })
            .execute();
        }
      },
    },
    // Each report bought, compared with the one it replaces (followers, engagement rate,
    // averages, posts): `changed` 1 or 0, null when there was none before; by cause (panel,
    // bulk, warm, retry), so the metrics page shows the credits spent on reports that changed
    // nothing (issue 38).
    '0008_report_changes': {
      async up(db) {
        await db.schema
          .createTable('modash_reports')
          .addColumn('id', t.serial, (c) => c.primaryKey().notNull())
          .addColumn('at', t.float, (c) => c.notNull())
          .addColumn('influencer_platform_id', 'integer', (c) => c.notNull())
          .addColumn('platform', 'text', (c) => c.notNull())
          .addColumn('cause', 'text', (c) => c.notNull())
          .addColumn('changed', 'integer')
          .addColumn('credits', t.float, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('modash_reports_at').on('modash_reports').column('at').execute();
      },
    },
  };
}

/** A Migrator over `store` (lib/store.mjs) with the list above. */
export function migrator(store) {
  const list = migrations(store.kind);
  return new Migrator({ db: store.db, provider: { getMigrations: async () => list } });
}

/** Brings `store` to the latest version; throws with the failed migration's name and error. */
export async function migrateToLatest(store) {
  const { error, results = [] } = await migrator(store).migrateToLatest();
  const failed = results.find((r) => r.status === 'Error');
  if (error) throw Object.assign(new Error(`migration ${failed?.migrationName ?? '?'} failed: ${error?.message ?? error}`), { cause: error });
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Every migration and whether it ran (and when): for `npm run db:status`. */
export async function migrationStatus(store) {
  const infos = await migrator(store).getMigrations();
  return infos.map((m) => ({ name: m.name, executedAt: m.executedAt ?? null }));
}

/** Names of every table a migration made (the seed's reset empties them). */
export const TABLES = [
  'modash_jobs',
  'modash_batches',
  'modash_account',
  'notes_backup',
  'modash_backfill_log',
  'refresh_leases',
  'modash_gate',
  'modash_calls',
  'panel_opens',
  'modash_calls_hourly',
  'panel_opens_hourly',
  'modash_profile_cache',
  'influencer_platforms',
  'influencers',
  'staff',
];

/** Empties every table (for seeding). */
export async function emptyTables(store) {
  if (store.kind === 'postgres') await sql`TRUNCATE ${sql.join(TABLES.map((x) => sql.table(x)))} RESTART IDENTITY`.execute(store.db);
  else for (const x of TABLES) await store.db.deleteFrom(x).execute();
}
