// Tests what the browser package (pkg/, the bundler build) ships, from its files: the browser
// entry leaves the server's exports out, and the JS helpers stay in a few snippet modules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';

const PKG = new URL('../../pkg/', import.meta.url);
const exported = (file) => {
  const js = readFileSync(new URL(file, PKG), 'utf8');
  // The entry re-exports the glue's names (minified: `export{o as RequestGate,…}`).
  return new Set([...js.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((s) => s.trim().split(/\s+as\s+/).pop())));
};
const snippets = (dir) => readdirSync(new URL(dir, PKG), { recursive: true }).filter((f) => String(f).endsWith('.js'));

test('the browser entry has the client API and leaves the server-only exports out', () => {
  const browser = exported('modash_flow.js');
  for (const name of ['resolveUserId', 'notesEntry', 'analyticsProgress', 'analyticsProgressBatch', 'cacheAgeLabel', 'normalizePlatform',
    'resolveTtl', 'isFresh', 'parseTimestamp', 'parseTimestamps', 'ttlConfigFromEnv', 'retryRequest', 'createRequestGate', 'parseRetryAfter', 'knownPlatforms']) {
    assert.ok(browser.has(name), `modash-flow exports ${name}`);
  }
  for (const name of ['pickExactMatch', 'inRollout', 'rolloutBucket', 'mergeAnalytics', 'slimNotes', 'gateStep']) {
    assert.ok(!browser.has(name), `modash-flow leaves ${name} to modash-flow/server`);
  }
  const server = exported('server/modash_flow.js');
  for (const name of ['pickExactMatch', 'inRollout', 'mergeAnalytics', 'slimNotes', 'gateStep', 'resolveUserId', 'parseRetryAfter', 'knownPlatforms']) {
    assert.ok(server.has(name), `modash-flow/server exports ${name}`);
  }
});

test('the JS helpers stay in a few snippet modules', () => {
  // Each snippet (a file of src/wasm/js/) is one more module a page loads. Helpers go into
  // values.js: with six snippets the wasm-bindgen-test-runner's Chromium page stalled loading
  // them (in one run of two to six), which looked like a frozen test.
  assert.deepEqual(snippets('snippets/').map((f) => String(f).split('/').pop()).sort(), ['notes.js', 'values.js'], 'pkg/');
  assert.deepEqual(snippets('server/snippets/').map((f) => String(f).split('/').pop()).sort(), ['notes.js', 'values.js', 'write.js'], 'pkg/server/');
});

test('the browser package as shipped (minified, imports renamed) loads and answers', () => {
  // Node loads the bundler build's `import * as wasm from './modash_flow_bg.wasm'` with its
  // ES module integration for wasm, as a bundler would.
  const script = `
    const m = await import(${JSON.stringify(new URL('modash_flow.js', PKG).href)});
    const out = [m.resolveUserId({ modash_data: { platforms: { tiktok: { userId: ' 1 ' } } } }, 'tt').userId,
      m.resolveUserId('{"modash_data":{"platforms":{"tiktok":{"userId":"2"}}}}', 'tt').userId,
      m.analyticsProgress({ modash_data: { platforms: { tiktok: { userId: '1', last_refreshed: 0 } } } }, ['tt', 'x'], { now: 3600e3 }).tooltip,
      m.cacheAgeLabel(0, { now: 7200e3 }), m.normalizePlatform(' IG ')];
    try { m.normalizePlatform('nope'); } catch (e) { out.push(e.code); }
    out.push((await m.retryRequest(async () => ({ ok: true, status: 200, headers: { get: () => null } }))).success);
    out.push((await m.createRequestGate().run('k', () => 7)).data);
    console.log(JSON.stringify(out));`;
  const out = execFileSync(process.execPath, ['--experimental-wasm-modules', '--no-warnings', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), ['1', '2', 'Analytics synced for 1/2 platform(s) (refreshed 1h ago)', '2h ago', 'instagram', 'UNSUPPORTED_PLATFORM', true, 7]);
});

test('the Node build loads without a warning (its snippets are declared ES modules)', () => {
  // notes.js imports values.js: without the package.json beside them Node guesses each file's
  // type and prints MODULE_TYPELESS_PACKAGE_JSON on every process start of a script.
  const r = spawnSync(process.execPath, ['-e', "console.log(require('./pkg-node/modash_flow.js').analyticsProgressBatch([{ notes: '{}', platforms: ['ig'] }])[0].label)"], {
    cwd: new URL('../..', import.meta.url), encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '0/1\n');
  assert.equal(r.stderr, '');
});
