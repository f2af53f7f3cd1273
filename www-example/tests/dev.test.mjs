// Smoke test under `next dev` (Turbopack): the roster renders with badges computed by the wasm
// module in the browser, and a route handler using the module answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, start, stop, waitForHttp } from '../lib/procs.mjs';
import { AUTH_ENV, sessionCookie, signedInContext, staffFetch } from './helpers.mjs';

const PORT = 3218, SIM_PORT = 4218, DB = join(ROOT, 'data', 'dev-test.db');
let procs = [], browser;

before(async () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/seed.mjs'), '--reset'], { env: { ...process.env, ...AUTH_ENV, DATABASE_FILE: DB, ROSTER_SIZE: '24' }, stdio: 'ignore' });
  procs.push(start('sim', process.execPath, ['scripts/modash-sim.mjs'], { MODASH_SIM_PORT: String(SIM_PORT), MODASH_SIM_LATENCY: '0.05' }, { quiet: true }));
  procs.push(start('next-dev', join(ROOT, 'node_modules/.bin/next'), ['dev', '-H', '127.0.0.1', '-p', String(PORT)], { ...AUTH_ENV, DATABASE_FILE: DB, MODASH_API_BASE: `http://127.0.0.1:${SIM_PORT}` }, { quiet: true }));
  await waitForHttp(`http://127.0.0.1:${SIM_PORT}/__sim/stats`);
  await waitForHttp(`http://127.0.0.1:${PORT}/api/roster?pageSize=1`, 120000);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
});

after(async () => {
  await browser?.close();
  procs.forEach(stop);
  for (const s of ['', '-wal', '-shm']) rmSync(DB + s, { force: true });
  rmSync(DB.replace(/\.db$/, '-credentials.txt'), { force: true });
});

test('next dev: roster badges in the browser and a refresh through a route handler', async () => {
  const APP = `http://127.0.0.1:${PORT}`;
  const page = await (await signedInContext(browser, APP)).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${PORT}/staff/roster`);
  await page.waitForSelector('[data-testid=badge-1]', { timeout: 120000 });
  assert.equal(await page.locator('[data-testid=badge-1]').textContent(), '2/2');
  const r = await staffFetch(APP, await sessionCookie(APP))('/api/roster/6/refresh-analytics', { body: { platform: 'ig' } });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  assert.match(body.notes, /"userId":"\d+"/);
  assert.deepEqual(errors, []);
  await page.close();
});
