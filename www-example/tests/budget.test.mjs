// The daily credit budget, shared by every route: once spent, a refresh answers 429
// BUDGET_EXHAUSTED (no Modash call), the roster page shows no credits left, and the panel says so.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { CASES } from '../lib/roster-data.mjs';
import { BROWSER_ARGS, sessionCookie, signedInContext, staffFetch, startStack } from './helpers.mjs';

let stack, browser, APP, SIM;
const idOf = (kase, nth = 0) => CASES.indexOf(kase) + 1 + nth * CASES.length;

before(async () => {
  stack = await startStack({
    name: 'budget-test',
    appPort: 3227,
    simPort: 4227,
    rosterSize: 48,
    simEnv: { MODASH_SIM_LATENCY: '0.05' },
    appEnv: { MODASH_DAILY_CREDITS: '2' },
  });
  ({ APP, SIM } = stack);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
});

after(async () => {
  await browser?.close();
  stack?.stop();
});

test('a spent daily budget: 429 BUDGET_EXHAUSTED without a Modash call, shown on the roster and in the panel', async () => {
  const api = staffFetch(APP, await sessionCookie(APP));
  for (const id of [idOf('stale'), idOf('stale', 1)]) {
    const r = await api(`/api/roster/${id}/refresh-analytics`, { body: { platform: 'instagram' } });
    assert.equal(r.status, 200);
  }
  const before = await (await fetch(`${SIM}/__sim/stats`)).json();
  const r = await api(`/api/roster/${idOf('stale', 2)}/refresh-analytics`, { body: { platform: 'instagram' } });
  const body = await r.json();
  assert.equal(r.status, 429);
  assert.equal(body.code, 'BUDGET_EXHAUSTED');
  assert.ok(Number(r.headers.get('retry-after')) > 60, 'until midnight UTC, not a short retry');
  const after = await (await fetch(`${SIM}/__sim/stats`)).json();
  assert.equal(after.report + after.lookup, before.report + before.lookup, 'no Modash call');
  const status = await (await api('/api/modash/status')).json();
  assert.deepEqual([status.credits.daily, status.credits.remaining], [2, 0]);

  const page = await (await signedInContext(browser, APP)).newPage();
  await page.goto(`${APP}/staff/roster`);
  await page.waitForSelector('[data-testid=credits-left]');
  assert.equal(await page.locator('[data-testid=credits-left]').getAttribute('data-remaining'), '0');
  await page.click(`[data-testid=open-${idOf('stale', 3)}]`);
  await page.waitForSelector('[data-testid=panel-refresh-error], [data-testid=panel-error]', { timeout: 20000 });
  assert.match(await page.locator('[data-testid=panel-refresh-error], [data-testid=panel-error]').textContent(), /credit budget is spent/);
});
