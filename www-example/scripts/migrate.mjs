// One-time migrations, safe to stop (even kill -9) and re-run at any moment: every row is
// changed in its own transaction, so it is either wholly old or wholly new.
//
//   node scripts/migrate.mjs backfill-user-ids [--dry-run] [--limit N] [--batch N] [--rate R] [--rollback [--force]]
//   node scripts/migrate.mjs move-payloads     [--dry-run] [--limit N] [--batch N] [--rollback [--force]]
//
// backfill-user-ids: every influencer platform without a usable per-platform userId gets one:
//   from the legacy fields where the legacy rule applies (no API call), else by a username
//   search through a request gate at --rate requests/s (default 0.5: one every 2 s) with
//   retries on 429, keeping only an account whose username equals the one asked for
//   (pickExactMatch); a 404 or a search without an exact match is recorded in
//   modash_backfill_log and not tried again. Each changed row's previous notes are kept in
//   the log; --rollback restores them.
// move-payloads: every cached_payload in notes moves to modash_profile_cache, its JSON text
//   byte for byte; notes keep a cache_id. The original notes are kept in notes_backup first;
//   --rollback restores them exactly and deletes the cache rows the migration created.
// Both rollbacks skip (and list) a row whose notes changed since the migration wrote them (a
// refresh, a later backfill): newer data is never overwritten, unless --force.
// Store: SQLite (DATABASE_FILE, default data/staff.db), or PostgreSQL when DATABASE_URL is set.
// Modash: MODASH_API_BASE (default the simulated service on 127.0.0.1:4010), MODASH_API_KEY.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { openStore } from '../lib/store.mjs';
import { createSharedGate, creditCostsFromEnv, gateKey, gateOptionsFromEnv, storeTransact } from '../lib/shared-gate.mjs';

const require = createRequire(import.meta.url);
const mf = require('../../pkg-node/modash_flow.js');

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const o = { command, dryRun: false, rollback: false, force: false, limit: Infinity, batch: 100, rate: 0.5 };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--dry-run') o.dryRun = true;
    else if (a === '--rollback') o.rollback = true;
    else if (a === '--force') o.force = true;
    else if (['--limit', '--batch', '--rate'].includes(a)) {
      const v = Number(rest[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      o[a.slice(2)] = v;
    } else throw new Error(`unknown option ${a}`);
  }
  if (!['backfill-user-ids', 'move-payloads'].includes(command)) throw new Error('command: backfill-user-ids | move-payloads');
  return o;
}

/** A progress bar with rate and ETA on a terminal; plain lines otherwise. */
function progress(label, total) {
  const t0 = Date.now();
  const tty = process.stdout.isTTY;
  let last = 0;
  return (done, extra = '') => {
    const now = Date.now();
    const secs = (now - t0) / 1000;
    const rate = done / Math.max(secs, 0.001);
    const eta = total > done && rate > 0 ? Math.ceil((total - done) / rate) : 0;
    const line = `${label} ${done}/${total} ${rate.toFixed(1)}/s ETA ${eta}s ${extra}`;
    if (tty) {
      const w = 30, fill = Math.round((w * done) / Math.max(total, 1));
      process.stdout.write(`\r[${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${line}\x1b[K`);
      if (done >= total) process.stdout.write('\n');
    } else if (done >= total || now - last > 2000) {
      last = now;
      console.log(line);
    }
  };
}

const bytes = (s) => (s == null ? 0 : Buffer.byteLength(s));
/** sha256 of notes text as the store gives it back (null notes have their own digest). */
const digest = (text) => createHash('sha256').update(text == null ? '\u0000null' : String(text)).digest('hex');
/** The notes text of a row, as the store gives it back (PostgreSQL: its own text of the jsonb). */
const notesOf = async (s, id, lock = false) =>
  (await s.get(`SELECT ${s.notesText()} AS notes FROM influencers WHERE id = ?${lock && s.kind === 'postgres' ? ' FOR UPDATE' : ''}`, [id]))?.notes ?? null;

async function movePayloads(store, o) {
  const j = store.jsonParam();
  const report = { command: 'move-payloads', backend: store.kind, dryRun: o.dryRun, rowsSeen: 0, changed: 0, payloadsMoved: 0, skipped: {}, bytesBefore: 0, bytesAfter: 0 };
  const skip = (why) => { report.skipped[why] = (report.skipped[why] ?? 0) + 1; };
  const total = Math.min(o.limit, Number((await store.get('SELECT COUNT(*) AS n FROM influencers')).n));
  const tick = progress('move-payloads', total);
  let after = 0, batchNo = 0;
  while (report.rowsSeen < total) {
    const ids = await store.all('SELECT id FROM influencers WHERE id > ? ORDER BY id LIMIT ?', [after, Math.min(o.batch, total - report.rowsSeen)]);
    if (!ids.length) break;
    for (const { id } of ids) {
      after = id;
      report.rowsSeen++;
      await store.tx(async (s) => {
        const row = await s.get(`SELECT ${s.notesText()} AS notes FROM influencers WHERE id = ?${s.kind === 'postgres' ? ' FOR UPDATE' : ''}`, [id]);
        const text = row?.notes ?? null;
        report.bytesBefore += bytes(text);
        if (text == null) { report.bytesAfter += 0; return skip('no notes'); }
        let first;
        try {
          first = mf.slimNotes(text);
        } catch (e) {
          report.bytesAfter += bytes(text);
          if (e.code === 'NOTES_UNREADABLE') { skip('malformed notes (left untouched)'); (report.malformed ??= []).push(id); return; }
          throw e;
        }
        if (!first.payloads.length) { report.bytesAfter += bytes(text); return skip('nothing to move'); }
        if (o.dryRun) { report.changed++; report.payloadsMoved += first.payloads.length; report.bytesAfter += first.bytesAfter; return; }
        // Keep the original once: a re-run after a crash keeps the first backup.
        await s.run(`INSERT INTO notes_backup (influencer_id, notes, migrated_at) VALUES (?, ${j}, ?) ON CONFLICT (influencer_id) DO NOTHING`, [id, text, new Date().toISOString()]);
        const cacheIds = {};
        const created = [];
        for (const p of first.payloads) {
          const ip = await s.get('SELECT id FROM influencer_platforms WHERE influencer_id = ? AND platform = ?', [id, p.platform]);
          if (!ip) throw Object.assign(new Error(`influencer ${id}: ${p.platform} is not listed in influencer_platforms`), { code: 'PLATFORM_NOT_LISTED' });
          const c = await s.get('INSERT INTO modash_profile_cache (influencer_platform_id, modash_user_id, platform, payload, fetched_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
            // The payload's own text (exact bytes), never a re-serialisation of the parsed value.
            [ip.id, p.userId ?? '', p.platform, p.payloadText ?? JSON.stringify(p.payload), new Date().toISOString()]);
          cacheIds[p.source === 'legacy' ? 'legacy' : p.platform] = String(c.id);
          created.push(Number(c.id));
        }
        const second = mf.slimNotes(text, { cacheIds });
        await s.run(`UPDATE influencers SET notes = ${j} WHERE id = ?`, [second.notes, id]);
        const written = await notesOf(s, id);
        const prev = await s.get('SELECT cache_ids FROM notes_backup WHERE influencer_id = ?', [id]);
        await s.run('UPDATE notes_backup SET cache_ids = ?, written_digest = ? WHERE influencer_id = ?', [JSON.stringify([...JSON.parse(prev.cache_ids), ...created]), digest(written), id]);
        report.changed++;
        report.payloadsMoved += first.payloads.length;
        report.bytesAfter += second.bytesAfter;
      }).catch((e) => {
        if (e.code !== 'PLATFORM_NOT_LISTED') throw e;
        skip('payload platform not listed (left untouched)');
      });
      tick(report.rowsSeen, `${report.payloadsMoved} payloads`);
      if (process.env.MIGRATE_ROW_DELAY_MS) await new Promise((r) => setTimeout(r, Number(process.env.MIGRATE_ROW_DELAY_MS)));
    }
    batchNo++;
    if (!process.stdout.isTTY) console.log(`batch ${batchNo} done (${report.rowsSeen} rows)`);
  }
  return report;
}

async function rollback(store, o) {
  const j = store.jsonParam();
  const report = { command: 'move-payloads --rollback', backend: store.kind, dryRun: o.dryRun, force: o.force, restored: 0, cacheRowsDeleted: 0, skippedChanged: [] };
  const rows = await store.all('SELECT influencer_id FROM notes_backup ORDER BY influencer_id');
  const tick = progress('rollback', Math.min(rows.length, o.limit));
  let seen = 0;
  for (const { influencer_id: id } of rows.slice(0, Number.isFinite(o.limit) ? o.limit : undefined)) {
    await store.tx(async (s) => {
      const b = await s.get(`SELECT ${s.notesText()} AS notes, cache_ids, written_digest FROM notes_backup WHERE influencer_id = ?`, [id]);
      // Changed since the migration wrote it (or written before digests were kept): skipped.
      if (!o.force && b.written_digest !== digest(await notesOf(s, id, true))) { report.skippedChanged.push(id); return; }
      report.restored++;
      if (o.dryRun) return;
      await s.run(`UPDATE influencers SET notes = ${j} WHERE id = ?`, [b.notes, id]);
      for (const c of JSON.parse(b.cache_ids)) report.cacheRowsDeleted += (await s.run('DELETE FROM modash_profile_cache WHERE id = ?', [c])).changes;
      await s.run('DELETE FROM notes_backup WHERE influencer_id = ?', [id]);
    });
    tick(++seen);
  }
  if (report.skippedChanged.length) console.log(`rollback: ${report.skippedChanged.length} row(s) changed since the migration and were left as they are (--force restores them anyway): ${report.skippedChanged.join(', ')}`);
  return report;
}

/** backfill-user-ids --rollback: the logged previous notes back, newest change first. */
async function backfillRollback(store, o) {
  const j = store.jsonParam();
  const report = { command: 'backfill-user-ids --rollback', backend: store.kind, dryRun: o.dryRun, force: o.force, restored: 0, skippedChanged: [] };
  const rows = await store.all("SELECT influencer_platform_id AS ip, influencer_id AS id FROM modash_backfill_log WHERE status = 'stored' ORDER BY at DESC, influencer_platform_id DESC");
  for (const { ip, id } of rows.slice(0, Number.isFinite(o.limit) ? o.limit : undefined)) {
    await store.tx(async (s) => {
      const l = await s.get('SELECT notes_before, written_digest FROM modash_backfill_log WHERE influencer_platform_id = ?', [ip]);
      if (!o.force && l.written_digest !== digest(await notesOf(s, id, true))) { report.skippedChanged.push(id); return; }
      report.restored++;
      if (o.dryRun) return;
      await s.run(`UPDATE influencers SET notes = ${j} WHERE id = ?`, [l.notes_before, id]);
      await s.run('DELETE FROM modash_backfill_log WHERE influencer_platform_id = ?', [ip]);
    });
  }
  if (report.skippedChanged.length) console.log(`rollback: ${report.skippedChanged.length} row(s) changed since the backfill and were left as they are (--force restores them anyway): ${report.skippedChanged.join(', ')}`);
  return report;
}

async function backfill(store, o) {
  const j = store.jsonParam();
  const base = (process.env.MODASH_API_BASE ?? 'http://127.0.0.1:4010').replace(/\/$/, '');
  const key = process.env.MODASH_API_KEY ?? 'simulated';
  const gate = mf.createRequestGate({ requestsPerSecond: o.rate, burst: 1, maxConcurrent: 1, retry: { maxRetries: 5, maxRetryAfterMs: 120000 } });
  // Every lookup also takes its place in the team's shared gate, last in line: the app's
  // panels and bulk refreshes on the same key go first, and the key's pace holds for all.
  const shared = createSharedGate({ gateStep: mf.gateStep, transact: storeTransact(store, gateKey()), options: gateOptionsFromEnv(), costs: creditCostsFromEnv() });
  const report = { command: 'backfill-user-ids', backend: store.kind, dryRun: o.dryRun, rowsSeen: 0, changed: 0, fromLegacy: 0, fromLookup: 0, apiCalls: 0, skipped: {} };
  const skip = (why) => { report.skipped[why] = (report.skipped[why] ?? 0) + 1; };
  const total = Math.min(o.limit, Number((await store.get('SELECT COUNT(*) AS n FROM influencer_platforms')).n));
  const tick = progress('backfill-user-ids', total);
  let after = 0;
  // Writes one row's id and logs the change: the notes before it and a digest of what was written.
  const store1 = async (ipId, id, platform, fetched, detail) => store.tx(async (s) => {
    const before = await notesOf(s, id, true);
    const merged = mf.mergeAnalytics(before, platform, fetched, { markRefreshed: false });
    const text = typeof merged.notes === 'string' ? merged.notes : JSON.stringify(merged.notes);
    await s.run(`UPDATE influencers SET notes = ${j} WHERE id = ?`, [text, id]);
    const written = await notesOf(s, id);
    await s.run(`INSERT INTO modash_backfill_log (influencer_platform_id, status, detail, at, influencer_id, notes_before, written_digest) VALUES (?, 'stored', ?, ?, ?, ?, ?)
      ON CONFLICT (influencer_platform_id) DO UPDATE SET status = 'stored', detail = excluded.detail, at = excluded.at, influencer_id = excluded.influencer_id, notes_before = excluded.notes_before, written_digest = excluded.written_digest`,
    [ipId, detail, new Date().toISOString(), id, before, digest(written)]);
    return merged;
  });
  while (report.rowsSeen < total) {
    const batch = await store.all(
      `SELECT ip.id AS ip_id, ip.influencer_id AS id, ip.platform, ip.username, ${store.notesText('i.notes')} AS notes, l.status
       FROM influencer_platforms ip JOIN influencers i ON i.id = ip.influencer_id LEFT JOIN modash_backfill_log l ON l.influencer_platform_id = ip.id
       WHERE ip.id > ? ORDER BY ip.id LIMIT ?`, [after, Math.min(o.batch, total - report.rowsSeen)]);
    if (!batch.length) break;
    for (const r of batch) {
      after = r.ip_id;
      report.rowsSeen++;
      tick(report.rowsSeen, `${report.apiCalls} API calls`);
      if (r.status === 'not-found') { skip('not found on Modash (recorded earlier)'); continue; }
      if (r.status === 'no-exact-match') { skip('no exact match on Modash (recorded earlier)'); continue; }
      const res = mf.resolveUserId(r.notes, r.platform);
      if (res.problem) { skip('malformed notes (left untouched)'); continue; }
      if (res.source === 'platform') { skip('already has a userId'); continue; }
      if (res.source === 'legacy') {
        if (!o.dryRun) await store1(r.ip_id, r.id, r.platform, {}, 'legacy');
        report.changed++; report.fromLegacy++;
        continue;
      }
      if (o.dryRun) { report.changed++; report.fromLookup++; continue; }
      report.apiCalls++;
      const out = await gate.run(null, async () => (await shared.run('lookup', 'backfill', async () => {
        const res2 = await fetch(`${base}/v1/${r.platform}/users?query=${encodeURIComponent(r.username)}&limit=5`, { headers: { Authorization: `Bearer ${key}` } });
        if (!res2.ok) {
          const ra = res2.headers.get('retry-after');
          throw Object.assign(new Error(`Modash API error (${res2.status})`), { status: res2.status, retryAfter: ra, retryAfterMs: res2.status === 429 && /^\d+$/.test(ra ?? '') ? Number(ra) * 1000 : null });
        }
        return { value: await res2.json() };
      }, { maxWaitMs: 10 * 60 * 1000 })).value);
      report.apiCalls += out.retriesUsed;
      // A search lists look-alikes: only the account with exactly this username is stored.
      const pick = out.success ? mf.pickExactMatch(Array.isArray(out.data.users) ? out.data.users : [], r.username) : null;
      if (pick && pick.userId === null) {
        await store.run('INSERT INTO modash_backfill_log (influencer_platform_id, status, detail, at, influencer_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (influencer_platform_id) DO NOTHING',
          [r.ip_id, 'no-exact-match', JSON.stringify({ username: r.username, closest: pick.closest }), new Date().toISOString(), r.id]);
        skip('no exact match on Modash (recorded)');
        continue;
      }
      if (out.status === 404) {
        await store.run('INSERT INTO modash_backfill_log (influencer_platform_id, status, detail, at) VALUES (?, ?, ?, ?) ON CONFLICT (influencer_platform_id) DO NOTHING', [r.ip_id, 'not-found', r.username, new Date().toISOString()]);
        skip('not found on Modash (recorded)');
        continue;
      }
      if (!out.success) { skip(`lookup failed (${out.status ?? 'network'}; retried next run)`); continue; }
      await store1(r.ip_id, r.id, r.platform, { userId: pick.userId, username: pick.username }, 'lookup');
      report.changed++; report.fromLookup++;
    }
  }
  return report;
}

const o = parseArgs(process.argv.slice(2));
const t0 = Date.now();
const store = await openStore();
let report;
try {
  report = o.command === 'backfill-user-ids' ? (o.rollback ? await backfillRollback(store, o) : await backfill(store, o))
    : o.rollback ? await rollback(store, o) : await movePayloads(store, o);
} finally {
  await store.close();
}
report.seconds = (Date.now() - t0) / 1000;
if (report.malformed?.length > 20) report.malformed = [...report.malformed.slice(0, 20), `… ${report.malformed.length - 20} more`];
if (report.bytesBefore) report.reduction = `${(100 * (1 - report.bytesAfter / report.bytesBefore)).toFixed(1)}%`;
console.log(`REPORT ${JSON.stringify(report)}`);
