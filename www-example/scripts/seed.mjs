// Creates and seeds the store with the deterministic roster (ROSTER_SIZE, default 240):
// SQLite (DATABASE_FILE, default data/staff.db), or PostgreSQL when DATABASE_URL is set.
import { rmSync } from 'node:fs';
import { DEFAULT_DB } from '../lib/db.mjs';
import { openStore, resetStore } from '../lib/store.mjs';
import { influencer, report, ROSTER_SIZE } from '../lib/roster-data.mjs';

const file = process.env.DATABASE_FILE || DEFAULT_DB;
if (!process.env.DATABASE_URL) for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
const store = await openStore({ file });
await resetStore(store);
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
