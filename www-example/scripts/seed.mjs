// Creates and seeds the SQLite store with the deterministic roster (ROSTER_SIZE, default 240).
// Usage: node scripts/seed.mjs [--fresh]   (DATABASE_FILE overrides the file)
import { rmSync } from 'node:fs';
import { openDb, DEFAULT_DB } from '../lib/db.mjs';
import { influencer, report, ROSTER_SIZE } from '../lib/roster-data.mjs';

const file = process.env.DATABASE_FILE || DEFAULT_DB;
for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
const db = openDb(file);
const now = Date.now();
const insInf = db.prepare('INSERT INTO influencers (id, name, notes) VALUES (?, ?, ?)');
const insPlat = db.prepare('INSERT INTO influencer_platforms (influencer_id, platform, username) VALUES (?, ?, ?)');
const insCache = db.prepare('INSERT INTO modash_profile_cache (influencer_platform_id, modash_user_id, platform, payload, fetched_at) VALUES (?, ?, ?, ?, ?)');
const setNotes = db.prepare('UPDATE influencers SET notes = ? WHERE id = ?');
const counts = {};
db.transaction(() => {
  for (let i = 0; i < ROSTER_SIZE; i++) {
    const inf = influencer(i, now);
    counts[inf.kase] = (counts[inf.kase] ?? 0) + 1;
    const notesText = inf.notes === null ? null : typeof inf.notes === 'string' ? inf.notes : JSON.stringify(inf.notes);
    insInf.run(inf.id, inf.name, notesText);
    const ipIds = {};
    for (const p of inf.platforms) ipIds[p] = insPlat.run(inf.id, p, inf.accounts[p].username).lastInsertRowid;
    if (inf.cache.length) {
      const notes = inf.notes;
      for (const { platform } of inf.cache) {
        const acc = inf.accounts[platform];
        const cacheId = insCache.run(ipIds[platform], acc.userId, platform, JSON.stringify(report(acc)), new Date(now - 2 * 3600e3).toISOString()).lastInsertRowid;
        notes.modash_data.platforms[platform].cache_id = String(cacheId);
      }
      setNotes.run(JSON.stringify(notes), inf.id);
    }
  }
})();
const bytes = db.prepare('SELECT SUM(LENGTH(notes)) AS b FROM influencers').get().b;
console.log(`[seed] ${ROSTER_SIZE} influencers in ${file} (${(bytes / 1024).toFixed(0)} KB of notes): ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
db.close();
