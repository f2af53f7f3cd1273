// Each fact once (issue 27): the configuration is one schema, validated at start and served to
// the browser at request time; the schema lives only in the migrations; rules come from the
// module. Real processes: `next start` refusing a bad value, and a TTL change followed by the
// badges after a restart without a rebuild.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { chromium } from 'playwright-core';
import { ConfigError, childEnv, loadConfig, VARIABLES } from '../lib/config.mjs';
import { ROOT } from '../lib/procs.mjs';
import { createRequire } from 'node:module';
import { AUTH_ENV, BROWSER_ARGS, sessionCookie, signedInContext, staffFetch, startStack } from './helpers.mjs';
import { CASES } from '../lib/roster-data.mjs';

const mf = createRequire(import.meta.url)('../../pkg-node/modash_flow.js');
let stack, browser;
after(async () => {
  await browser?.close();
  stack?.stop();
});

test('.env.example and the README table are generated from the schema, and current', () => {
  const out = execFileSync(process.execPath, [join(ROOT, 'scripts/config-docs.mjs'), '--check'], { encoding: 'utf8' });
  assert.match(out, /match lib\/config\.mjs/);
  const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
  for (const name of Object.keys(VARIABLES)) assert.match(example, new RegExp(`^#? ?${name}=`, 'm'), `${name} in .env.example`);
});

test('a bad value is refused naming the variable, the value and what is accepted; all problems at once', () => {
  assert.equal(loadConfig({}, { ttlConfigFromEnv: mf.ttlConfigFromEnv }).MODASH_GATE_RPS, 1.5, 'defaults');
  assert.equal(loadConfig({ MODASH_GATE_CONCURRENCY: '' }).MODASH_GATE_CONCURRENCY, 4, 'an empty value is unset');
  let e;
  try {
    loadConfig(
      { MODASH_GATE_RPS: 'fast', MODASH_GATE_CONCURRENCY: '1.5', PORT: '70000', MODASH_CACHE_TTL_BULK_HOURS: 'soon', DATABASE_URL: 'mysql://x' },
      { ttlConfigFromEnv: mf.ttlConfigFromEnv },
    );
  } catch (x) {
    e = x;
  }
  assert.ok(e instanceof ConfigError, 'throws');
  for (const needle of [
    'MODASH_GATE_RPS="fast": expected a number > 0',
    'MODASH_GATE_CONCURRENCY="1.5": expected a whole number >= 1',
    'PORT="70000": expected a whole number from 1 to 65535',
    'DATABASE_URL="mysql://x"',
    'MODASH_CACHE_TTL_BULK_HOURS',
  ]) {
    assert.ok(e.message.includes(needle), `${needle} in:\n${e.message}`);
  }
  assert.ok(e.message.includes('soon'), 'the TTL problem names the value (the module says it)');
});

test('`next start` with a bad value stops at start, saying which and why', async () => {
  const child = spawn(join(ROOT, 'node_modules/.bin/next'), ['start', '-H', '127.0.0.1', '-p', '3266'], {
    cwd: ROOT,
    env: childEnv({ ...AUTH_ENV, DATABASE_FILE: join(ROOT, 'data', 'config-test.db'), MODASH_GATE_RPS: 'fast', NEXT_TELEMETRY_DISABLED: '1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  // The instance starts the configuration check at once; a first request makes sure it ran.
  const probe = setInterval(() => {
    fetch('http://127.0.0.1:3266/login').catch(() => {});
  }, 500);
  const code = await new Promise((resolve) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('still running after 60 s');
    }, 60_000);
    child.on('exit', (c) => {
      clearTimeout(t);
      resolve(c);
    });
  });
  clearInterval(probe);
  assert.notEqual(code, 0, out);
  assert.notEqual(code, 'still running after 60 s', out);
  assert.match(out, /MODASH_GATE_RPS="fast": expected a number > 0/);
});

/** Files of the app (not tests, fixtures, builds or packages). */
function appFiles(dir = ROOT, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const rel = relative(ROOT, p);
    if (['node_modules', '.next', 'data', 'artifacts', 'tests'].includes(rel.split('/')[0])) continue;
    if (statSync(p).isDirectory()) appFiles(p, out);
    else if (/\.(m?js|tsx?|mts)$/.test(name)) out.push(rel);
  }
  return out;
}

test('each fact once: no DDL outside the migrations, no process.env outside the configuration, no Retry-After parsing outside the module, no platform list, one Modash transport', () => {
  const files = appFiles();
  const where = (re, allowed) => files.filter((f) => !allowed.includes(f) && re.test(readFileSync(join(ROOT, f), 'utf8')));
  assert.deepEqual(where(/CREATE\s+(TABLE|INDEX)|ALTER\s+TABLE/i, ['lib/migrations.mjs']), []);
  assert.deepEqual(where(/process\.env/, ['lib/config.mjs', 'next.config.ts', 'instrumentation.ts']), []);
  // The environment is read raw only to be parsed: environment() is never read by name.
  const rawReads = (text) => (text.match(/environment\(\)/g) ?? []).length - (text.match(/loadConfig\(environment\(\)/g) ?? []).length;
  assert.deepEqual(
    files.filter((f) => f !== 'lib/config.mjs' && !f.endsWith('.d.mts') && rawReads(readFileSync(join(ROOT, f), 'utf8')) > 0),
    [],
  );
  assert.equal(rawReads('const env = environment();\nenv.MODASH_SIM_429_RATE ?? "0.1"'), 1, 'the check sees a raw read (scripts/main.mjs had one)');
  // Retry-After: read with the module's parseRetryAfter (or handed to its retry loop), never by hand.
  assert.deepEqual(where(/Date\.parse\(|Number\(ra\)|retryAfterMs\(/, []), []);
  // Modash is reached one way (its timeout, its call log): the key is sent from one file.
  assert.deepEqual(where(/Bearer \$\{/, ['lib/modash-http.mjs']), [], 'every Modash call through lib/modash-http.mjs');
  assert.deepEqual(where(/\[\s*'instagram',\s*'tiktok',\s*'youtube'\s*\]/, ['lib/roster-data.mjs']), [], 'the platform list comes from knownPlatforms()');
});

test('a TTL changed and the app restarted without a rebuild: the badges and the server follow', async () => {
  const synced = CASES.indexOf('synced-with-cache') + 1; // refreshed 2 h ago, every platform
  stack = await startStack({ name: 'config-ttl', appPort: 3267, simPort: 4267, simEnv: { MODASH_SIM_LATENCY: '0.05' } });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
  const badge = async () => {
    const page = await (await signedInContext(browser, stack.APP)).newPage();
    await page.goto(`${stack.APP}/staff/roster`);
    const text = await page.locator(`[data-testid=badge-${synced}]`).textContent();
    await page.close();
    return text;
  };
  const before = await badge();
  assert.match(before, /^(\d)\/\1$/, `fresh under the default 12 h: ${before}`);
  // One hour: two-hour-old analytics are stale now, for the badges and the server alike.
  await stack.restartApp(0, { MODASH_CACHE_TTL_ROSTER_HOURS: '1' });
  const after1 = await badge();
  assert.match(after1, /^0\//, `stale under a 1 h TTL: ${after1}`);
  const api = staffFetch(stack.APP, await sessionCookie(stack.APP));
  const r = await api(`/api/roster/${synced}/refresh-analytics`, { body: { platform: 'instagram', useCase: 'roster' } });
  assert.equal(r.status, 200);
  assert.equal((await r.json()).source, 'modash', 'the server agrees it is stale and refreshes it');
});
