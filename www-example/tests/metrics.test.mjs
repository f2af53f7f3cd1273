// The metrics page from a short simulated session: two staff members in the two rollout groups
// open panels and run a bulk refresh against the simulated Modash (one 429 injected); the page,
// rendered in Chromium, agrees with the service's own counters on calls, 429s and lookups. Older
// log rows are rolled up into hourly rows and still counted.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chromium } from 'playwright-core';
import { ROOT } from '../lib/procs.mjs';
import { CASES } from '../lib/roster-data.mjs';
import { BROWSER_ARGS, OTHER_STAFF, signedInContext, STAFF, startStack } from './helpers.mjs';

const ART = join(ROOT, 'artifacts');
let stack, browser, APP, DB, sim;
const idsOf = (kase, n) => Array.from({ length: n }, (_, k) => CASES.indexOf(kase) + 1 + k * CASES.length);
const DAY = 86_400_000;

before(async () => {
  mkdirSync(ART, { recursive: true });
  // 50 %: ana (bucket 89) takes the old path, ben (bucket 25) the cache table.
  stack = await startStack({
    name: 'metrics-test',
    appPort: 3226,
    simPort: 4226,
    rosterSize: 48,
    simEnv: { MODASH_SIM_LATENCY: '0.1' },
    appEnv: { MODASH_CACHE_LOOKUP_ROLLOUT: '50', MODASH_METRICS_RETENTION_DAYS: '1' },
    beforeStart: addOldLogRows,
  });
  ({ APP, DB, sim } = stack);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
});

/** Log rows from two days ago: past the one-day retention, so rolled up hourly. */
function addOldLogRows(file) {
  const db = new Database(file);
  const old = Date.now() - 2 * DAY;
  for (let k = 0; k < 5; k++)
    db.prepare(
      "INSERT INTO modash_calls (at, kind, platform, status, latency_ms, waited_ms, waited_429, credits, staff, use_case, cohort) VALUES (?, ?, 'instagram', ?, 300, 0, 0, 1, 'x', 'roster', 'cache')",
    ).run(old + k, k < 2 ? 'lookup' : 'report', k === 4 ? 429 : 200);
  for (let k = 0; k < 3; k++)
    db.prepare(
      "INSERT INTO panel_opens (at, staff, influencer_id, platform, first_data_ms, fresh_data_ms, source, lookup, reopen, outcome, cohort) VALUES (?, 'x', 1, 'instagram', 120, 400, 'modash', ?, ?, 'fresh', 'cache')",
    ).run(old + k, k === 0 ? 1 : 0, k > 0 ? 1 : 0);
  db.close();
}

after(async () => {
  await browser?.close();
  stack?.stop();
});

async function roster(who) {
  const page = await (await signedInContext(browser, APP, who, { viewport: { width: 1280, height: 1000 } })).newPage();
  await page.goto(`${APP}/staff/roster`);
  await page.waitForSelector('[data-testid=badge-1]');
  return page;
}

async function open(page, id) {
  // The open's beacon is what the metrics count: waited for, not slept on.
  const beacon = page.waitForResponse((r) => r.url().endsWith('/api/metrics/panel-open'), { timeout: 30000 });
  await page.click(`[data-testid=open-${id}]`);
  await page.waitForSelector('[data-testid=panel-metrics][data-stale=false], [data-testid=panel-refresh-error], [data-testid=panel-error]', { timeout: 30000 });
  await beacon;
  await page.click('[data-testid=panel-close]');
}

const text = async (page, id) => (await page.locator(`[data-testid=${id}]`).textContent()).trim();

test('the metrics page agrees with the simulated service, shows both rollout groups, and rolls old rows up', async () => {
  await sim.reset();
  const ana = await roster(STAFF);
  const ben = await roster(OTHER_STAFF);
  // First opens (a lookup each for username-only rows), re-opens, fresh cache, and one 429.
  for (const id of idsOf('username-only', 2)) await open(ana, id);
  for (const id of idsOf('username-only', 2)) await open(ben, id);
  await open(ben, idsOf('synced-with-cache', 1)[0]);
  await open(ana, idsOf('synced-with-cache', 1)[0]);
  await sim.config({ force429: 1, force429Kind: 'report', retryAfter: 1 });
  await open(ben, idsOf('stale', 1)[0]);
  for (const id of idsOf('legacy-ig-no-platform', 2)) await open(ana, id);
  await ben.click(`[data-testid=select-${idsOf('big-payload', 1)[0]}]`);
  await ben.click('[data-testid=bulk-refresh]');
  await ben.click('[data-testid=bulk-start]'); // after the estimate
  await ben.waitForSelector('[data-testid=bulk-progress][data-running=false]', { timeout: 60000 });
  await new Promise((r) => setTimeout(r, 300));
  const s = await sim.stats();
  assert.ok(s.lookup >= 2 && s.rateLimited === 1, JSON.stringify({ lookup: s.lookup, report: s.report, rateLimited: s.rateLimited }));

  const page = await (await signedInContext(browser, APP, STAFF, { viewport: { width: 1280, height: 1800 } })).newPage();
  await page.goto(`${APP}/staff/modash?window=1h`);
  await page.waitForSelector('[data-testid=fig-calls]');
  assert.equal(Number(await text(page, 'calls-total')), s.report + s.lookup, 'calls: page = service');
  assert.equal(Number(await text(page, 'calls-lookups')), s.lookup, 'lookups: page = service');
  assert.equal(Number(await text(page, 'calls-reports')), s.report);
  assert.equal(Number(await text(page, 'calls-429')), s.rateLimited, '429s: page = service');
  assert.equal(await text(page, 'reopen-lookups'), '0', 'no lookup on a re-open');
  // Both rollout groups opened panels.
  const opensOf = async (g) => Number(await page.locator(`[data-testid=cohort-${g}] td`).first().textContent());
  assert.ok((await opensOf('cache')) >= 3 && (await opensOf('legacy')) >= 3);
  assert.equal((await opensOf('cache')) + (await opensOf('legacy')), await opensOf('all'));
  assert.match(await text(page, 'success-rate'), /^\d+\.\d %$/);
  await page.screenshot({ path: join(ART, 'metrics.png'), fullPage: true });

  // The 7-day window adds the rolled-up rows from two days ago (5 calls, one a 429).
  await page.goto(`${APP}/staff/modash?window=7d`);
  await page.waitForSelector('[data-testid=fig-calls]');
  assert.equal(Number(await text(page, 'calls-total')), s.report + s.lookup + 5);
  assert.equal(Number(await text(page, 'calls-429')), s.rateLimited + 1);
  const db = new Database(DB, { readonly: true });
  const rawOld = db.prepare('SELECT COUNT(*) AS n FROM modash_calls WHERE at < ?').get(Date.now() - DAY).n;
  const hourly = db.prepare('SELECT SUM(calls) AS n, SUM(rate_limited) AS r FROM modash_calls_hourly').get();
  const opensHourly = db.prepare('SELECT SUM(opens) AS n, SUM(reopens) AS r FROM panel_opens_hourly').get();
  db.close();
  assert.equal(rawOld, 0, 'old raw rows are gone');
  assert.deepEqual([hourly.n, hourly.r], [5, 1], 'and counted in the hourly roll-up');
  assert.deepEqual([opensHourly.n, opensHourly.r], [3, 2]);
});
