// A staff member's day (issue 39), points 1-3: the open panel covers no control at 1440 and 768
// px (the staff bar, the row's buttons); Esc closes it only when focus is inside it (typing
// Esc in the search box leaves it open); ↑/↓ and its buttons move to the previous / next
// influencer of the view, the panel kept open, focus given back to that row's button on close;
// the panel follows its row in the tab order; a page change that takes its row away says so.
// Point 6: times in the reader's own zone (a browser in UTC+05:30).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../lib/procs.mjs';
import { BROWSER_ARGS, signedInContext, startStack } from './helpers.mjs';

let stack, browser;
const ART = join(ROOT, 'artifacts');
before(async () => {
  mkdirSync(ART, { recursive: true });
  stack = await startStack({ name: 'staff-day', appPort: 3380, simPort: 4380, simEnv: { MODASH_SIM_LATENCY: '0.05', MODASH_SIM_429_RATE: '0' } });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

/** The roster hydrated: its buttons and form answer (a click before that is lost). */
const live = (page) => page.waitForSelector('[data-testid=roster-view][data-live=true]');

/** Whether the element is the topmost thing at its own centre (nothing covers it). */
const uncovered = (page, selector) =>
  page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) return `missing: ${sel}`;
    el.scrollIntoView({ block: 'center' });
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth || r.left < 0) return `off screen: ${sel}`;
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top === el || el.contains(top) ? true : `covered: ${sel} by ${top?.outerHTML.slice(0, 80)}`;
  }, selector);

for (const width of [1440, 768]) {
  test(`at ${width} px the open panel covers no control`, async () => {
    const page = await (await signedInContext(browser, stack.APP, undefined, { viewport: { width, height: 900 } })).newPage();
    await page.goto(`${stack.APP}/staff/roster`);
    await live(page);
    await page.click('[data-testid=open-3]');
    await page.waitForSelector('[data-testid=panel]');
    for (const sel of [
      '[data-testid=sign-out]',
      '[data-testid=signed-in-as]',
      '[data-testid=nav-metrics]',
      '[data-testid=open-3]',
      '[data-testid=open-4]',
      '[data-testid=select-4]',
      '[data-testid=panel-close]',
    ]) {
      assert.equal(await uncovered(page, sel), true);
    }
    await page.screenshot({ path: join(ART, `panel-${width}.png`) });
    await page.close();
  });
}

test('Esc closes the panel only from inside it; ↑/↓ move through the view with the panel open; it follows its row in the tab order', async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  await page.goto(`${stack.APP}/staff/roster`);
  await live(page);
  const name = async (id) => (await page.locator(`[data-testid=row-${id}] td:nth-child(2)`).textContent()).trim();
  await page.click('[data-testid=open-5]');
  await page.waitForSelector('[data-testid=panel]');
  // Typing Esc in the search box leaves the panel open.
  await page.click('[data-testid=view-q]');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid=panel]').count(), 1, 'open after Esc in the search box');
  // In the tab order, right after its row's Analytics button.
  await page.focus('[data-testid=open-5]');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => Boolean(document.activeElement?.closest('[data-testid=panel]'))), true, 'Tab from the row goes into its panel');
  // ↓ shows the next influencer, the panel kept open; ↑ the previous.
  await page.focus('#panel-title');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction((n) => document.querySelector('#panel-title')?.textContent === n, await name(6));
  await page.click('[data-testid=panel-next]');
  await page.waitForFunction((n) => document.querySelector('#panel-title')?.textContent === n, await name(7));
  await page.focus('#panel-title');
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction((n) => document.querySelector('#panel-title')?.textContent === n, await name(6));
  // Esc from inside closes it and gives focus to the row now shown.
  await page.focus('#panel-title');
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=panel]', { state: 'detached' });
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'open-6');
  await page.close();
});

test('a page change that takes the open row away closes the panel and says so', async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  await page.goto(`${stack.APP}/staff/roster`);
  await live(page);
  await page.click('[data-testid=open-2]');
  await page.waitForSelector('[data-testid=panel]');
  await page.click('[data-testid=next]');
  await page.waitForSelector('[data-testid=panel-closed-note]');
  assert.match(await page.locator('[data-testid=panel-closed-note]').textContent(), /closed: not on this page/);
  assert.equal(await page.locator('[data-testid=panel]').count(), 0);
  await page.close();
});

test('the view form: search applies as you type, Clear, a page jump, and an empty view says what matched nothing', async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  await page.goto(`${stack.APP}/staff/roster?state=stale`);
  await live(page);
  // Typing applies after a pause, no Enter.
  await page.fill('[data-testid=view-q]', 'zzzz-no-such-name');
  await page.waitForURL(/q=zzzz-no-such-name/);
  const empty = page.locator('[data-testid=roster-empty]');
  await empty.waitFor();
  assert.match(await empty.textContent(), /No influencer matches “zzzz-no-such-name” in the state “stale/);
  assert.equal(await page.locator('table').isVisible(), false, 'no empty table');
  await page.click('[data-testid=empty-clear]');
  await page.waitForURL((u) => !u.search.includes('q=') && !u.search.includes('state='));
  await page.waitForSelector('[data-testid=badge-1]');
  // A page jump.
  await page.fill('[data-testid=page-jump]', '3');
  await page.click('[data-testid=page-jump-go]');
  await page.waitForURL(/page=3/);
  await page.waitForSelector('[data-testid=badge-101]');
  await page.close();
});

test('words for staff: platform names as written, no ids or codes in view, and Start refused when it would buy nothing', async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  await page.goto(`${stack.APP}/staff/roster`);
  await live(page);
  await page.waitForSelector('[data-testid=badge-1]');
  assert.match(await page.locator('[data-testid=row-2] td:nth-child(3)').textContent(), /^(Instagram|TikTok|YouTube)(, (Instagram|TikTok|YouTube))*$/);
  await page.click('[data-testid=open-10]');
  await page.waitForSelector('[data-testid=panel-metrics], [data-testid=panel-error]');
  // Ids are folded away for support; the visible panel names no id, code or TTL.
  assert.equal(await page.locator('[data-testid=panel-userid]').isVisible(), false);
  // biome-ignore lint/performance/useDomNodeTextContent: what is on screen is the point (the folded details are not)
  const visible = await page.locator('[data-testid=panel]').innerText();
  assert.doesNotMatch(visible, /userId|TTL|legacy|From notes|\b[45]\d\d\b/);
  // The engagement rate says how Modash computes it on the platform shown.
  assert.match(
    await page.locator('[data-testid=er-definition]').getAttribute('title'),
    /likes ÷ (followers|average views) \(Modash, (Instagram|TikTok|YouTube)\)/,
  );
  await page.click('[data-testid=panel-close]');
  // A selection of fresh rows only: nothing to buy, Start refused with a sentence.
  // (Rows whose every platform is fresh: their badges are full.)
  const fresh = (await page.locator('.badge.full').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid').replace('badge-', '')))).slice(0, 2);
  assert.equal(fresh.length, 2);
  for (const id of fresh) await page.check(`[data-testid=select-${id}]`);
  await page.click('[data-testid=bulk-refresh]');
  await page.waitForSelector('[data-testid=bulk-estimate]');
  assert.equal(await page.locator('[data-testid=bulk-start]').isDisabled(), true);
  assert.match(await page.locator('[data-testid=bulk-blocked]').textContent(), /Nothing to buy/);
  await page.close();
});

test('screenshots at 1440 and 768 px (roster, panel, estimate, a running batch, failures, metrics), with no serious axe violation at either width', async () => {
  const { axeViolations } = await import('./helpers.mjs');
  // A slow Modash, and two rows it refuses: the batch is still running when it is shot, then fails two rows.
  await stack.sim.config({ latency: 6 });
  const page0 = await (await signedInContext(browser, stack.APP)).newPage();
  const ids = (await (await page0.request.get(`${stack.APP}/api/roster/ids?state=stale`)).json()).ids.slice(0, 6);
  const rows = (await (await page0.request.get(`${stack.APP}/api/roster/rows?ids=${ids.join(',')}`)).json()).rows;
  const { account } = await import('../lib/roster-data.mjs');
  const refused = rows.slice(0, 2).map((r) => `${r.platforms[0].platform}:${account(r.id - 1, r.platforms[0].platform).userId}`);
  await stack.sim.config({ errors: Object.fromEntries(refused.map((k) => [k, { code: 'bad_request', status: 400 }])) });
  await page0.close();
  try {
    for (const width of [1440, 768]) {
      const page = await (await signedInContext(browser, stack.APP, undefined, { viewport: { width, height: 900 } })).newPage();
      await page.goto(`${stack.APP}/staff/roster?state=stale`);
      await live(page);
      await page.waitForSelector('[data-testid^=badge-]');
      await page.screenshot({ path: join(ART, `roster-${width}.png`) });
      assert.deepEqual(await axeViolations(page), [], `roster at ${width}`);
      if (width === 1440) {
        for (const id of ids) await page.check(`[data-testid=select-${id}]`);
      }
      await page.click('[data-testid=bulk-refresh]');
      await page.waitForSelector('[data-testid=bulk-estimate]');
      await page.screenshot({ path: join(ART, `estimate-${width}.png`) });
      if (width === 1440) {
        await page.click('[data-testid=bulk-start]');
        await page.waitForSelector('[data-testid=bulk-progress][data-running=true]');
        await page.screenshot({ path: join(ART, `batch-running-${width}.png`) });
        assert.deepEqual(await axeViolations(page), [], `a running batch at ${width}`);
        await stack.sim.config({ latency: 0.05 });
        await page.waitForSelector('[data-testid=bulk-progress][data-running=false]', { timeout: 120_000 });
        await page.waitForSelector('[data-testid=bulk-failures]');
      } else {
        await page.click('[data-testid=bulk-dismiss]');
        await page.waitForSelector('[data-testid=bulk-failures]', { timeout: 30_000 });
      }
      await page.screenshot({ path: join(ART, `batch-failures-${width}.png`) });
      assert.deepEqual(await axeViolations(page), [], `failures at ${width}`);
      await page.goto(`${stack.APP}/staff/modash?window=24h`);
      await page.waitForSelector('[data-testid=at-a-glance]');
      await page.screenshot({ path: join(ART, `metrics-${width}.png`), fullPage: true });
      assert.deepEqual(await axeViolations(page), [], `metrics at ${width}`);
      await page.close();
    }
  } finally {
    await stack.sim.config({ latency: 0.05, errors: {} });
  }
});

// Point 6: times in the reader's own zone. Asia/Kolkata is UTC+05:30, so every local clock time
// differs from UTC's by half an hour: a UTC time cut out of an ISO string cannot pass for it.
const KOLKATA_MIN = 330;
/** Minutes from UTC `now` to the Kolkata clock time `hh:mm` (0 to 1439, the next time it shows). */
const minutesAhead = (hhmm, now = Date.now()) => {
  const [h, m] = hhmm.split(':').map(Number);
  const utcMin = (((h * 60 + m - KOLKATA_MIN) % 1440) + 1440) % 1440;
  const nowMin = Math.floor(now / 60_000) % 1440;
  return (((utcMin - nowMin) % 1440) + 1440) % 1440;
};

test("times in the reader's zone: a report in preparation's next fetch, the metrics page's hours (a browser in UTC+05:30)", async () => {
  const context = await signedInContext(browser, stack.APP, undefined, { timezoneId: 'Asia/Kolkata', locale: 'en-GB' });
  const page = await context.newPage();
  const ids = (await (await page.request.get(`${stack.APP}/api/roster/ids?state=stale`)).json()).ids;
  const row = (await (await page.request.get(`${stack.APP}/api/roster/rows?ids=${ids[0]}`)).json()).rows[0];
  const { account } = await import('../lib/roster-data.mjs');
  const { platform } = row.platforms[0];
  await stack.sim.config({ errors: { [`${platform}:${account(row.id - 1, platform).userId}`]: { code: 'retry_later', status: 400 } } });
  try {
    await page.goto(`${stack.APP}/staff/roster?state=stale`);
    await live(page);
    await page.click(`[data-testid=open-${row.id}]`);
    const said = await page.waitForSelector('[data-testid=panel-refresh-error], [data-testid=panel-error]');
    await page.waitForFunction((el) => /fetched again at/.test(el.textContent) && !/UTC/.test(el.textContent), said);
    const at = (await said.textContent()).match(/fetched again at (\d\d:\d\d)/)[1];
    // MODASH_RETRY_LATER_S (600 s) ahead, in Kolkata's clock: 10 or 11 minutes from now.
    assert.ok([9, 10, 11].includes(minutesAhead(at)), `${at} is not ten minutes ahead in Kolkata`);
  } finally {
    await stack.sim.config({ errors: {} });
  }
  await page.goto(`${stack.APP}/staff/modash?window=24h`);
  // Rendered in UTC by the server (it does not know the zone), relabelled by the browser.
  // (Chromium names the zone by its older alias, Asia/Calcutta.)
  await page.waitForFunction(() => /^hour \(Asia\/(Kolkata|Calcutta)\)$/.test(document.querySelector('[data-testid=chart-calls] th')?.textContent));
  const hours = await page.locator('[data-testid=chart-calls] tbody td:first-child').allTextContents();
  assert.ok(hours.length >= 24);
  for (const h of hours) assert.match(h, /(^|\s)\d\d:30$/, `the hour ${h} in Kolkata's clock`);
  // The credits reset at midnight UTC: 05:30 in Kolkata, dated unless that is Kolkata's today
  // (a reset, or a batch started yesterday, must not read as today's).
  const resets = await page.waitForFunction(() => {
    const t = document.querySelector('[data-testid=fig-credits] time')?.textContent;
    return t && !/UTC/.test(t) ? t : null;
  });
  const kolkataDay = (t) => new Date(t + KOLKATA_MIN * 60_000).toISOString().slice(0, 10);
  const midnight = (Math.floor(Date.now() / 86_400_000) + 1) * 86_400_000;
  const expected = kolkataDay(midnight) === kolkataDay(Date.now()) ? /^05:30$/ : /^\d{1,2} [A-Z][a-z]{2}, 05:30$/;
  assert.match(await resets.jsonValue(), expected);
  await context.close();
});
