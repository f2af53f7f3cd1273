// Seeds an EMPTY store with the deterministic roster (ROSTER_SIZE, default 240): SQLite
// (DATABASE_FILE, default data/staff.db), or PostgreSQL when DATABASE_URL is set. A store that
// already holds influencers is left exactly as it is: the main command runs this on every
// start, and staff work (refreshes, migrations) must survive a restart.
//
// Starting over is explicit: `--reset` (or SEED_RESET=1) deletes the SQLite file; on
// PostgreSQL every table of the app is emptied, so the database must be named:
// `--reset=DBNAME` (or SEED_RESET=DBNAME), and it must be the one DATABASE_URL points at.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { sql } from 'kysely';
import { baseConfig } from '../lib/config.mjs';
import { credentialsFile } from '../lib/credentials.mjs';
import { openStore } from '../lib/store.mjs';
import { emptyTables } from '../lib/migrations.mjs';
import { influencer, report, ROSTER_SIZE } from '../lib/roster-data.mjs';
import { hashPassword, randomPassword } from '../lib/passwords.mjs';
import { backfillRosterState } from '../lib/roster-state.mjs';
import { createRequire } from 'node:module';

/** The two demo staff accounts (the real app brings its own: README, "Plug in your own sign-in"). */
export const DEMO_STAFF = [
  { email: 'ana@agency.example', name: 'Ana Silva' },
  { email: 'ben@agency.example', name: 'Ben Okafor' },
];

const config = baseConfig();
const count = async (db, table) =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/**
 * Creates the demo accounts when the store has no staff: passwords from SEED_STAFF_PASSWORD
 * (tests) or random, written to data/demo-credentials.txt (mode 600) and printed once; later
 * starts print where they are.
 */
async function seedStaff(store) {
  const credentials = credentialsFile({ file, url });
  if ((await count(store.db, 'staff')) > 0) {
    console.log(`[seed] sign in as ${DEMO_STAFF.map((s) => s.email).join(' or ')}${existsSync(credentials) ? ` (passwords in ${credentials})` : ''}`);
    return;
  }
  const lines = [];
  for (const s of DEMO_STAFF) {
    const password = config.SEED_STAFF_PASSWORD || randomPassword();
    await store.db
      .insertInto('staff')
      .values({ email: s.email, name: s.name, password_hash: await hashPassword(password) })
      .execute();
    lines.push(`${s.email}  ${password}`);
  }
  mkdirSync(dirname(credentials), { recursive: true });
  writeFileSync(credentials, `# Demo staff accounts of the example app (email, password)\n${lines.join('\n')}\n`, { mode: 0o600 });
  console.log(`[seed] staff accounts created; sign in with:\n${lines.map((l) => `         ${l}`).join('\n')}\n       (also in ${credentials})`);
}

const file = config.DATABASE_FILE;
const url = config.DATABASE_URL ?? '';
const flag = process.argv.slice(2).find((a) => a === '--reset' || a.startsWith('--reset='));
const envReset = config.SEED_RESET && config.SEED_RESET !== '0' ? config.SEED_RESET : null;
const reset = flag ? (flag.includes('=') ? flag.slice('--reset='.length) : '') : envReset === null ? null : envReset === '1' ? '' : envReset;

if (reset !== null) {
  if (url) {
    const dbName = decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
    if (reset !== dbName) {
      console.error(
        `[seed] refusing to reset PostgreSQL without naming the database: this would empty every table of "${dbName}". Run with --reset=${dbName} (or SEED_RESET=${dbName}) to start over.`,
      );
      process.exit(2);
    }
  } else {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}
const store = openStore();
// The schema first: a new store is made, an older one brought up to date.
const ran = await store.migrate();
if (ran.length) console.log(`[seed] schema migrated: ${ran.join(', ')}`);
if (reset !== null && url) await emptyTables(store);
await seedStaff(store);
const n = await count(store.db, 'influencers');
if (n > 0) {
  console.log(`[seed] ${store.kind} ${store.where} already holds ${n} influencers: kept as they are (start over with --reset${url ? '=DBNAME' : ''})`);
  await store.close();
  process.exit(0);
}
const now = Date.now();
const counts = {};
await store.tx(async (db) => {
  for (let i = 0; i < ROSTER_SIZE; i++) {
    const inf = influencer(i, now);
    counts[inf.kase] = (counts[inf.kase] ?? 0) + 1;
    const ipIds = {};
    // Malformed text cannot be jsonb: in PostgreSQL it is stored as a JSON string instead.
    const text =
      inf.notes === null
        ? null
        : typeof inf.notes === 'string'
          ? store.kind === 'postgres'
            ? JSON.stringify(inf.notes)
            : inf.notes
          : JSON.stringify(inf.notes);
    await db
      .insertInto('influencers')
      .values({ id: inf.id, name: inf.name, notes: store.notesValue(text) })
      .execute();
    for (const p of inf.platforms) {
      ipIds[p] = (
        await db
          .insertInto('influencer_platforms')
          .values({ influencer_id: inf.id, platform: p, username: inf.accounts[p].username })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    }
    if (inf.cache.length) {
      for (const { platform } of inf.cache) {
        const acc = inf.accounts[platform];
        const row = await db
          .insertInto('modash_profile_cache')
          .values({
            influencer_platform_id: ipIds[platform],
            modash_user_id: acc.userId,
            platform,
            payload: JSON.stringify(report(acc)),
            fetched_at: new Date(now - 2 * 3600e3).toISOString(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        inf.notes.modash_data.platforms[platform].cache_id = String(row.id);
      }
      await db
        .updateTable('influencers')
        .set({ notes: store.notesValue(JSON.stringify(inf.notes)) })
        .where('id', '=', inf.id)
        .execute();
    }
  }
});
// What the roster filters and sorts on, from the notes just written (lib/roster-state.mjs).
await backfillRosterState(store, createRequire(import.meta.url)('../../pkg-node/modash_flow.js'));
const { b } = await store.db.selectFrom('influencers').select(sql`SUM(LENGTH(${store.notesText}))`.as('b')).executeTakeFirstOrThrow();
console.log(
  `[seed] ${ROSTER_SIZE} influencers in ${store.kind} ${store.where} (${(Number(b) / 1024).toFixed(0)} KB of notes): ${Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);
await store.close();
