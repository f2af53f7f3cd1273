// Modash's contract, as documented (tests/fixtures/modash/SOURCES.md): the documented example
// answers read by the app's reader (the module's reportFigures; lib/modash-user-info.mjs), the
// stored figures of a documented report, a report in preparation retried by the server through
// the team gate, the account's own credits (not_enough_credits stops the spending, /v1/user/info
// tells the balance), and lookups on their own limit. Routes on SQLite and (with
// MIGRATE_TEST_PG_URL) PostgreSQL; the panel and the bulk refresh in Chromium.
import { after, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { baseConfig } from '../lib/config.mjs';
import { openStore } from '../lib/store.mjs';
import { account, CASES, goneFromModash } from '../lib/roster-data.mjs';
import { readUserInfo } from '../lib/modash-user-info.mjs';
import { checkModashKey } from '../scripts/modash-check.mjs';
import { ROOT } from '../lib/procs.mjs';
import { BROWSER_ARGS, sessionCookie, signedInContext, staffFetch, startStack, until } from './helpers.mjs';
import { rows, sql } from './db.mjs';

const { reportFigures } = createRequire(import.meta.url)('../../pkg-node/modash_flow.js');
const PG = baseConfig().MIGRATE_TEST_PG_URL;
const FIXTURES = new URL('../../tests/fixtures/modash/', import.meta.url).pathname;
const fixture = (name) => readFileSync(join(FIXTURES, name), 'utf8');
const staleId = (nth) => CASES.indexOf('stale') + 1 + nth * CASES.length;

describe("the documented answers, through the app's readers", () => {
  // [fixture, platform, followers, engagementRate (a fraction), avgViews]
  const REPORTS = [
    ['report.instagram.json', 'instagram', 313300000, 0.0027044, 10478123],
    ['report.tiktok.json', 'tiktok', 80512345, 0.0841, 1216800],
    ['report.youtube.json', 'youtube', 44800000, 0.0112, 2094200],
    ['report.instagram.no-views.json', 'instagram', 12040, 0.0333, null],
  ];
  for (const [file, platform, followers, engagementRate, avgViews] of REPORTS) {
    test(`${file}: the slim figures where Modash documents them`, () => {
      const f = reportFigures(platform, fixture(file));
      assert.deepEqual([f.followers, f.engagementRate, f.avgViews], [followers, engagementRate, avgViews]);
      assert.equal(f.userId, JSON.parse(fixture(file)).profile.userId);
      assert.deepEqual(f.missing, avgViews === null ? ['avgViews'] : []);
    });
  }

  test('/v1/user/info: the credits under `billing` or at the top (the docs do not show the shape)', () => {
    assert.equal(readUserInfo(JSON.parse(fixture('user-info.json'))).credits, 2999.5);
    assert.equal(readUserInfo({ error: false, credits: 12, rawRequests: 3 }).credits, 12);
    assert.deepEqual(readUserInfo({ error: false }), { credits: null, rawRequests: null, plan: null, rateLimits: null }, 'unknown, never 0');
    assert.deepEqual(readUserInfo({ billing: { credits: '7' }, rateLimits: { discovery: 2, bad: 'x' } }).rateLimits, { discovery: 2 });
  });
});

const backends = [{ name: 'sqlite', pg: null, port: 3280 }];
if (PG) backends.push({ name: 'postgres', pg: PG, port: 3282 });

for (const b of backends) {
  describe(`Modash as documented, on ${b.name}`, () => {
    let stack, api, store;
    const ready = (async () => {
      stack = await startStack({
        name: b.pg ? 'mf_contract' : 'modash-contract',
        pg: b.pg,
        appPort: b.port,
        simPort: b.port + 1000,
        simEnv: { MODASH_SIM_LATENCY: '0.02', MODASH_SIM_429_RATE: '0' },
        // The scheduled work every second; a report in preparation asked again after 1 s, then 2 s.
        appEnv: {
          MODASH_LOOKUP_RPS: '7.5',
          MODASH_SCHEDULER_EVERY_S: '1',
          MODASH_RETRY_LATER_S: '1',
          MODASH_RETRY_LATER_AGAIN_S: '2',
          MODASH_USER_INFO_EVERY_S: '1',
        },
      });
      api = staffFetch(stack.APP, await sessionCookie(stack.APP));
      store = openStore(b.pg ? { url: stack.dbUrl } : { url: '', file: stack.DB });
    })();
    after(async () => {
      await store?.close();
      stack?.stop();
    });
    // A job a test left waiting (a 429, Modash out of credits: the work queue runs it again,
    // issue 36) would spend the next test's answers: each test starts with nothing queued but
    // the scheduled retries a test waits for.
    beforeEach(async () => {
      if (store) await sql`UPDATE modash_jobs SET state = 'cancelled' WHERE state = 'queued' AND cause <> 'retry'`.execute(store.db);
    });

    const entryOf = async (id, platform) => {
      const [r] = await rows(store, sql`SELECT ${store.notesText} AS n FROM influencers WHERE id = ${id}`);
      return JSON.parse(r.n).modash_data.platforms[platform];
    };
    const ipOf = async (id, platform) =>
      (
        await rows(
          store,
          sql`SELECT modash_status AS s, modash_retry_at AS at, modash_retries AS n FROM influencer_platforms WHERE influencer_id = ${id} AND platform = ${platform}`,
        )
      )[0];
    const refresh = (id, platform, force = true, useCase = 'roster') => api(`/api/roster/${id}/refresh-analytics`, { body: { platform, useCase, force } });
    const reportsFor = async (userId) => (await stack.sim.stats()).log.filter((c) => c.kind === 'report' && c.key === userId);

    test("a documented report's figures are stored as Modash sent them, for every platform", async () => {
      await ready;
      const id = staleId(0);
      for (const platform of ['instagram', 'tiktok']) {
        const acc = account(id - 1, platform);
        const res = await refresh(id, platform);
        assert.equal(res.status, 200, await res.clone().text());
        const body = await res.json();
        const e = await entryOf(id, platform);
        assert.deepEqual([e.followers, e.engagementRate, e.avgViews], [acc.followers, acc.engagementRate, acc.avgViews], platform);
        assert.deepEqual([body.profile.followers, body.profile.engagementRate, body.profile.avgViews], [acc.followers, acc.engagementRate, acc.avgViews]);
        // The panel reads the cached report's figures from the server, not Modash's shape.
        const cached = await (await api(`/api/modash/cache/${body.cacheId}`)).json();
        assert.equal(cached.figures.followers, acc.followers);
      }
    });

    test("the fixture's figures are the stored figures; a figure the report lacks is stored as null, not kept", async () => {
      await ready;
      const id = staleId(1);
      const userId = account(id - 1, 'instagram').userId;
      await stack.sim.config({ errors: { [`instagram:${userId}`]: { status: 200, raw: fixture('report.instagram.json') } } });
      assert.equal((await refresh(id, 'instagram')).status, 200);
      let e = await entryOf(id, 'instagram');
      assert.deepEqual([e.followers, e.engagementRate, e.avgViews], [313300000, 0.0027044, 10478123]);
      await stack.sim.config({ errors: { [`instagram:${e.userId}`]: { status: 200, raw: fixture('report.instagram.no-views.json') } } });
      assert.equal((await refresh(id, 'instagram')).status, 200);
      e = await entryOf(id, 'instagram');
      assert.deepEqual([e.followers, e.engagementRate, e.avgViews], [12040, 0.0333, null], "the old avgViews is not this refresh's");
      await stack.sim.config({ errors: {} });
    });

    test('retry_later: 503, the row says "in preparation", the server asks again through the gate (once, then once more), then stops', async () => {
      await ready;
      const id = staleId(2);
      const userId = account(id - 1, 'instagram').userId;
      await stack.sim.config({ errors: { [`instagram:${userId}`]: { code: 'retry_later', status: 400 } } });
      await stack.sim.reset();
      const res = await refresh(id, 'instagram', true, 'bulkRefresh');
      const body = await res.json();
      assert.deepEqual([res.status, body.code], [503, 'REPORT_IN_PREPARATION']);
      assert.match(body.error, /Modash is preparing this report; it will be fetched again at \d\d:\d\d UTC/);
      const ip = await ipOf(id, 'instagram');
      assert.equal(ip.s, 'retry_later');
      assert.ok(ip.at > Date.now() - 5000 && ip.at < Date.now() + 5000, 'scheduled MODASH_RETRY_LATER_S ahead');
      const page = await (await api(`/api/roster?page=${Math.ceil(id / 50)}&pageSize=50`)).json();
      assert.ok(page.rows.find((r) => r.id === id).platforms.find((p) => p.platform === 'instagram').modashPending, 'the roster says so');
      // Still preparing: the scheduled retry, then the last one, and no more.
      await until(
        'two scheduled retries ran',
        async () =>
          (await ipOf(id, 'instagram')).s === 'still_preparing' && (await ipOf(id, 'instagram')).at === null && (await reportsFor(userId)).length === 3,
      );
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal((await reportsFor(userId)).length, 3, 'one call by staff, two scheduled, then none');
      const calls = await rows(store, sql`SELECT staff, use_case AS u FROM modash_calls WHERE kind = 'report' AND staff = 'scheduled retry'`);
      assert.ok(calls.length >= 2, 'the retries went through the gate and the call log');
      // The retries were jobs of the work queue: staff's ended "in preparation", the first
      // scheduled one too, the last failed with a sentence; nothing is left pending.
      const jobs = await rows(
        store,
        sql`SELECT j.cause, j.state, j.code FROM modash_jobs j JOIN influencer_platforms p ON p.id = j.influencer_platform_id
        WHERE p.influencer_id = ${id} AND p.platform = 'instagram' ORDER BY j.id`,
      );
      assert.deepEqual(
        jobs.map((j) => `${j.cause}:${j.state}`),
        ['bulkRefresh:preparing', 'retry:preparing', 'retry:failed'],
        JSON.stringify(jobs),
      );
      assert.equal(jobs[2].code, 'STILL_PREPARING');
      // The row left "in preparation" (it was stuck there): the roster says Modash is still preparing it, with the wait.
      const after = await (await api(`/api/roster?page=${Math.ceil(id / 50)}&pageSize=50`)).json();
      const p = after.rows.find((r) => r.id === id).platforms.find((x) => x.platform === 'instagram');
      assert.equal(p.modashPending, null, 'no longer "in preparation"');
      assert.match(p.modashGone?.sentence ?? '', /still preparing this report after the last retry; it is asked again after 24 h/);
      // Staff asking again ("Try again now") asks Modash at once.
      await stack.sim.config({ errors: {} });
      assert.equal((await refresh(id, 'instagram')).status, 200);
    });

    test('retry_later, then the report is ready: the scheduled retry stores it and the row forgets the wait', async () => {
      await ready;
      const id = staleId(3);
      const userId = account(id - 1, 'instagram').userId;
      await stack.sim.config({ errors: { [`instagram:${userId}`]: { code: 'retry_later', status: 400 } } });
      const before = (await entryOf(id, 'instagram'))?.last_refreshed ?? null;
      assert.equal((await refresh(id, 'instagram')).status, 503);
      await stack.sim.config({ errors: {} });
      await until('the scheduled retry stored the report', async () => (await entryOf(id, 'instagram')).last_refreshed !== before);
      assert.deepEqual(await ipOf(id, 'instagram'), { s: null, at: null, n: 0 });
      assert.equal((await entryOf(id, 'instagram')).followers, account(id - 1, 'instagram').followers);
    });

    test("not_enough_credits: Modash's own balance; no report is bought until staff try again", async () => {
      await ready;
      const a = staleId(4),
        bId = staleId(5);
      await stack.sim.config({ credits: 0 });
      await stack.sim.reset();
      let res = await refresh(a, 'instagram');
      let body = await res.json();
      assert.deepEqual([res.status, body.code], [402, 'MODASH_CREDITS_EXHAUSTED']);
      assert.match(body.error, /not the team's daily budget/);
      assert.equal((await stack.sim.stats()).report, 1);
      // Another row, not forced (a bulk refresh, say): answered without a call.
      res = await refresh(bId, 'instagram', false, 'bulkRefresh');
      body = await res.json();
      assert.deepEqual([res.status, body.code], [402, 'MODASH_CREDITS_EXHAUSTED']);
      assert.match(body.error, /no report is bought until \d\d:\d\d UTC/);
      assert.ok(Number(res.headers.get('retry-after')) > 3000, 'about an hour');
      assert.equal((await stack.sim.stats()).report, 1, 'not asked');
      const status = await (await api('/api/modash/status')).json();
      assert.ok(status.account.spendStoppedUntil > Date.now(), 'the status says so');
      // Credits bought; staff try again (force): Modash is asked, and spending resumes.
      await stack.sim.config({ credits: 50 });
      assert.equal((await refresh(bId, 'instagram', true)).status, 200);
      assert.equal((await (await api('/api/modash/status')).json()).account.spendStoppedUntil, null);
    });

    test("/v1/user/info: the account's credits beside the budget, read again as reports are bought", async () => {
      await ready;
      await stack.sim.config({ credits: 40 });
      await until('the account read 40 credits', async () => (await (await api('/api/modash/status')).json()).account.credits === 40);
      assert.equal((await refresh(staleId(6), 'instagram')).status, 200);
      await until('the account read 39 credits', async () => (await (await api('/api/modash/status')).json()).account.credits === 39);
      await stack.sim.config({ userInfoShape: 'top', credits: 38 });
      await until('the other reading: 38', async () => (await (await api('/api/modash/status')).json()).account.credits === 38);
      await stack.sim.config({ userInfoShape: 'billing', credits: 100000 });
      const reportsBefore = (await stack.sim.stats()).report;
      const check = await checkModashKey({ ...baseConfig(), MODASH_API_BASE: stack.SIM, MODASH_API_KEY: 'simulated' });
      assert.equal(check.exitCode, 0);
      assert.match(check.lines.join('\n'), /no credit was spent[\s\S]*credits left: 100000/);
      assert.equal((await stack.sim.stats()).report, reportsBefore, 'the check bought nothing');
    });

    // Issue 38: the users list is "updated once per month" (help.modash.io): when it lists no exact
    // match, the report by handle is asked once (as public integrations do) before the account
    // is remembered as not found.
    const usernameOnly = (nth) => CASES.indexOf('username-only') + 1 + nth * CASES.length;
    const notesOf = async (id) => JSON.parse((await rows(store, sql`SELECT ${store.notesText} AS n FROM influencers WHERE id = ${id}`))[0].n);

    test('a creator the monthly list misses is found through its report by handle, bought once and stored', async () => {
      await ready;
      // A username-only row whose account Modash has (not one of the seed's gone ones).
      const id = [5, 7, 8, 9].map(usernameOnly).find((x) => !goneFromModash(x - 1));
      const acc = account(id - 1, 'instagram');
      await stack.sim.config({ unlisted: [acc.username] });
      await stack.sim.reset();
      try {
        const res = await refresh(id, 'instagram', false);
        assert.equal(res.status, 200, await res.clone().text());
        const log = (await stack.sim.stats()).log.map((c) => `${c.kind}:${c.key}:${c.status}`);
        assert.ok(log.includes(`report:@${acc.username}:200`), log.join(' '));
        assert.equal(log.filter((c) => c.startsWith('report:')).length, 1, 'one report: the one by handle');
        const e = (await notesOf(id)).modash_data.platforms.instagram;
        assert.deepEqual([e.userId, e.followers], [acc.userId, acc.followers]);
      } finally {
        await stack.sim.config({ unlisted: [] });
      }
    });

    test('only when the list and the report by handle both say nothing is the account remembered as not found', async () => {
      await ready;
      const id = usernameOnly(6);
      await rows(store, sql`UPDATE influencer_platforms SET username = 'nobody.here.at.all' WHERE influencer_id = ${id} AND platform = 'instagram'`);
      await stack.sim.reset();
      const res = await refresh(id, 'instagram', false);
      const body = await res.json();
      assert.deepEqual([res.status, body.code], [404, 'NO_EXACT_MATCH'], JSON.stringify(body));
      const log = (await stack.sim.stats()).log.map((c) => `${c.kind}:${c.key}`);
      assert.ok(log.includes('report:@nobody.here.at.all'), log.join(' '));
      const [ip] = await rows(store, sql`SELECT modash_status AS s FROM influencer_platforms WHERE influencer_id = ${id} AND platform = 'instagram'`);
      assert.equal(ip.s, 'no_exact_match');
    });

    test('a report that changed nothing is counted with its credits, per day and cause (issue 38)', async () => {
      await ready;
      const id = staleId(10);
      for (let k = 0; k < 2; k++) assert.equal((await refresh(id, 'instagram')).status, 200);
      const [ip] = await rows(store, sql`SELECT id FROM influencer_platforms WHERE influencer_id = ${id} AND platform = 'instagram'`);
      const reports = await rows(store, sql`SELECT cause, changed, credits FROM modash_reports WHERE influencer_platform_id = ${ip.id} ORDER BY id`);
      assert.equal(reports.length, 2);
      // The simulator answers the same report twice: the second changed nothing.
      assert.deepEqual(
        reports.map((r) => [r.cause, Number(r.credits)]),
        [
          ['panel', 1],
          ['panel', 1],
        ],
      );
      assert.equal(Number(reports[1].changed), 0);
      if (!b.pg) {
        const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
        try {
          const page = await (await signedInContext(browser, stack.APP)).newPage();
          await page.goto(`${stack.APP}/staff/modash?window=24h`);
          assert.match(await page.locator(`[data-testid=changes-${new Date().toISOString().slice(0, 10)}-panel]`).textContent(), /\d+ of \d+ compared/);
          assert.notEqual(await page.locator('[data-testid=unchanged-share]').textContent(), '—');
          await page.screenshot({ path: join(ROOT, 'artifacts', 'metrics-glance.png'), fullPage: true });
        } finally {
          await browser.close();
        }
      }
    });

    if (!b.pg) {
      // The list answers of the three platforms (tests/fixtures/modash/users.*.json: YouTube by `handle`), read by the app.
      for (const platform of ['instagram', 'tiktok', 'youtube']) {
        test(`users.${platform}.json: the exact account of the list is the one stored (${platform === 'youtube' ? 'by its handle' : 'by its username'})`, async () => {
          await ready;
          const users = JSON.parse(fixture(`users.${platform}.json`)).users;
          const [ip] = await rows(store, sql`SELECT influencer_id AS id FROM influencer_platforms WHERE platform = ${platform} ORDER BY id DESC LIMIT 1`);
          await rows(store, sql`UPDATE influencer_platforms SET username = ${platform} WHERE influencer_id = ${ip.id} AND platform = ${platform}`);
          await rows(store, sql`UPDATE influencers SET notes = NULL WHERE id = ${ip.id}`);
          await stack.sim.config({ errors: { [`${platform}:${platform}`]: { status: 200, raw: fixture(`users.${platform}.json`) } } });
          try {
            await refresh(ip.id, platform, false);
            // Its report is not the simulator's to give (the fixture's id): the looked-up id is kept all the same.
            assert.equal((await notesOf(ip.id))?.modash_data?.platforms?.[platform]?.userId, users[0].userId);
          } finally {
            await stack.sim.config({ errors: {} });
          }
        });
      }
    }

    test('with MODASH_LOOKUP_RPS set, username lookups go through their own limit (a gate row of their own), reports through the tier', async () => {
      await ready;
      const id = CASES.indexOf('username-only') + 1 + 3 * CASES.length;
      assert.equal((await refresh(id, 'instagram')).status, 200);
      const keys = (await rows(store, sql`SELECT api_key AS k FROM modash_gate`)).map((r) => r.k);
      assert.ok(
        keys.some((k) => k.endsWith(':users')),
        keys.join(),
      );
      assert.ok(keys.some((k) => !k.includes(':')));
    });

    if (!b.pg) {
      test('in Chromium: the bulk refresh and the panel say private, removed and in preparation in staff words', async () => {
        await ready;
        const [priv, gone, prep] = [staleId(7), staleId(8), staleId(9)];
        await stack.sim.config({
          credits: 100000,
          errors: {
            [`instagram:${account(priv - 1, 'instagram').userId}`]: { code: 'private_account', status: 403 },
            [`instagram:${account(gone - 1, 'instagram').userId}`]: { code: 'account_removed', status: 404 },
            [`instagram:${account(prep - 1, 'instagram').userId}`]: { code: 'retry_later', status: 400, retryAfter: 3600 },
          },
        });
        const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
        try {
          const page = await (await signedInContext(browser, stack.APP, undefined, { viewport: { width: 1280, height: 900 } })).newPage();
          await page.goto(`${stack.APP}/staff/roster?pageSize=200&page=1`);
          for (const id of [priv, gone, prep]) await page.check(`[data-testid=select-${id}]`);
          await page.click('[data-testid=bulk-refresh]');
          await page.click('[data-testid=bulk-start]'); // after the estimate
          const progress = await page.waitForSelector('[data-testid=bulk-progress][data-running=false]', { timeout: 60000 });
          assert.equal(await progress.getAttribute('data-preparing'), '1');
          assert.match(await progress.textContent(), /1 being prepared by Modash \(fetched later\)/);
          assert.match(await page.locator(`[data-testid=bulk-failure-${priv}-instagram]`).textContent(), /This account is private on Instagram/);
          assert.match(await page.locator(`[data-testid=bulk-failure-${gone}-instagram]`).textContent(), /This account was removed from Instagram/);
          await page.screenshot({ path: join(ROOT, 'artifacts', 'bulk-modash-answers.png') });
          await page.reload();
          assert.match(await page.locator(`[data-testid=gone-${priv}-instagram]`).textContent(), /Instagram: private/);
          assert.match(await page.locator(`[data-testid=gone-${gone}-instagram]`).textContent(), /Instagram: removed/);
          assert.match(await page.locator(`[data-testid=pending-${prep}-instagram]`).textContent(), /Instagram: report in preparation/);
          await page.click(`[data-testid=open-${prep}]`);
          await page.waitForSelector('[data-testid=panel-refresh-error], [data-testid=panel-error]', { timeout: 30000 });
          assert.match(
            await page.locator('[data-testid=panel-refresh-error], [data-testid=panel-error]').first().textContent(),
            // (This stack retries after 1 s and 2 s: by the time the panel asks, the last retry may be over.)
            /Modash (is|was still) preparing this report/,
          );
          await page.screenshot({ path: join(ROOT, 'artifacts', 'panel-in-preparation.png') });
        } finally {
          await browser.close();
          await stack.sim.config({ errors: {} });
        }
      });
    }
  });
}
