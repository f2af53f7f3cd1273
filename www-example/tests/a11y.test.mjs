// The pages staff use, in Chromium, checked by axe-core inside the page (WCAG 2 A and AA rules:
// no serious or critical violation on the login, roster, panel and metrics pages), and the
// panel's keyboard and wording: it takes focus, closes on Esc and gives focus back, names its
// buttons by row, says a session ended, offers "Refresh now" (force), shows no raw codes; the
// not-found page for an unknown address, the loading and error pages for a slow and a failing
// store (PostgreSQL).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { baseConfig } from '../lib/config.mjs';
import { CASES } from '../lib/roster-data.mjs';
import { axeViolations, BROWSER_ARGS, signedInContext, startStack } from './helpers.mjs';

let stack, browser;
const idOf = (kase, nth = 0) => CASES.indexOf(kase) + 1 + nth * CASES.length;

before(async () => {
  stack = await startStack({ name: 'a11y', appPort: 3296, simPort: 4296, rosterSize: 48, simEnv: { MODASH_SIM_LATENCY: '0.05', MODASH_SIM_429_RATE: '0' } });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

test('axe: no serious or critical violation on the login page', async () => {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${stack.APP}/login`);
  await page.waitForSelector('[data-testid=login-email]');
  assert.deepEqual(await axeViolations(page), []);
});

test('axe: none on the roster, with the panel open, and on the metrics page', async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  await page.goto(`${stack.APP}/staff/roster`);
  await page.waitForSelector(`[data-testid=badge-${idOf('stale')}]`);
  assert.deepEqual(await axeViolations(page), [], 'roster');
  await page.click(`[data-testid=open-${idOf('synced-with-cache')}]`);
  await page.waitForSelector('[data-testid=panel-source]');
  assert.deepEqual(await axeViolations(page), [], 'roster with the panel');
  await page.goto(`${stack.APP}/staff/modash`);
  await page.waitForSelector('[data-testid=fig-calls]');
  assert.deepEqual(await axeViolations(page), [], 'metrics');
  // The 7-day charts name the day of each hour; the 24-hour ones have 25 hour slots.
  await page.goto(`${stack.APP}/staff/modash?window=7d`);
  assert.match(await page.locator('[data-testid=chart-calls] tbody tr td').first().textContent(), /^[A-Z][a-z]{2} \d{1,2} \d\dh$/);
  await page.goto(`${stack.APP}/staff/modash?window=24h`);
  assert.equal(await page.locator('[data-testid=chart-calls] tbody tr').count(), 25);
});

test("the panel takes focus, closes on Esc and gives focus back to the row's button; every control says which row it acts on", async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  await page.goto(`${stack.APP}/staff/roster`);
  await page.waitForSelector('[data-testid=roster-view][data-live=true]');
  const id = idOf('mixed');
  const button = page.locator(`[data-testid=open-${id}]`);
  await button.waitFor();
  const name = await page.locator(`[data-testid=row-${id}] td:nth-child(2)`).textContent();
  assert.equal(await button.getAttribute('aria-label'), `Analytics for ${name}`);
  assert.equal(await page.locator(`[data-testid=select-${id}]`).getAttribute('aria-label'), `Select ${name}`);
  await button.focus();
  await page.keyboard.press('Enter');
  await page.waitForSelector('[data-testid=panel]');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'panel-title', 'focus moved into the panel');
  assert.equal(await page.locator('[data-testid=switch-instagram]').getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('[data-testid=switch-tiktok]').getAttribute('aria-pressed'), 'false');
  // The row buttons stay in reach beside the panel.
  const [b, p] = await Promise.all([button.boundingBox(), page.locator('[data-testid=panel]').boundingBox()]);
  assert.ok(b.x + b.width <= p.x, `the button (${b.x}+${b.width}) left of the panel (${p.x})`);
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=panel]', { state: 'detached' });
  // Focus comes back on the next frame (the panel's close): waited for, then checked.
  await page.waitForFunction((t) => document.activeElement?.getAttribute('data-testid') === t, `open-${id}`, { timeout: 2000 }).catch(() => {});
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), `open-${id}`, 'focus back on the button');
});

test('"Refresh now" asks Modash (force); a session that ended says so and links to sign-in', async () => {
  const context = await signedInContext(browser, stack.APP);
  const page = await context.newPage();
  await page.goto(`${stack.APP}/staff/roster`);
  await page.waitForSelector('[data-testid=roster-view][data-live=true]');
  const id = idOf('synced-with-cache', 1);
  await page.click(`[data-testid=open-${id}]`);
  await page.waitForSelector('[data-testid=panel-refresh-now]');
  await stack.sim.reset();
  await page.click('[data-testid=panel-refresh-now]');
  await page.waitForFunction(() => /Fetched from Modash/.test(document.querySelector('[data-testid=panel-source]')?.textContent ?? ''), null, {
    timeout: 20000,
  });
  assert.equal((await stack.sim.stats()).report, 1, 'one report, though the data was fresh');
  await context.clearCookies();
  await page.click('[data-testid=panel-refresh-now]');
  await page.waitForSelector('[data-testid=panel-sign-in]', { timeout: 20000 });
  assert.match(await page.locator('[data-testid=panel-refresh-error]').textContent(), /Your session has ended/);
  // Words for staff: no HTTP status or code of ours on screen.
  assert.doesNotMatch(await page.locator('[data-testid=panel]').textContent(), /\b401\b|UNAUTHENTICATED/);
});

test('error, loading and not-found pages: an unknown address says so with a way back', async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  const res = await page.goto(`${stack.APP}/staff/no-such-page`);
  assert.equal(res.status(), 404);
  await page.waitForSelector('[data-testid=staff-not-found], [data-testid=not-found]');
  assert.ok((await page.locator('a[href="/staff/roster"]').count()) >= 1);
  assert.deepEqual(await axeViolations(page), []);
});

// The loading and error pages, shown for real on PostgreSQL: a table another session holds
// locked keeps the roster's page rendering (the staff bar and "Loading…" streamed meanwhile), a
// table that is gone makes it fail (the error page, "Try again" recovers once it is back).
const PG = baseConfig().MIGRATE_TEST_PG_URL;
test('the loading and error pages: a store that is slow, then one that fails (PostgreSQL)', { skip: !PG && 'MIGRATE_TEST_PG_URL unset' }, async () => {
  const pgStack = await startStack({ name: 'a11y_pg', appPort: 3297, simPort: 4297, rosterSize: 48, pg: PG, simEnv: { MODASH_SIM_429_RATE: '0' } });
  const db = new pg.Client({ connectionString: pgStack.dbUrl });
  await db.connect();
  try {
    const page = await (await signedInContext(browser, pgStack.APP)).newPage();
    await page.goto(`${pgStack.APP}/staff/roster`);
    await page.waitForSelector('[data-testid=roster-view]');
    // Slow: the roster's query waits for the lock; the loading page is on screen meanwhile.
    await db.query('BEGIN');
    await db.query('LOCK TABLE influencers IN ACCESS EXCLUSIVE MODE');
    const shown = page.goto(`${pgStack.APP}/staff/roster?page=2`, { waitUntil: 'commit' });
    await page.waitForSelector('[data-testid=staff-loading]');
    assert.equal(await page.locator('[data-testid=signed-in-as]').count(), 1, 'the staff bar stays');
    assert.deepEqual(await axeViolations(page), [], 'the loading page');
    await db.query('COMMIT');
    await shown;
    await page.waitForSelector('[data-testid=roster-view]');
    assert.equal(await page.locator('[data-testid=staff-loading]').count(), 0);
    // Failing: the table is gone; the error page says so with a way on, and recovers.
    await db.query('ALTER TABLE influencers RENAME TO influencers_away');
    await page.goto(`${pgStack.APP}/staff/roster?page=3`);
    await page.waitForSelector('[data-testid=staff-error]');
    assert.match(await page.locator('[data-testid=staff-error]').textContent(), /could not be shown.*Try again.*Back to the roster/s);
    assert.doesNotMatch(await page.locator('[data-testid=staff-error]').textContent(), /relation|influencers_away|SQL/i, 'no internals');
    assert.deepEqual(await axeViolations(page), [], 'the error page');
    await db.query('ALTER TABLE influencers_away RENAME TO influencers');
    await page.click('[data-testid=staff-error] button');
    await page.waitForSelector('[data-testid=roster-view]');
    await page.close();
  } finally {
    await db.query('ROLLBACK').catch(() => {});
    await db.query('ALTER TABLE IF EXISTS influencers_away RENAME TO influencers').catch(() => {});
    await db.end();
    pgStack.stop();
  }
});
