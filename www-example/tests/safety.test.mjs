// Operations that never destroy or alter data, against real `next start`, the simulated
// Modash service and SQLite: a report stored byte for byte as Modash sent it, a paid report
// kept when its notes write fails, a pruned (not endless) cache table, a capped Retry-After,
// and a main command whose restart keeps the staff's work.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { childEnv } from '../lib/config.mjs';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ROOT } from '../lib/procs.mjs';
import { AUTH_ENV, sessionCookie, staffFetch, startStack } from './helpers.mjs';
import { account, CASES } from '../lib/roster-data.mjs';
import { EXACT_FIELDS, reportText } from '../scripts/modash-sim.mjs';

let stack, APP, DB, sim;
const idOf = (kase, nth = 0) => CASES.indexOf(kase) + 1 + nth * CASES.length;
const db = () => new Database(DB);
let api;
/** The deliberate "refresh now" (force): a report each time, fresh or not. */
const refresh = (id, platform = 'instagram') => api(`/api/roster/${id}/refresh-analytics`, { body: { platform, force: true } });

before(async () => {
  stack = await startStack({ name: 'safety-test', appPort: 3222, simPort: 4222, rosterSize: 48, simEnv: { MODASH_SIM_LATENCY: '0.02' } });
  ({ APP, DB, sim } = stack);
  api = staffFetch(APP, await sessionCookie(APP));
});

after(() => stack?.stop());

test('a refresh stores the report exactly as Modash sent it (big numbers, 1e400, -0, 1.50, escapes)', async () => {
  const id = idOf('stale');
  const r = await refresh(id);
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  const row = db().prepare('SELECT payload FROM modash_profile_cache WHERE id = ?').get(Number(body.cacheId));
  assert.ok(row.payload.includes(EXACT_FIELDS), 'the exact bytes are there');
  assert.equal(row.payload, reportText(account(id - 1, 'instagram')), 'the whole body, byte for byte');
  // And the cache route serves those bytes as they are.
  const served = await (await api(`/api/modash/cache/${body.cacheId}`)).text();
  assert.ok(served.includes(EXACT_FIELDS));
});

test('the cache table keeps the newest three rows per platform, never the one notes point to', async () => {
  const id = idOf('stale', 1);
  const ip = db().prepare("SELECT id FROM influencer_platforms WHERE influencer_id = ? AND platform = 'instagram'").get(id).id;
  let last;
  for (let k = 0; k < 5; k++) {
    const r = await refresh(id);
    last = await r.json();
    assert.equal(r.status, 200);
  }
  const rows = db()
    .prepare('SELECT id FROM modash_profile_cache WHERE influencer_platform_id = ? ORDER BY id')
    .all(ip)
    .map((r) => r.id);
  assert.equal(rows.length, 3, `rows kept: ${rows}`);
  assert.equal(rows.at(-1), Number(last.cacheId));
  const notes = JSON.parse(db().prepare('SELECT notes FROM influencers WHERE id = ?').get(id).notes);
  assert.equal(notes.modash_data.platforms.instagram.cache_id, last.cacheId);
});

test('a report whose notes write fails is kept in the cache table, answered, and used by the next refresh', async () => {
  const id = idOf('stale', 2);
  const before = db().prepare('SELECT notes FROM influencers WHERE id = ?').get(id).notes;
  // A writer that refuses this row's notes update (as a failing concurrent migration would).
  db().exec(`CREATE TRIGGER refuse_notes BEFORE UPDATE OF notes ON influencers WHEN NEW.id = ${id} BEGIN SELECT RAISE(ABORT, 'locked by the test'); END`);
  await sim.reset();
  let r = await refresh(id);
  let body = await r.json();
  db().exec('DROP TRIGGER refuse_notes');
  assert.equal(r.status, 200, JSON.stringify(body));
  assert.equal(body.notesWritten, false);
  assert.equal(body.profile.userId, account(id - 1, 'instagram').userId, 'answered with the fetched report');
  assert.equal(db().prepare('SELECT notes FROM influencers WHERE id = ?').get(id).notes, before, 'notes untouched');
  const kept = db().prepare('SELECT payload FROM modash_profile_cache WHERE id = ?').get(Number(body.cacheId));
  assert.ok(kept?.payload.includes(EXACT_FIELDS), 'the paid report is in the cache table');
  assert.equal((await sim.stats()).report, 1);
  // The next refresh writes notes from that report without paying again.
  r = await refresh(id);
  body = await r.json();
  assert.equal(r.status, 200);
  assert.equal(body.notesWritten, true);
  assert.equal(body.fromEarlierFetch, true);
  assert.equal((await sim.stats()).report, 1, 'no second Modash call');
  assert.equal(JSON.parse(db().prepare('SELECT notes FROM influencers WHERE id = ?').get(id).notes).modash_data.platforms.instagram.cache_id, body.cacheId);
});

test("Modash's Retry-After of three years reaches the browser capped at 60 s", async () => {
  await sim.config({ force429: 20, retryAfter: 99999999 });
  const r = await refresh(idOf('stale', 3));
  await sim.config({ force429: 0, retryAfter: 1 });
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('retry-after'), '60');
});

test('the main command keeps the store across restarts (a refresh made before is still there)', async () => {
  const dir = join(ROOT, 'data', 'main-restart-test');
  const file = join(dir, 'staff.db');
  rmSync(dir, { recursive: true, force: true });
  const env = childEnv({
    SEED_STAFF_PASSWORD: AUTH_ENV.SEED_STAFF_PASSWORD,
    DATABASE_FILE: file,
    ROSTER_SIZE: '24',
    PORT: '3223',
    MODASH_SIM_PORT: '4223',
    MODASH_SIM_LATENCY: '0.02',
    MODASH_SIM_429_RATE: '0',
    REBUILD: '0',
    NEXT_TELEMETRY_DISABLED: '1',
  });
  const runMain = async () => {
    const child = spawn(process.execPath, ['scripts/main.mjs'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const t0 = Date.now();
    while (!/Staff app ready/.test(out)) {
      if (child.exitCode !== null || Date.now() - t0 > 90000) throw new Error(`main did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { child, out: () => out };
  };
  const stopMain = async ({ child }) => {
    const exited = new Promise((r) => child.on('exit', r));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
    await new Promise((r) => setTimeout(r, 300));
  };
  try {
    let m = await runMain();
    assert.match(m.out(), /\[seed\] 24 influencers/);
    const id = idOf('stale');
    const main = 'http://127.0.0.1:3223';
    const r = await staffFetch(main, await sessionCookie(main))(`/api/roster/${id}/refresh-analytics`, { body: { platform: 'instagram' } });
    const body = await r.json();
    assert.equal(r.status, 200, JSON.stringify(body));
    await stopMain(m);
    m = await runMain();
    assert.match(m.out(), /already holds 24 influencers: kept as they are/);
    const notes = new Database(file, { readonly: true }).prepare('SELECT notes FROM influencers WHERE id = ?').get(id).notes;
    assert.equal(JSON.parse(notes).modash_data.platforms.instagram.cache_id, body.cacheId, 'the refresh survived the restart');
    await stopMain(m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
