// Staff only, validated input, no internals leaked, bounded upstream calls: node:test against
// real `next start` and the simulated Modash service, asserting on the service's counters.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import { ROOT } from '../lib/procs.mjs';
import { CASES } from '../lib/roster-data.mjs';
import { OTHER_STAFF, sessionCookie, STAFF, staffFetch, startStack } from './helpers.mjs';

const TIMEOUT_MS = 1500;
let stack, api, cookie, APP, DB, sim;
const idOf = (kase, nth = 0) => CASES.indexOf(kase) + 1 + nth * CASES.length;
/** Every row the app can write, as one text: "nothing written" is this staying the same. */
const snapshot = () => {
  const d = new Database(DB, { readonly: true });
  try {
    return JSON.stringify([
      d.prepare('SELECT id, notes FROM influencers ORDER BY id').all(),
      d.prepare('SELECT id, payload FROM modash_profile_cache ORDER BY id').all(),
    ]);
  } finally {
    d.close();
  }
};
const calls = async () => {
  const s = await sim.stats();
  return s.report + s.lookup;
};

before(async () => {
  stack = await startStack({
    name: 'auth-test',
    appPort: 3224,
    simPort: 4224,
    rosterSize: 24,
    simEnv: { MODASH_SIM_LATENCY: '0.02' },
    appEnv: { MODASH_TIMEOUT_MS: String(TIMEOUT_MS) },
  });
  ({ APP, DB, sim } = stack);
  cookie = await sessionCookie(APP);
  api = staffFetch(APP, cookie);
});

after(() => stack?.stop());

/** Every API route of the app, found on disk, with a request that would succeed when signed in. */
function apiRoutes() {
  const dir = join(ROOT, 'app', 'api');
  const found = [];
  (function walk(d) {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      if (f.isDirectory()) walk(join(d, f.name));
      else if (f.name === 'route.ts') found.push('/' + relative(join(ROOT, 'app'), d).replaceAll('\\', '/'));
    }
  })(dir);
  return found;
}
const SAMPLE = {
  '/api/roster': { method: 'GET', path: '/api/roster?pageSize=500' },
  '/api/roster/ids': { method: 'GET', path: '/api/roster/ids?state=stale' },
  '/api/roster/rows': { method: 'GET', path: '/api/roster/rows?ids=1,2' },
  '/api/roster/[id]/refresh-analytics': { method: 'POST', path: `/api/roster/${idOf('stale')}/refresh-analytics`, body: { platform: 'instagram' } },
  '/api/modash/cache/[id]': { method: 'GET', path: '/api/modash/cache/1' },
  '/api/roster/batches': { method: 'POST', path: '/api/roster/batches', body: { items: [{ id: 1, platform: 'instagram' }] } },
  '/api/roster/batches/[id]/cancel': { method: 'POST', path: '/api/roster/batches/1/cancel', body: {} },
  '/api/roster/batches/[id]/dismiss': { method: 'POST', path: '/api/roster/batches/1/dismiss', body: {} },
  '/api/modash/status': { method: 'GET', path: '/api/modash/status' },
  '/api/metrics/panel-open': {
    method: 'POST',
    path: '/api/metrics/panel-open',
    body: { influencerId: 1, platform: 'instagram', firstDataMs: 1, freshDataMs: 1, source: 'cache', lookup: false, outcome: 'fresh' },
  },
};
const PUBLIC = new Set(['/api/auth/login', '/api/auth/logout']);

test('without a session: every API route answers 401 JSON, every staff page redirects to sign-in, Modash is never called', async () => {
  await sim.reset();
  const routes = apiRoutes().filter((r) => !PUBLIC.has(r));
  assert.deepEqual(routes.sort(), Object.keys(SAMPLE).sort(), 'every route has a sample request here');
  const before = snapshot();
  for (const r of routes) {
    const s = SAMPLE[r];
    for (const extra of [{}, { Cookie: 'mf_session=Fe26.2*1*forged*cookie' }]) {
      const res = await fetch(`${APP}${s.path}`, {
        method: s.method,
        headers: { ...extra, ...(s.body ? { 'Content-Type': 'application/json', Origin: APP } : {}) },
        body: s.body ? JSON.stringify(s.body) : undefined,
      });
      assert.equal(res.status, 401, `${s.method} ${s.path} ${JSON.stringify(extra)}`);
      assert.equal((await res.json()).code, 'UNAUTHENTICATED');
    }
  }
  for (const page of ['/staff/roster', '/staff/roster?page=2']) {
    const res = await fetch(`${APP}${page}`, { redirect: 'manual' });
    assert.ok([302, 303, 307, 308].includes(res.status), `${page}: ${res.status}`);
    const to = new URL(res.headers.get('location'), APP);
    assert.equal(to.pathname, '/login');
    assert.equal(to.searchParams.get('next'), page);
  }
  assert.equal(await calls(), 0);
  assert.equal(snapshot(), before);
});

test('signing in: a wrong password is 401; the cookie is HttpOnly, SameSite=Lax, Secure behind https; sign-out ends it', async () => {
  const bad = await fetch(`${APP}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: APP },
    body: JSON.stringify({ ...STAFF, password: 'nope' }),
  });
  assert.equal(bad.status, 401);
  assert.equal((await bad.json()).code, 'BAD_CREDENTIALS');
  assert.equal(bad.headers.get('set-cookie'), null);
  const ok = await fetch(`${APP}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: APP },
    body: JSON.stringify(STAFF),
  });
  const flags = ok.headers.get('set-cookie');
  assert.match(flags, /^mf_session=Fe26\.2\*/);
  assert.match(flags, /HttpOnly/i);
  assert.match(flags, /SameSite=Lax/i);
  assert.doesNotMatch(flags, /Secure/i, 'plain http on 127.0.0.1');
  const https = await fetch(`${APP}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: APP, 'X-Forwarded-Proto': 'https' },
    body: JSON.stringify(STAFF),
  });
  assert.match(https.headers.get('set-cookie'), /;\s*Secure/i, 'behind an https proxy');
  const mine = ok.headers.get('set-cookie').split(';')[0];
  assert.equal((await staffFetch(APP, mine)('/api/roster?pageSize=1')).status, 200);
  const out = await staffFetch(APP, mine)('/api/auth/logout', { body: {} });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie'), /mf_session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i);
});

test('refreshed_by is the signed-in staff member', async () => {
  const id = idOf('stale', 1);
  const ben = staffFetch(APP, await sessionCookie(APP, OTHER_STAFF));
  const r = await ben(`/api/roster/${id}/refresh-analytics`, { body: { platform: 'instagram' } });
  assert.equal(r.status, 200);
  assert.equal(JSON.parse((await r.json()).notes).modash_data.platforms.instagram.refreshed_by, OTHER_STAFF.email);
});

test('a write from another origin, without an Origin, or not as JSON is 403, even with a valid session', async () => {
  await sim.reset();
  const before = snapshot();
  const path = `/api/roster/${idOf('stale')}/refresh-analytics`;
  for (const headers of [
    { Origin: 'https://evil.example' },
    { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' },
    { Origin: 'null' },
    { Origin: APP, 'Sec-Fetch-Site': 'same-site' },
    { 'Content-Type': 'text/plain' },
  ]) {
    const res = await api(path, { body: { platform: 'instagram' }, headers });
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.match((await res.json()).code, /^(CROSS_ORIGIN|NOT_JSON)$/);
  }
  // No Origin and no Sec-Fetch-Site at all (a script): refused too.
  const bare = await fetch(`${APP}${path}`, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/json' },
    body: '{"platform":"instagram"}',
  });
  assert.equal(bare.status, 403);
  const login = await fetch(`${APP}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' },
    body: JSON.stringify(STAFF),
  });
  assert.equal(login.status, 403, 'no login from another site either');
  assert.equal(await calls(), 0);
  assert.equal(snapshot(), before);
});

test('bad input is 400 with a code, never reaches Modash or the store, and leaks nothing', async () => {
  await sim.reset();
  const before = snapshot();
  const refresh = `/api/roster/${idOf('stale')}/refresh-analytics`;
  const cases = [
    [refresh, 'null', 'INVALID_INPUT'],
    [refresh, '"garbage"', 'INVALID_INPUT'],
    [refresh, 'garbage', 'INVALID_JSON'],
    [refresh, '{}', 'INVALID_INPUT'],
    [refresh, '[]', 'INVALID_INPUT'],
    [refresh, JSON.stringify({ platform: 'x'.repeat(2 * 1024 * 1024) }), 'BODY_TOO_LARGE'],
    [refresh, '{"platform":"snapchat"}', 'UNSUPPORTED_PLATFORM'],
    [refresh, '{"platform":"instagram","force":"yes"}', 'INVALID_INPUT'],
    [refresh, '{"platform":"instagram","extra":1}', 'INVALID_INPUT'],
    ['/api/roster/abc/refresh-analytics', '{"platform":"instagram"}', 'INVALID_INPUT'],
    ['/api/roster/1.5/refresh-analytics', '{"platform":"instagram"}', 'INVALID_INPUT'],
    ['/api/roster/-1/refresh-analytics', '{"platform":"instagram"}', 'INVALID_INPUT'],
    ['/api/roster/batches', '{"items":[{"id":1,"platform":"snapchat"}]}', 'UNSUPPORTED_PLATFORM'],
    ['/api/roster/batches', '{"items":[{"id":"1","platform":"instagram"}]}', 'INVALID_INPUT'],
    ['/api/roster/batches', '{"items":[]}', 'EMPTY_BATCH'],
    ['/api/roster/batches', JSON.stringify({ items: Array.from({ length: 20001 }, (_, k) => ({ id: k + 1, platform: 'instagram' })) }), 'BATCH_TOO_LARGE'],
    ['/api/roster/batches/x/cancel', '{}', 'INVALID_INPUT'],
  ];
  for (const [path, body, code] of cases) {
    const res = await api(path, { body });
    const json = await res.json();
    assert.equal(res.status, 400, `${path} ${body.slice(0, 60)}: ${JSON.stringify(json)}`);
    assert.equal(json.code, code, `${path} ${body.slice(0, 60)}`);
    assert.equal(typeof json.error, 'string');
    assert.doesNotMatch(json.error, /SQLITE|at \w+ \(|\/work\/|node_modules/);
  }
  for (const q of ['pageSize=1.5', 'pageSize=500', 'pageSize=0', 'page=abc', 'page=-2', 'pageSize=1e3']) {
    const res = await api(`/api/roster?${q}`);
    assert.equal(res.status, 400, q);
    assert.equal((await res.json()).code, 'INVALID_INPUT', q);
  }
  for (const id of ['abc', '0', '1.5', '99999999999']) {
    const res = await api(`/api/modash/cache/${id}`);
    assert.equal(res.status, 400, id);
  }
  assert.equal(await calls(), 0, 'no Modash call');
  assert.equal(snapshot(), before, 'nothing written');
});

test('a stored userId that is not a Modash id (`..`) is refused before any call', async () => {
  const id = idOf('stale', 1);
  const db = new Database(DB);
  const notes = JSON.parse(db.prepare('SELECT notes FROM influencers WHERE id = ?').get(id).notes);
  notes.modash_data.platforms.instagram.userId = '..';
  db.prepare('UPDATE influencers SET notes = ? WHERE id = ?').run(JSON.stringify(notes), id);
  db.close();
  await sim.reset();
  const res = await api(`/api/roster/${id}/refresh-analytics`, { body: { platform: 'instagram' } });
  assert.equal(res.status, 422);
  assert.equal((await res.json()).code, 'INVALID_STORED_USER_ID');
  assert.equal(await calls(), 0);
});

test("Modash refusing the server's key is 502 UPSTREAM_AUTH, without Modash's words", async () => {
  await sim.config({ authStatus: 403 });
  try {
    for (const status of [403, 401]) {
      await sim.config({ authStatus: status });
      const res = await api(`/api/roster/${idOf('fresh-no-cache')}/refresh-analytics`, { body: { platform: 'instagram', force: true } });
      const json = await res.json();
      assert.equal(res.status, 502);
      assert.equal(json.code, 'UPSTREAM_AUTH');
      assert.equal(json.error, "The server's Modash key was refused");
      assert.doesNotMatch(JSON.stringify(json), /token|internal detail/);
    }
  } finally {
    await sim.config({ authStatus: 0 });
  }
});

test('a Modash that never answers is 504 UPSTREAM_TIMEOUT within the timeout', async () => {
  await sim.config({ hang: true });
  try {
    const t0 = Date.now();
    const res = await api(`/api/roster/${idOf('fresh-no-cache', 1)}/refresh-analytics`, { body: { platform: 'instagram', force: true } });
    const ms = Date.now() - t0;
    assert.equal(res.status, 504);
    assert.equal((await res.json()).code, 'UPSTREAM_TIMEOUT');
    assert.ok(ms >= TIMEOUT_MS - 50 && ms < TIMEOUT_MS + 5000, `${ms} ms`);
  } finally {
    await sim.config({ hang: false });
  }
});
