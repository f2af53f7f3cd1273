// A store made before versioned migrations existed (the schema previous versions created at
// open: tests/fixtures/pre-migrations.*.sql, with rows written as they wrote them) is upgraded
// in place by the first migration run, on SQLite and PostgreSQL: every row and every byte of
// notes and cached reports kept, the version recorded (`npm run db:status`), the columns added
// since present, and a second run a no-op. Also an older store, from before the rollback
// columns were added, gets them.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { baseConfig, childEnv } from '../lib/config.mjs';
import { openStore } from '../lib/store.mjs';
import { migrations } from '../lib/migrations.mjs';
import { ROOT } from '../lib/procs.mjs';
import { influencer, report } from '../lib/roster-data.mjs';
import { admin, row, rows, sql } from './db.mjs';

const PG = baseConfig().MIGRATE_TEST_PG_URL;
const LATEST = Object.keys(migrations('sqlite')).at(-1);
const fixture = (kind) => readFileSync(join(ROOT, 'tests', 'fixtures', `pre-migrations.${kind}.sql`), 'utf8');

/** Creates the old schema and writes 24 influencers as the old seed did (with cache rows). */
async function oldStore(s) {
  for (const stmt of fixture(s.kind)
    .split(';')
    .map((x) => x.replace(/--.*$/gm, '').trim())
    .filter(Boolean))
    await sql.raw(stmt).execute(s.db);
  const now = Date.now();
  for (let i = 0; i < 24; i++) {
    const inf = influencer(i, now);
    const text =
      inf.notes === null ? null : typeof inf.notes === 'string' ? (s.kind === 'postgres' ? JSON.stringify(inf.notes) : inf.notes) : JSON.stringify(inf.notes);
    await rows(s, sql`INSERT INTO influencers (id, name, notes) VALUES (${inf.id}, ${inf.name}, ${s.notesValue(text)})`);
    for (const p of inf.platforms) {
      const ip = await row(
        s,
        sql`INSERT INTO influencer_platforms (influencer_id, platform, username) VALUES (${inf.id}, ${p}, ${inf.accounts[p].username}) RETURNING id`,
      );
      if (inf.cache.some((c) => c.platform === p)) {
        // A report as received: a 20-digit number, 1e400, -0, 1.50 and an escape survive only as text.
        const payload = `{"exact":{"big":12345678901234567890,"huge":1e400,"negz":-0,"dec":1.50,"e":"\\u00e9"},${JSON.stringify(report(inf.accounts[p])).slice(1)}`;
        await rows(
          s,
          sql`INSERT INTO modash_profile_cache (influencer_platform_id, modash_user_id, platform, payload, fetched_at) VALUES (${ip.id}, ${inf.accounts[p].userId}, ${p}, ${payload}, ${new Date(now).toISOString()})`,
        );
      }
    }
  }
  await rows(s, sql`INSERT INTO modash_gate (api_key, state) VALUES ('k', '{"tokens":1}')`);
  await rows(s, sql`INSERT INTO staff (email, name, password_hash) VALUES ('old@agency.example', 'Old', 'scrypt$x')`);
  await rows(
    s,
    sql`INSERT INTO notes_backup (influencer_id, notes, cache_ids, migrated_at, written_digest) VALUES (1, ${s.notesValue('{"a":1}')}, '[1]', 'then', 'd')`,
  );
}

/**
 * Every row of every old table, as text; with `like`, only the columns `like` has (a later
 * migration adds columns: their values are new, the old ones must be as they were).
 */
async function dump(s, like = null) {
  const out = {};
  for (const t of ['influencers', 'influencer_platforms', 'modash_profile_cache', 'modash_gate', 'staff', 'notes_backup']) {
    const cols = t === 'influencers' || t === 'notes_backup' ? sql`*, ${s.notesText} AS notes_text` : sql`*`;
    let got = await rows(s, sql`SELECT ${cols} FROM ${sql.table(t)} ORDER BY 1`);
    if (like) {
      const keep = Object.keys(JSON.parse(like[t])[0] ?? {});
      got = got.map((r) => Object.fromEntries(keep.map((k) => [k, r[k]])));
    }
    out[t] = JSON.stringify(got);
  }
  return out;
}

const status = (env) => execFileSync(process.execPath, [join(ROOT, 'scripts/db.mjs'), 'status'], { env: childEnv(env), encoding: 'utf8' });

const backends = [{ kind: 'sqlite', file: join(ROOT, 'data', 'upgrade-test.db') }];
if (PG) backends.push({ kind: 'postgres' });

for (const b of backends) {
  describe(`upgrade in place on ${b.kind}`, () => {
    let url = null;
    const env = () => (b.kind === 'sqlite' ? { DATABASE_FILE: b.file, DATABASE_URL: '' } : { DATABASE_URL: url });
    const fresh = async (name) => {
      if (b.kind === 'sqlite') {
        for (const x of ['', '-wal', '-shm']) rmSync(b.file + x, { force: true });
        return openStore({ url: '', file: b.file });
      }
      await admin(PG, `DROP DATABASE IF EXISTS ${name}`);
      await admin(PG, `CREATE DATABASE ${name}`);
      const u = new URL(PG);
      u.pathname = `/${name}`;
      url = u.toString();
      return openStore({ url });
    };
    after(() => {
      if (b.file) for (const x of ['', '-wal', '-shm']) rmSync(b.file + x, { force: true });
    });

    test('a store written before migrations existed is adopted, nothing lost', async () => {
      const s = await fresh('mf_upgrade');
      try {
        await oldStore(s);
        const before = await dump(s);
        assert.throws(
          () => status(env()),
          (e) => /pending\s+0001_initial/.test(e.stdout),
          'db:status says the store is behind (exit 1)',
        );
        const ran = await s.migrate();
        assert.deepEqual(ran, Object.keys(migrations(b.kind)), 'every migration ran once');
        assert.deepEqual(await dump(s, before), before, 'every row and byte kept');
        const cached = await rows(s, sql`SELECT payload FROM modash_profile_cache`);
        assert.ok(cached.length > 0 && cached.every((r) => r.payload.includes('12345678901234567890,"huge":1e400,"negz":-0,"dec":1.50')));
        assert.deepEqual(await s.migrate(), [], 'a second run changes nothing');
        const cols = (await s.db.introspection.getTables()).find((t) => t.name === 'modash_calls').columns.map((c) => c.name);
        assert.ok(cols.includes('request_id'), 'a column added by a later migration is there');
        assert.match(status(env()), new RegExp(`version ${LATEST}`));
      } finally {
        await s.close();
      }
    });

    test('a store from before the rollback columns were added gets them', async () => {
      const s = await fresh('mf_upgrade_old');
      try {
        await oldStore(s);
        for (const [t, c] of [
          ['notes_backup', 'written_digest'],
          ['modash_backfill_log', 'influencer_id'],
          ['modash_backfill_log', 'notes_before'],
          ['modash_backfill_log', 'written_digest'],
        ]) {
          await sql.raw(`ALTER TABLE ${t} DROP COLUMN ${c}`).execute(s.db);
        }
        await s.migrate();
        const tables = await s.db.introspection.getTables();
        const has = (t, c) => tables.find((x) => x.name === t).columns.some((x) => x.name === c);
        for (const [t, c] of [
          ['notes_backup', 'written_digest'],
          ['modash_backfill_log', 'influencer_id'],
          ['modash_backfill_log', 'notes_before'],
          ['modash_backfill_log', 'written_digest'],
        ])
          assert.ok(has(t, c), `${t}.${c}`);
        assert.equal(Number((await row(s, sql`SELECT COUNT(*) AS n FROM influencers`)).n), 24);
      } finally {
        await s.close();
      }
    });
  });
}
