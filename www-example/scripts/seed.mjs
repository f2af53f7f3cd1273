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
import { credentialsFile, DEFAULT_DB } from '../lib/db.mjs';
import { openStore, resetStore } from '../lib/store.mjs';
import { influencer, report, ROSTER_SIZE } from '../lib/roster-data.mjs';
import { hashPassword, randomPassword } from '../lib/passwords.mjs';

/** The two demo staff accounts (the real app brings its own: README, "Plug in your own sign-in"). */
export const DEMO_STAFF = [
  { email: 'ana@agency.example', name: 'Ana Silva' },
  { email: 'ben@agency.example', name: 'Ben Okafor' },
];

/**
 * Creates the demo accounts when the store has no staff: passwords from SEED_STAFF_PASSWORD
 * (tests) or random, written to data/demo-credentials.txt (mode 600) and printed once; later
 * starts print where they are.
 */
async function seedStaff(store) {
  const credentials = credentialsFile({ file, url });
  const { n } = await store.get('SELECT COUNT(*) AS n FROM staff');
  if (Number(n) > 0) {
    console.log(`[seed] sign in as ${DEMO_STAFF.map((s) => s.email).join(' or ')}${existsSync(credentials) ? ` (passwords in ${credentials})` : ''}`);
    return;
  }
  const lines = [];
  for (const s of DEMO_STAFF) {
    const password = process.env.SEED_STAFF_PASSWORD || randomPassword();
    await store.run('INSERT INTO staff (email, name, password_hash) VALUES (?, ?, ?)', [s.email, s.name, await hashPassword(password)]);
    lines.push(`${s.email}  ${password}`);
  }
  mkdirSync(dirname(credentials), { recursive: true });
  writeFileSync(credentials, `# Demo staff accounts of the example app (email, password)\n${lines.join('\n')}\n`, { mode: 0o600 });
  console.log(`[seed] staff accounts created; sign in with:\n${lines.map((l) => `         ${l}`).join('\n')}\n       (also in ${credentials})`);
}

const file = process.env.DATABASE_FILE || DEFAULT_DB;
const url = process.env.DATABASE_URL || '';
const flag = process.argv.slice(2).find((a) => a === '--reset' || a.startsWith('--reset='));
const envReset = process.env.SEED_RESET && process.env.SEED_RESET !== '0' ? process.env.SEED_RESET : null;
const reset = flag ? (flag.includes('=') ? flag.slice('--reset='.length) : '') : envReset === null ? null : envReset === '1' ? '' : envReset;

if (reset !== null) {
  if (url) {
    const dbName = decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
    if (reset !== dbName) {
      console.error(`[seed] refusing to reset PostgreSQL without naming the database: this would empty every table of "${dbName}". Run with --reset=${dbName} (or SEED_RESET=${dbName}) to start over.`);
      process.exit(2);
    }
  } else {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}
const store = await openStore({ file, url: url || undefined });
if (reset !== null && url) await resetStore(store);
await seedStaff(store);
const { n } = await store.get('SELECT COUNT(*) AS n FROM influencers');
if (Number(n) > 0) {
  console.log(`[seed] ${store.kind} ${store.where} already holds ${n} influencers: kept as they are (start over with --reset${url ? '=DBNAME' : ''})`);
  await store.close();
  process.exit(0);
}
const now = Date.now();
const j = store.jsonParam();
const counts = {};
await store.tx(async (s) => {
  for (let i = 0; i < ROSTER_SIZE; i++) {
    const inf = influencer(i, now);
    counts[inf.kase] = (counts[inf.kase] ?? 0) + 1;
    const ipIds = {};
    // Malformed text cannot be jsonb: in PostgreSQL it is stored as a JSON string instead.
    const text = inf.notes === null ? null : typeof inf.notes === 'string' ? (s.kind === 'postgres' ? JSON.stringify(inf.notes) : inf.notes) : JSON.stringify(inf.notes);
    await s.run(`INSERT INTO influencers (id, name, notes) VALUES (?, ?, ${j})`, [inf.id, inf.name, text]);
    for (const p of inf.platforms) {
      ipIds[p] = (await s.get('INSERT INTO influencer_platforms (influencer_id, platform, username) VALUES (?, ?, ?) RETURNING id', [inf.id, p, inf.accounts[p].username])).id;
    }
    if (inf.cache.length) {
      for (const { platform } of inf.cache) {
        const acc = inf.accounts[platform];
        const row = await s.get('INSERT INTO modash_profile_cache (influencer_platform_id, modash_user_id, platform, payload, fetched_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
          [ipIds[platform], acc.userId, platform, JSON.stringify(report(acc)), new Date(now - 2 * 3600e3).toISOString()]);
        inf.notes.modash_data.platforms[platform].cache_id = String(row.id);
      }
      await s.run(`UPDATE influencers SET notes = ${j} WHERE id = ?`, [JSON.stringify(inf.notes), inf.id]);
    }
  }
});
const { b } = await store.get(`SELECT SUM(LENGTH(${store.notesText()})) AS b FROM influencers`);
console.log(`[seed] ${ROSTER_SIZE} influencers in ${store.kind} ${store.where} (${(Number(b) / 1024).toFixed(0)} KB of notes): ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
await store.close();
