// The roster staff work in all day (issue 28), in Chromium against `next start`: the view in
// the URL (search, state over the whole roster, platform, sort, page: reload, Back and a shared
// link give the same rows), and the bulk refresh doing what it says (exactly the selection
// across pages, "select all that match", an estimate before anything is bought, the failed
// rows named with their sentence and retried alone).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { account, influencer } from '../lib/roster-data.mjs';
import { axeViolations, BROWSER_ARGS, sessionCookie, signedInContext, staffFetch, startStack } from './helpers.mjs';

const mf = createRequire(import.meta.url)('../../pkg-node/modash_flow.js');
const SIZE = 60;
let stack, browser, api, seededAt;

before(async () => {
  seededAt = Date.now();
  stack = await startStack({
    name: 'roster-view',
    appPort: 3298,
    simPort: 4298,
    rosterSize: SIZE,
    simEnv: { MODASH_SIM_LATENCY: '0.05', MODASH_SIM_429_RATE: '0' },
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
  api = staffFetch(stack.APP, await sessionCookie(stack.APP));
});
after(async () => {
  await browser?.close();
  stack?.stop();
});

/** The seeded influencers whose platforms (any, or `platform`) are in `state`, by the module's own rules (12 h roster TTL). */
function expected(state, platform = null) {
  const ttl = mf.ttlConfigFromEnv({}).config;
  const ids = [];
  for (let i = 0; i < SIZE; i++) {
    const inf = influencer(i, seededAt);
    const notes = typeof inf.notes === 'string' ? inf.notes : inf.notes === null ? null : JSON.stringify(inf.notes);
    const pr = mf.analyticsProgress(notes, inf.platforms, { ttl, useCase: 'roster', now: Date.now() });
    const hit = inf.platforms.some((p, k) => {
      if (platform && p !== platform) return false;
      const x = pr.platforms[k];
      if (state === 'unreadable') return pr.problem !== null;
      if (pr.problem !== null) return false;
      if (state === 'never-synced') return x.lastRefreshed === null;
      if (state === 'fresh') return x.lastRefreshed !== null && x.fresh;
      if (state === 'stale') return x.lastRefreshed !== null && !x.fresh;
      return false;
    });
    if (hit) ids.push(i + 1);
  }
  return ids;
}

const idsOnPage = (body) => body.rows.map((r) => r.id);
/** The page is interactive: the view's form says so once the client has mounted (a badge is
 * not a sign: `[data-testid^=badge-]` also matched the legend, which the server renders). */
const hydrated = (page) => page.waitForSelector('[data-testid=roster-view][data-live=true]');

test('the view is in the URL and read on the server: state over the whole roster, platform, search, sort, page', async () => {
  for (const state of ['never-synced', 'stale', 'fresh', 'unreadable']) {
    const body = await (await api(`/api/roster?state=${state}&pageSize=200`)).json();
    assert.deepEqual(idsOnPage(body), expected(state), state);
  }
  const tiktokStale = await (await api('/api/roster?state=stale&platform=tiktok&pageSize=200')).json();
  assert.deepEqual(idsOnPage(tiktokStale), expected('stale', 'tiktok'));
  // A name part, any case; a handle.
  const name = influencer(7, seededAt).name.split(' ')[0].toUpperCase();
  const byName = await (await api(`/api/roster?q=${encodeURIComponent(name)}&pageSize=200`)).json();
  assert.ok(byName.rows.length >= 1 && byName.rows.every((r) => r.name.toUpperCase().includes(name)), JSON.stringify(byName.rows.map((r) => r.name)));
  const handle = account(12, 'instagram').username;
  const byHandle = await (await api(`/api/roster?q=${encodeURIComponent(handle)}&pageSize=200`)).json();
  assert.deepEqual(idsOnPage(byHandle), [13]);
  // A search for a wildcard is a search for the character.
  assert.equal((await (await api('/api/roster?q=%25&pageSize=200')).json()).total, 0);
  // Followers, most first (the stored figures); never-synced rows last.
  const sorted = await (await api('/api/roster?sort=followers&pageSize=200')).json();
  const top = (r) =>
    Math.max(
      -1,
      ...r.platforms.map((p) => {
        const e = mf.notesEntry(r.notes, p.platform);
        return e.problem ? -1 : (e.followers ?? -1);
      }),
    );
  const tops = sorted.rows.map(top);
  assert.deepEqual(
    tops,
    [...tops].sort((a, b) => b - a),
  );
  for (const q of ['state=weird', 'sort=age', 'platform=myspace', 'extra=1']) assert.equal((await api(`/api/roster?${q}`)).status, 400, q);
});

test('in Chromium: a filter changes the URL; reload, Back and a shared link give the same view', async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  await page.goto(`${stack.APP}/staff/roster?pageSize=10`);
  await hydrated(page);
  await page.selectOption('[data-testid=view-state]', 'never-synced');
  await page.waitForURL(/state=never-synced/);
  const never = expected('never-synced');
  await page.waitForFunction((n) => document.querySelector('[data-testid=roster-count]')?.textContent?.startsWith(`${n} influencer`), never.length);
  if (await page.locator('[data-testid=next]').count()) {
    await page.click('[data-testid=next]');
    await page.waitForURL(/page=2/);
    // The URL changes when the navigation starts; the second page's rows come with the
    // server's answer (reading the rows before it took the first page's).
    await page.waitForSelector(`tbody tr[data-testid=row-${never[10]}]`);
  }
  const url = page.url();
  const rowsNow = await page.locator('tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-testid')));
  await page.reload();
  await page.waitForSelector('[data-testid=roster-count]');
  assert.deepEqual(await page.locator('tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-testid'))), rowsNow, 'reload');
  const shared = await (await signedInContext(browser, stack.APP)).newPage();
  await shared.goto(url);
  await shared.waitForSelector('[data-testid=roster-count]');
  assert.deepEqual(await shared.locator('tbody tr').evaluateAll((trs) => trs.map((t) => t.getAttribute('data-testid'))), rowsNow, 'a shared link');
  assert.equal(await shared.locator('[data-testid=view-state]').inputValue(), 'never-synced');
  await page.goBack();
  await page.waitForURL((u) => u.href !== url);
  assert.deepEqual(await axeViolations(page), []);
});

test('the bulk refresh takes exactly the selection across pages, says what it will buy first, and retries only the failed', async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  const stale = expected('stale');
  const [a, b] = [stale[0], stale.at(-1)];
  // One row on the first page, one on another (the pager keeps the selection).
  assert.ok(Math.ceil(b / 10) > Math.ceil(a / 10));
  await page.goto(`${stack.APP}/staff/roster?pageSize=10`);
  await hydrated(page);
  await page.check(`[data-testid=select-${a}]`);
  for (let p = 2; p <= Math.ceil(b / 10); p++) {
    await page.click('[data-testid=next]');
    await page.waitForSelector(`[data-testid=row-${(p - 1) * 10 + 1}]`);
  }
  await page.check(`[data-testid=select-${b}]`);
  assert.equal(await page.locator('[data-testid=selection]').getAttribute('data-selected'), '2');
  // The platforms a bulk refresh buys: not fresh under the bulkRefresh TTL (the module's rule).
  const platformsOf = (id) => {
    const inf = influencer(id - 1, seededAt);
    const pr = mf.analyticsProgress(inf.notes === null ? null : JSON.stringify(inf.notes), inf.platforms, {
      ttl: mf.ttlConfigFromEnv({}).config,
      useCase: 'bulkRefresh',
    });
    return inf.platforms.filter((_p, k) => !pr.platforms[k].fresh);
  };
  const failing = account(b - 1, platformsOf(b)[0]).userId;
  // An answer about the request itself fails the job (Modash down would only make it wait: issue 36).
  await stack.sim.config({ errors: { [`${platformsOf(b)[0]}:${failing}`]: { code: 'bad_request', status: 400 } } });
  await stack.sim.reset();
  await page.click('[data-testid=bulk-refresh]');
  const est = await page.waitForSelector('[data-testid=bulk-estimate]');
  const reports = platformsOf(a).length + platformsOf(b).length;
  assert.equal(await est.getAttribute('data-reports'), String(reports), 'the stale platforms of exactly the two rows');
  assert.match(await est.textContent(), new RegExp(`This buys ${reports} reports[\\s\\S]*Credits left today: \\d+[\\s\\S]*at the team's pace`));
  assert.equal((await stack.sim.stats()).report, 0, 'nothing bought before Start');
  await page.click('[data-testid=bulk-start]');
  const progress = await page.waitForSelector('[data-testid=bulk-progress][data-running=false]', { timeout: 60000 });
  assert.equal(await progress.getAttribute('data-failed'), '1');
  const keys = new Set((await stack.sim.stats()).log.filter((c) => c.kind === 'report').map((c) => c.key));
  assert.deepEqual([...keys].sort(), [...platformsOf(a).map((p) => account(a - 1, p).userId), ...platformsOf(b).map((p) => account(b - 1, p).userId)].sort());
  const failure = page.locator(`[data-testid=bulk-failure-${b}-${platformsOf(b)[0]}]`);
  assert.match(await failure.textContent(), /Modash refused the request/);
  assert.match(await failure.textContent(), new RegExp(influencer(b - 1, seededAt).name));
  await stack.sim.config({ errors: {} });
  await stack.sim.reset();
  await page.click('[data-testid=bulk-retry-failed]');
  assert.equal(await (await page.waitForSelector('[data-testid=bulk-estimate]')).getAttribute('data-reports'), '1', 'only the failed one');
  await page.click('[data-testid=bulk-start]');
  await page.waitForSelector('[data-testid=bulk-progress][data-running=false][data-done="1"]', { timeout: 60000 });
  assert.deepEqual(
    (await stack.sim.stats()).log.filter((c) => c.kind === 'report').map((c) => c.key),
    [failing],
  );
});

test('a selection box cannot be ticked before the page is interactive (a tick React never saw would say selected while the refresh took the page)', async () => {
  const context = await signedInContext(browser, stack.APP);
  const html = await (await context.request.get(`${stack.APP}/staff/roster?pageSize=10`)).text();
  const boxes = html.match(/<input[^>]*data-testid="select-\d+"[^>]*>/g) ?? [];
  assert.equal(boxes.length, 10, "the server renders the page's rows");
  assert.ok(
    boxes.every((b) => /\sdisabled=""/.test(b)),
    boxes[0],
  );
  const page = await context.newPage();
  await page.goto(`${stack.APP}/staff/roster?pageSize=10`);
  await hydrated(page);
  assert.equal(await page.locator('input[data-testid^=select-]').count(), 10);
  assert.equal(await page.locator('input[data-testid^=select-]:disabled').count(), 0, 'enabled once mounted');
  await context.close();
});

test('"select all N that match" selects the whole view, not the page', async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  await page.goto(`${stack.APP}/staff/roster?pageSize=10&state=never-synced`);
  await hydrated(page);
  // (The test before refreshed some rows: the store says how many match now.)
  const { total } = await (await api('/api/roster?state=never-synced&pageSize=1')).json();
  assert.ok(total > 10, 'more than a page');
  await page.click('[data-testid=select-all-matching]');
  await page.waitForFunction((n) => document.querySelector('[data-testid=selection]')?.getAttribute('data-selected') === String(n), total);
  await page.click('[data-testid=bulk-refresh]');
  await page.waitForSelector('[data-testid=bulk-estimate]');
  await page.click('[data-testid=bulk-dismiss]');
  assert.equal(await page.locator('[data-testid=bulk-estimate]').count(), 0, 'nothing started');
});

test('a bulk refresh keeps going through a page change, with the panel open', async () => {
  const page = await (await signedInContext(browser, stack.APP)).newPage();
  const { total } = await (await api('/api/roster?state=stale&pageSize=1')).json();
  assert.ok(total > 10, `${total} stale influencers: more than a page`);
  await page.goto(`${stack.APP}/staff/roster?pageSize=10&state=stale`);
  await hydrated(page);
  await page.click('[data-testid=select-all-matching]');
  // More than a page selected (the exact count is the test above's: rows can leave the stale view meanwhile).
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=selection]')?.getAttribute('data-selected')) > 10);
  await page.click('[data-testid=bulk-refresh]');
  const reports = Number(await (await page.waitForSelector('[data-testid=bulk-estimate]')).getAttribute('data-reports'));
  assert.ok(reports > 10);
  await page.click('[data-testid=bulk-start]');
  await page.click('[data-testid=next]');
  await page.waitForURL(/page=2/);
  await page.click('[data-testid^=open-] >> nth=0');
  const done = await page.waitForSelector('[data-testid=bulk-progress][data-running=false]', { timeout: 90000 });
  const n = (k) => done.getAttribute(k).then(Number);
  assert.equal((await n('data-done')) + (await n('data-failed')) + (await n('data-preparing')), await n('data-total'), 'every job settled, none cancelled');
  assert.equal((await n('data-total')) + (await n('data-already-queued')), reports, 'each platform queued once (by this batch or already)');
  assert.equal(await n('data-cancelled'), 0);
});
