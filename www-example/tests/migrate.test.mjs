// The migrations on a seeded roster of 2,000 influencers, on SQLite and (when
// MIGRATE_TEST_PG_URL points at a server, as scripts/test.sh arranges) on PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { baseConfig, childEnv } from '../lib/config.mjs';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { notesTextOf, openStore } from '../lib/store.mjs';
import { admin as adminQuery, row, rows, sql } from './db.mjs';
import { ROOT, start, stop, waitForHttp } from '../lib/procs.mjs';
import { account, goneFromModash } from '../lib/roster-data.mjs';

const mf = createRequire(import.meta.url)('../../pkg-node/modash_flow.js');

const SIM_PORT = 4221,
  SIM = `http://127.0.0.1:${SIM_PORT}`;
const DATA = join(ROOT, 'data', 'migrate-test');
let sim = null;

async function ensureSim() {
  mkdirSync(DATA, { recursive: true });
  if (sim && sim.child.exitCode === null && sim.child.signalCode === null) return;
  sim = start(
    'sim',
    process.execPath,
    ['scripts/modash-sim.mjs'],
    { MODASH_SIM_PORT: String(SIM_PORT), MODASH_SIM_LATENCY: '0.02', ROSTER_SIZE: '2000' },
    { quiet: true },
  );
  await waitForHttp(`${SIM}/__sim/stats`);
}

/** A backend: how to name, seed, copy and open one database of it. */
function sqliteBackend() {
  const file = (name) => join(DATA, `${name}.db`);
  return {
    name: 'sqlite',
    env: (name) => ({ DATABASE_FILE: file(name), DATABASE_URL: '' }),
    async copy(from, to) {
      for (const s of ['', '-wal', '-shm']) rmSync(file(to) + s, { force: true });
      copyFileSync(file(from), file(to));
    },
  };
}
function pgBackend(url) {
  const u = new URL(url);
  const dbUrl = (name) => {
    const x = new URL(u);
    x.pathname = `/${name}`;
    return x.toString();
  };
  const admin = (text) => adminQuery(dbUrl('postgres'), text);
  return {
    name: 'postgres',
    env: (name) => ({ DATABASE_URL: dbUrl(name) }),
    async create(name) {
      await admin(`DROP DATABASE IF EXISTS ${name}`);
      await admin(`CREATE DATABASE ${name}`);
    },
    async copy(from, to) {
      await admin(`DROP DATABASE IF EXISTS ${to}`);
      await admin(`CREATE DATABASE ${to} TEMPLATE ${from}`);
    },
  };
}

const backends = [sqliteBackend()];
if (baseConfig().MIGRATE_TEST_PG_URL) backends.push(pgBackend(baseConfig().MIGRATE_TEST_PG_URL));

function migrate(backend, db, args, extraEnv = {}) {
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts/migrate.mjs'), ...args], {
    env: childEnv({ ...backend.env(db), MODASH_API_BASE: SIM, ...extraEnv }),
    encoding: 'utf8',
  });
  const line = out.split('\n').find((l) => l.startsWith('REPORT '));
  return JSON.parse(line.slice(7));
}

async function withStore(backend, db, fn) {
  const env = backend.env(db);
  const s = openStore({ url: env.DATABASE_URL || '', file: env.DATABASE_FILE });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Every row of the three tables the migration touches, as text. */
const dump = (backend, db) =>
  withStore(backend, db, async (s) => ({
    notes: new Map((await rows(s, sql`SELECT id, ${s.notesText} AS notes FROM influencers ORDER BY id`)).map((r) => [r.id, r.notes])),
    cache: new Map((await rows(s, sql`SELECT id, payload FROM modash_profile_cache ORDER BY id`)).map((r) => [String(r.id), r.payload])),
    backups: (await row(s, sql`SELECT COUNT(*) AS n FROM notes_backup`)).n,
  }));
const checksum = (d) =>
  createHash('sha256')
    .update(JSON.stringify([[...d.notes], [...d.cache], Number(d.backups)]))
    .digest('hex');

/** Notes with each cache_id replaced by the payload it points to: comparable across runs. */
function resolved(d) {
  const out = new Map();
  for (const [id, text] of d.notes) {
    out.set(
      id,
      text &&
        text.replace(
          /"cache_id":\s*"(\d+)"/g,
          (_, c) =>
            `"cache":${createHash('sha256')
              .update(d.cache.get(c) ?? 'missing')
              .digest('hex')
              .slice(0, 16)}`,
        ),
    );
  }
  return out;
}

after(() => rmSync(DATA, { recursive: true, force: true }));

for (const backend of backends) {
  describe(`migrations on ${backend.name}`, () => {
    const orig = `mf_orig_${process.pid}`;
    let original;

    after(() => {
      if (sim) stop(sim);
      sim = null;
    });
    before(async () => {
      await ensureSim();
      if (backend.create) await backend.create(orig);
      execFileSync(process.execPath, [join(ROOT, 'scripts/seed.mjs')], { env: childEnv({ ...backend.env(orig), ROSTER_SIZE: '2000' }), stdio: 'ignore' });
      original = await dump(backend, orig);
    });

    test('a dry run changes nothing', async () => {
      await backend.copy(orig, 'mf_dry');
      const before = checksum(await dump(backend, 'mf_dry'));
      const r = migrate(backend, 'mf_dry', ['move-payloads', '--dry-run']);
      assert.equal(r.changed, 167);
      const b = migrate(backend, 'mf_dry', ['backfill-user-ids', '--dry-run', '--limit', '300']);
      assert.ok(b.fromLegacy > 0 && b.fromLookup > 0 && b.apiCalls === 0, JSON.stringify(b));
      assert.equal(checksum(await dump(backend, 'mf_dry')), before);
    });

    test('moving payloads: counts, 90%+ fewer notes bytes, every payload kept byte-equal, idempotent, rollback exact', async () => {
      await backend.copy(orig, 'mf_full');
      const r = migrate(backend, 'mf_full', ['move-payloads']);
      assert.equal(r.rowsSeen, 2000);
      assert.equal(r.changed, 167);
      assert.equal(r.payloadsMoved, 167);
      assert.equal(r.skipped['malformed notes (left untouched)'] ?? 0, 166);
      const sumBytes = (m) => [...m.values()].reduce((n, t) => n + Buffer.byteLength(t ?? ''), 0);
      const after = await dump(backend, 'mf_full');
      const reduction = 1 - sumBytes(after.notes) / sumBytes(original.notes);
      assert.ok(reduction >= 0.9, `notes bytes reduced by ${(reduction * 100).toFixed(1)}%`);
      // Every removed payload is in the cache table, equal as JSON.
      let checked = 0;
      for (const [id, text] of original.notes) {
        if (!text || !text.includes('cached_payload')) continue;
        const before = JSON.parse(text);
        const now = JSON.parse(after.notes.get(id));
        for (const [p, e] of Object.entries(before.modash_data?.platforms ?? {})) {
          if (!e.cached_payload) continue;
          const cacheId = now.modash_data.platforms[p].cache_id;
          assert.deepEqual(JSON.parse(after.cache.get(cacheId)), e.cached_payload, `influencer ${id} ${p}`);
          assert.equal(now.modash_data.platforms[p].cached_payload, undefined);
          checked++;
        }
      }
      assert.equal(checked, 167);
      // Malformed rows untouched.
      for (const [id, text] of original.notes) if (text && !text.startsWith('{') && !text.startsWith('null')) assert.equal(after.notes.get(id), text);
      // A second run changes nothing.
      const again = migrate(backend, 'mf_full', ['move-payloads']);
      assert.equal(again.changed, 0);
      assert.equal(checksum(await dump(backend, 'mf_full')), checksum(after));
      // Rollback restores every row's notes exactly, and removes the cache rows it made.
      const rb = migrate(backend, 'mf_full', ['move-payloads', '--rollback']);
      assert.equal(rb.restored, 167);
      const restored = await dump(backend, 'mf_full');
      assert.deepEqual([...restored.notes], [...original.notes]);
      assert.deepEqual([...restored.cache.keys()], [...original.cache.keys()]);
      assert.equal(Number(restored.backups), 0);
    });

    test('payload text moves byte for byte; a rollback skips (and names) a row refreshed since', async () => {
      await backend.copy(orig, 'mf_exact');
      const payload = '{"exact":{"big":12345678901234567890,"huge":1e400,"negz":-0,"dec":1.50,"e":"\\u00e9"},"profile":{"userId":"777","followers":5}}';
      const notes = `{"crm":{"owner":"sam"},"modash_data":{"platforms":{"instagram":{"userId":"777","cached_payload":${payload}}}}}`;
      // On PostgreSQL notes are jsonb: the payload's text is PostgreSQL's own text of that value.
      const [want, notesBefore] = await withStore(backend, 'mf_exact', async (s) => {
        await rows(s, sql`UPDATE influencers SET notes = ${s.notesValue(notes)} WHERE id = 1`);
        const text = (await row(s, sql`SELECT ${s.notesText} AS n FROM influencers WHERE id = 1`)).n;
        if (s.kind !== 'postgres') return [payload, text];
        return [
          (await row(s, sql`SELECT (notes->'modash_data'->'platforms'->'instagram'->'cached_payload')::text AS t FROM influencers WHERE id = 1`)).t,
          text,
        ];
      });
      const r = migrate(backend, 'mf_exact', ['move-payloads']);
      assert.equal(r.changed, 168);
      const after = await dump(backend, 'mf_exact');
      const cacheId = JSON.parse(after.notes.get(1)).modash_data.platforms.instagram.cache_id;
      assert.equal(after.cache.get(cacheId), want, 'the cache row holds the payload text byte for byte');
      if (backend.name === 'sqlite') assert.ok(after.cache.get(cacheId).includes('12345678901234567890,"huge":1e400,"negz":-0,"dec":1.50,"e":"\\u00e9"'));
      // Every other moved payload too: the exact slice of its notes text.
      for (const [id, text] of original.notes) {
        if (!text || !text.includes('cached_payload') || id === 1) continue;
        for (const [p, e] of Object.entries(JSON.parse(text).modash_data?.platforms ?? {})) {
          if (!e.cached_payload) continue;
          const stored = after.cache.get(JSON.parse(after.notes.get(id)).modash_data.platforms[p].cache_id);
          assert.ok(text.includes(stored), `influencer ${id} ${p}: the stored payload is a slice of the notes text`);
        }
      }
      // A refresh of influencer 1 after the migration (the route's write: mergeAnalytics).
      const refreshed = await withStore(backend, 'mf_exact', async (s) => {
        const cur = (await row(s, sql`SELECT ${s.notesText} AS n FROM influencers WHERE id = 1`)).n;
        const m = mf.mergeAnalytics(cur, 'instagram', { userId: '777', followers: 6 }, { refreshedBy: 'refresh-test', cacheId: cacheId });
        await rows(s, sql`UPDATE influencers SET notes = ${s.notesValue(m.notes)} WHERE id = 1`);
        return (await row(s, sql`SELECT ${s.notesText} AS n FROM influencers WHERE id = 1`)).n;
      });
      const rb = migrate(backend, 'mf_exact', ['move-payloads', '--rollback']);
      assert.deepEqual(rb.skippedChanged, [1], 'the refreshed row is named');
      assert.equal(rb.restored, 167);
      const back = await dump(backend, 'mf_exact');
      assert.equal(back.notes.get(1), refreshed, 'the refresh survives the rollback');
      for (const [id, text] of original.notes) if (id !== 1) assert.equal(back.notes.get(id), text, `row ${id} restored`);
      assert.equal(back.cache.get(cacheId), want, 'the cache row the refreshed notes point to is kept');
      // --force restores it anyway.
      const forced = migrate(backend, 'mf_exact', ['move-payloads', '--rollback', '--force']);
      assert.equal(forced.restored, 1);
      assert.equal((await dump(backend, 'mf_exact')).notes.get(1), notesBefore);
    });

    test('killed with SIGKILL mid-run, a re-run ends row for row like an uninterrupted run', async () => {
      await backend.copy(orig, 'mf_ref');
      migrate(backend, 'mf_ref', ['move-payloads']);
      await backend.copy(orig, 'mf_kill');
      const child = spawn(process.execPath, [join(ROOT, 'scripts/migrate.mjs'), 'move-payloads', '--batch', '50'], {
        env: childEnv({ ...backend.env('mf_kill'), MIGRATE_ROW_DELAY_MS: '2' }),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise((resolve) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (/batch 5 done/.test(out)) {
            child.kill('SIGKILL');
          }
        });
        child.on('exit', resolve);
      });
      assert.equal(child.signalCode, 'SIGKILL', 'the run was killed');
      const partial = await dump(backend, 'mf_kill');
      const ref = await dump(backend, 'mf_ref');
      // Every row is wholly old or wholly new.
      const rOrig = resolved(original),
        rRef = resolved(ref),
        rPartial = resolved(partial);
      let newRows = 0;
      for (const [id, t] of rPartial) {
        if (t === rRef.get(id) && t !== rOrig.get(id)) newRows++;
        else assert.equal(t, rOrig.get(id), `row ${id} is neither old nor new`);
      }
      assert.ok(newRows > 0 && newRows < 167, `${newRows} rows were migrated before the kill`);
      const r = migrate(backend, 'mf_kill', ['move-payloads']);
      assert.equal(r.changed, 167 - newRows);
      const done = await dump(backend, 'mf_kill');
      assert.deepEqual([...resolved(done)], [...rRef], 'row for row the same result, no payload lost');
    });

    test('backfill: no API call where the legacy rule covers a row, the rate is kept, 404s recorded once', async () => {
      await backend.copy(orig, 'mf_backfill');
      // Influencer 6 (username only) gets an account Modash does not know.
      await withStore(backend, 'mf_backfill', (s) => rows(s, sql`UPDATE influencer_platforms SET username = 'ghost.user.404' WHERE influencer_id = 6`));
      await ensureSim();
      await fetch(`${SIM}/__sim/reset`, { method: 'POST' });
      // Under Modash's 10 lookups a second (the simulated service answers 429 past it).
      const rate = 8;
      // The team's shared gate for lookups is set to the same pace here (the app's default is 7.5 a second).
      const pace = { MODASH_LOOKUP_RPS: String(rate), MODASH_GATE_BURST: '1' };
      const r = migrate(backend, 'mf_backfill', ['backfill-user-ids', '--limit', '300', '--rate', String(rate)], pace);
      const stats = await (await fetch(`${SIM}/__sim/stats`)).json();
      assert.equal(stats.lookup, r.apiCalls, 'every API call counted by the service');
      // Every call is in the app's call log too (the metrics page), through the app's transport (lib/modash-http.mjs).
      const callLog = await withStore(backend, 'mf_backfill', (s) =>
        rows(s, sql`SELECT status FROM modash_calls WHERE staff = 'backfill' AND kind = 'lookup'`),
      );
      assert.equal(callLog.length, stats.lookup, 'every backfill lookup logged');
      // Searches that found only look-alikes (goneFromModash) are recorded, not stored.
      const noExact = r.skipped['no exact match on Modash (recorded)'] ?? 0;
      assert.ok(noExact >= 2, JSON.stringify(r.skipped));
      assert.equal(r.fromLookup + 1 + noExact, stats.lookup, 'one lookup per row without an id, plus the 404 and the look-alike-only searches');
      const logged = await withStore(backend, 'mf_backfill', (s) =>
        rows(s, sql`SELECT influencer_id AS id, detail FROM modash_backfill_log WHERE status = 'no-exact-match'`),
      );
      assert.equal(logged.length, noExact);
      for (const l of logged) {
        assert.ok(goneFromModash(l.id - 1), `influencer ${l.id}`);
        const d = JSON.parse(l.detail);
        assert.deepEqual(d.closest, [`${d.username}_fanpage`, `${d.username}.official`], 'closest first (edit distance)');
      }
      // Every id found by a search is the account with exactly that username, never the
      // look-alike with more followers that the search lists first.
      const stored = await withStore(backend, 'mf_backfill', (s) =>
        rows(
          s,
          sql`SELECT ip.influencer_id AS id, ip.platform, ${notesTextOf(s, 'i.notes')} AS notes FROM modash_backfill_log l JOIN influencer_platforms ip ON ip.id = l.influencer_platform_id JOIN influencers i ON i.id = ip.influencer_id WHERE l.status = 'stored' AND l.detail = 'lookup'`,
        ),
      );
      assert.equal(stored.length, r.fromLookup);
      for (const row of stored) {
        if (row.id === 6) continue; // renamed above
        assert.equal(
          JSON.parse(row.notes).modash_data.platforms[row.platform].userId,
          account(row.id - 1, row.platform).userId,
          `influencer ${row.id} ${row.platform}`,
        );
      }
      assert.ok(r.fromLegacy > 0);
      assert.equal(stats.report, 0);
      // The legacy-covered rows never reached the service.
      const legacyCovered = await withStore(backend, 'mf_backfill', (s) =>
        rows(
          s,
          sql`SELECT ip.username FROM influencer_platforms ip WHERE ip.influencer_id % 12 IN (3, 4) OR (ip.influencer_id % 12 = 5 AND ip.platform = 'tiktok')`,
        ),
      );
      const looked = new Set(stats.log.map((c) => c.key));
      for (const { username } of legacyCovered) assert.ok(!looked.has(username), `${username} was looked up`);
      // The rate, from the service's own timestamps.
      const at = stats.log.map((c) => c.at);
      // (The gate admits at most burst + rate in any second; network jitter can bring two arrivals
      // closer than 1/rate, so the check is on windows and on the average, not on each gap.)
      for (let i = 0; i < at.length; i++) {
        const inWindow = at.filter((t) => t >= at[i] && t < at[i] + 1000).length;
        assert.ok(inWindow <= 1 + rate, `${inWindow} lookups within 1 s from lookup ${i}`);
      }
      assert.ok(at.at(-1) - at[0] >= (at.length - 1) * (1000 / rate) - 50, `${at.length} lookups in ${at.at(-1) - at[0]} ms`);
      assert.equal(r.skipped['not found on Modash (recorded)'], 1);
      // Stored ids claim no freshness; a second run calls nothing.
      // Influencer 11 (CRM notes only) got both ids by lookup: no freshness claimed.
      const n11 = await withStore(backend, 'mf_backfill', (s) => row(s, sql`SELECT ${s.notesText} AS n FROM influencers WHERE id = 11`));
      assert.match(n11.n, /"instagram":\s*\{"userId":\s*"\d+"/);
      assert.ok(!/last_refreshed/.test(n11.n), n11.n);
      await fetch(`${SIM}/__sim/reset`, { method: 'POST' });
      const again = migrate(backend, 'mf_backfill', ['backfill-user-ids', '--limit', '300', '--rate', String(rate)], pace);
      assert.equal(again.apiCalls, 0);
      assert.equal(again.changed, 0);
      assert.equal(again.skipped['not found on Modash (recorded earlier)'], 1);
      assert.equal(again.skipped['no exact match on Modash (recorded earlier)'], noExact);

      // Rollback: every changed row gets its previous notes back, except one changed since.
      const refreshed = await withStore(backend, 'mf_backfill', async (s) => {
        const cur = (await row(s, sql`SELECT ${s.notesText} AS n FROM influencers WHERE id = 11`)).n;
        const m = mf.mergeAnalytics(cur, 'instagram', { followers: 42 }, { refreshedBy: 'refresh-test' });
        await rows(s, sql`UPDATE influencers SET notes = ${s.notesValue(m.notes)} WHERE id = 11`);
        return (await row(s, sql`SELECT ${s.notesText} AS n FROM influencers WHERE id = 11`)).n;
      });
      const rb = migrate(backend, 'mf_backfill', ['backfill-user-ids', '--rollback']);
      assert.deepEqual([...new Set(rb.skippedChanged)], [11], JSON.stringify(rb));
      assert.equal(rb.restored, r.changed - rb.skippedChanged.length);
      const back = await dump(backend, 'mf_backfill');
      assert.equal(back.notes.get(11), refreshed, 'the refresh survives');
      for (const [id, text] of original.notes) if (id !== 11) assert.equal(back.notes.get(id), text, `row ${id} restored`);
    });

    if (backend.name === 'postgres') {
      test('seeding never empties a PostgreSQL database it was not told to by name', async () => {
        const count = () => withStore(backend, orig, async (s) => Number((await row(s, sql`SELECT COUNT(*) AS n FROM influencers`)).n));
        const before = await count();
        const seed = (args) =>
          spawnSync(process.execPath, [join(ROOT, 'scripts/seed.mjs'), ...args], { env: childEnv({ ...backend.env(orig) }), encoding: 'utf8' });
        let r = seed([]);
        assert.equal(r.status, 0);
        assert.match(r.stdout, /already holds 2000 influencers: kept/);
        for (const args of [['--reset'], ['--reset=postgres']]) {
          r = seed(args);
          assert.equal(r.status, 2, args.join(' '));
          assert.match(r.stderr, new RegExp(`--reset=${orig}`));
        }
        r = spawnSync(process.execPath, [join(ROOT, 'scripts/seed.mjs')], { env: childEnv({ ...backend.env(orig), SEED_RESET: '1' }), encoding: 'utf8' });
        assert.equal(r.status, 2, 'SEED_RESET=1 must name the database too');
        assert.equal(await count(), before, 'nothing emptied');
      });
    }
  });
}
