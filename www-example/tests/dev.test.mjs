// Smoke test under `next dev` (Turbopack): the roster renders with badges computed by the wasm
// module in the browser, and a route handler using the module answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { BROWSER_ARGS, sessionCookie, signedInContext, staffFetch, startStack } from './helpers.mjs';

let stack, browser;

before(async () => {
  stack = await startStack({ name: 'dev-test', appPort: 3218, simPort: 4218, rosterSize: 24, simEnv: { MODASH_SIM_LATENCY: '0.05' }, dev: true });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
});

after(async () => {
  await browser?.close();
  stack?.stop();
});

test('next dev: roster badges in the browser and a refresh through a route handler', async () => {
  const { APP } = stack;
  const page = await (await signedInContext(browser, APP)).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${APP}/staff/roster`);
  await page.waitForSelector('[data-testid=badge-1]', { timeout: 120000 });
  assert.equal(await page.locator('[data-testid=badge-1]').textContent(), '2/2');
  const r = await staffFetch(APP, await sessionCookie(APP))('/api/roster/6/refresh-analytics', { body: { platform: 'ig' } });
  const body = await r.json();
  assert.equal(r.status, 200, JSON.stringify(body));
  assert.match(body.notes, /"userId":"\d+"/);
  assert.deepEqual(errors, []);
  await page.close();
});
