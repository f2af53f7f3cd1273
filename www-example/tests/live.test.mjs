// The roster live without polling writes (issue 39, point 9): a colleague's refresh shows up on
// an open roster within its query's interval, without navigation; a hidden tab asks the
// server nothing; and the status the roster reads never writes the store (tests/gate.test.mjs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { BROWSER_ARGS, OTHER_STAFF, sessionCookie, signedInContext, staffFetch, startStack } from './helpers.mjs';

let stack, browser;
before(async () => {
  stack = await startStack({ name: 'live-test', appPort: 3370, simPort: 4370, simEnv: { MODASH_SIM_LATENCY: '0.05', MODASH_SIM_429_RATE: '0' } });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

test("a colleague's refresh shows up on an open roster without navigation", async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  const api = staffFetch(stack.APP, await sessionCookie(stack.APP));
  // A stale row on the first page of the whole roster (a view it stays in once refreshed).
  const id = (await (await api('/api/roster/ids?state=stale')).json()).ids[0];
  await page.goto(`${stack.APP}/staff/roster?pageSize=200`);
  const badge = page.locator(`[data-testid=badge-${id}]`);
  await badge.waitFor();
  const before = await badge.textContent();
  // A colleague refreshes every platform of that row from another session.
  const colleague = staffFetch(stack.APP, await sessionCookie(stack.APP, OTHER_STAFF));
  const rows = (await (await colleague(`/api/roster/rows?ids=${id}`)).json()).rows;
  for (const p of rows[0].platforms)
    assert.equal((await colleague(`/api/roster/${id}/refresh-analytics`, { body: { platform: p.platform, force: true } })).status, 200);
  const url = page.url();
  await page.waitForFunction(([sel, was]) => document.querySelector(sel)?.textContent !== was, [`[data-testid=badge-${id}]`, before], { timeout: 30_000 });
  assert.equal(page.url(), url, 'no navigation');
  assert.match(await badge.textContent(), /^(\d)\/\1$/, 'every platform fresh now');
  await page.close();
});

test('a hidden tab asks the server nothing; it reads again when shown', async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  const asked = [];
  page.on('request', (r) => {
    if (/\/api\/(modash\/status|roster)/.test(r.url())) asked.push(r.url());
  });
  await page.goto(`${stack.APP}/staff/roster`);
  await page.waitForSelector('[data-testid=modash-status]');
  const setHidden = (hidden) =>
    page.evaluate((h) => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    }, hidden);
  await setHidden(true);
  await page.waitForTimeout(300);
  asked.length = 0;
  // Longer than every interval the page reads at while visible (status 5 s, batches 10 s).
  await page.waitForTimeout(12_000);
  assert.deepEqual(asked, [], 'nothing asked while hidden');
  const shown = page.waitForRequest((r) => r.url().includes('/api/modash/status'), { timeout: 5000 });
  await setHidden(false);
  assert.ok(await shown, 'read again when shown');
  await page.close();
});
