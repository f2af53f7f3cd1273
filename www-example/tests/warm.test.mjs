// The warm roster (issue 30) with real processes: the refresher syncs a never-synced row before
// anyone opens it (and the panel opens on it at once), stays within its share of the daily
// credits, yields every place of the team gate to a panel, and is one for the team across three
// instances on PostgreSQL.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { baseConfig } from '../lib/config.mjs';
import { openStore } from '../lib/store.mjs';
import { account, CASES } from '../lib/roster-data.mjs';
import { ROOT } from '../lib/procs.mjs';
import { BROWSER_ARGS, sessionCookie, signedInContext, staffFetch, startStack, until } from './helpers.mjs';
import { rows, sql } from './db.mjs';

const PG = baseConfig().MIGRATE_TEST_PG_URL;
const WARM = { MODASH_WARM_REFRESH: '1', MODASH_SCHEDULER_EVERY_S: '1' };
const entryOf = async (store, id, platform) => {
  const [r] = await rows(store, sql`SELECT ${store.notesText} AS n FROM influencers WHERE id = ${id}`);
  try {
    return JSON.parse(r.n)?.modash_data?.platforms?.[platform] ?? null;
  } catch {
    return null;
  }
};
/** The refresher's reports (its lookups cost no credit). */
const warmCalls = (store) =>
  rows(store, sql`SELECT staff, use_case AS u, status FROM modash_calls WHERE kind = 'report' AND use_case LIKE 'warm:%' ORDER BY id`);
/** The first username-only influencer (never synced, no id: the refresher's first kind of work) whose account Modash has. */
const usernameOnly = (nth = 0) => CASES.indexOf('username-only') + 1 + nth * CASES.length;

describe('the warm refresher on SQLite', () => {
  let stack, store;
  const ready = (async () => {
    // 48 influencers; a small daily budget, half of it for the refresher: it stops at 10.
    stack = await startStack({
      name: 'warm',
      appPort: 3290,
      simPort: 4290,
      rosterSize: 48,
      simEnv: { MODASH_SIM_LATENCY: '0.05', MODASH_SIM_429_RATE: '0' },
      appEnv: { ...WARM, MODASH_DAILY_CREDITS: '20', MODASH_WARM_SHARE: '0.5' },
    });
    store = openStore({ url: '', file: stack.DB });
  })();
  after(async () => {
    await store?.close();
    stack?.stop();
  });

  test('a never-synced row is synced before anyone opens it, and its panel opens on stored data at once', async () => {
    await ready;
    const id = usernameOnly(0);
    await until('the refresher synced the row', async () => (await entryOf(store, id, 'instagram'))?.last_refreshed);
    const calls = await warmCalls(store);
    assert.ok(
      calls.some((c) => c.u === 'warm:never-synced' && c.status === 200),
      JSON.stringify(calls),
    );
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
    try {
      const page = await (await signedInContext(browser, stack.APP)).newPage();
      await page.goto(`${stack.APP}/staff/roster`);
      const userId = account(id - 1, 'instagram').userId;
      const callsFor = async () => (await stack.sim.stats()).log.filter((c) => c.key === userId || c.key === account(id - 1, 'instagram').username).length;
      const before = await callsFor();
      await page.click(`[data-testid=open-${id}]`);
      await page.waitForSelector('[data-testid=panel-source]');
      assert.match(await page.locator('[data-testid=panel-source]').textContent(), /Saved report/);
      assert.equal(await page.locator('[data-testid=m-followers]').textContent(), account(id - 1, 'instagram').followers.toLocaleString('en'));
      assert.equal(await callsFor(), before, 'no Modash call for it: stored and fresh');
      await page.goto(`${stack.APP}/staff/modash?window=1h`);
      await until(
        'the open reached the metrics',
        async () => {
          await page.reload();
          return Number(await page.locator('[data-testid=at-once-count]').textContent()) >= 1;
        },
        100,
      );
      assert.ok(Number(await page.locator('[data-testid=warm-never-synced]').textContent()) >= 1);
      await page.screenshot({ path: join(ROOT, 'artifacts', 'metrics-warm.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  test('its share of the daily credits is never exceeded (10 of 20), though never-synced rows remain', async () => {
    await ready;
    await until('the share is spent', async () => (await warmCalls(store)).filter((c) => c.status === 200).length >= 10);
    // Several more ticks: nothing more is bought.
    await new Promise((r) => setTimeout(r, 4000));
    const bought = (await warmCalls(store)).filter((c) => c.status === 200);
    assert.equal(bought.length, 10, JSON.stringify(bought));
    const stillNever = [];
    for (let n = 0; n < 4; n++) if (!(await entryOf(store, CASES.indexOf('crm-only') + 1 + n * CASES.length, 'instagram'))?.last_refreshed) stillNever.push(n);
    assert.ok(stillNever.length > 0, 'work was left: the share stopped it');
    const status = await (await fetch(`${stack.APP}/api/modash/status`, { headers: { cookie: await sessionCookie(stack.APP) } })).json();
    assert.ok(status.credits.spent <= 20);
  });
});

describe('the warm refresher and staff', () => {
  let stack, store;
  const ready = (async () => {
    // One call at a time, slow reports: the refresher always has a call waiting for the gate.
    stack = await startStack({
      name: 'warm-yield',
      appPort: 3292,
      simPort: 4292,
      rosterSize: 120,
      simEnv: { MODASH_SIM_LATENCY: '1', MODASH_SIM_429_RATE: '0' },
      appEnv: { ...WARM, MODASH_GATE_CONCURRENCY: '1', MODASH_GATE_RPS: '1.5' },
    });
    store = openStore({ url: '', file: stack.DB });
  })();
  after(async () => {
    await store?.close();
    stack?.stop();
  });

  test('a panel opened while the refresher works is admitted first: no refresher report starts between its request and its call', async () => {
    await ready;
    await until('the refresher is working', async () => (await warmCalls(store)).length >= 2);
    const api = staffFetch(stack.APP, await sessionCookie(stack.APP));
    const id = CASES.indexOf('stale') + 1 + 5 * CASES.length;
    const userId = account(id - 1, 'instagram').userId;
    const asked = Date.now();
    const res = await api(`/api/roster/${id}/refresh-analytics`, { body: { platform: 'instagram', useCase: 'roster', force: true } });
    assert.equal(res.status, 200);
    const log = (await stack.sim.stats()).log;
    const mine = log.findIndex((c) => c.kind === 'report' && c.key === userId);
    assert.ok(mine >= 0);
    // Reports only (lookups have a limit of their own). A refresher report admitted in the
    // moment the panel's request was on its way to the gate (100 ms) is not a queue jump.
    const between = log.slice(0, mine).filter((c) => c.kind === 'report' && c.at > asked + 100);
    assert.deepEqual(
      between.map((c) => c.key),
      [],
      'refresher reports that started after the panel asked and before its call',
    );
  });
});

if (PG) {
  describe('the warm refresher on PostgreSQL, three instances', () => {
    let stack, store;
    const ready = (async () => {
      stack = await startStack({
        name: 'mf_warm',
        pg: PG,
        instances: 3,
        appPort: 3294,
        simPort: 4294,
        rosterSize: 48,
        simEnv: { MODASH_SIM_LATENCY: '0.05', MODASH_SIM_429_RATE: '0' },
        appEnv: { ...WARM, MODASH_DAILY_CREDITS: '40' },
      });
      store = openStore({ url: stack.dbUrl });
    })();
    after(async () => {
      await store?.close();
      stack?.stop();
    });

    test('one refresher for the team: one holder, no report bought twice, within the share', async () => {
      await ready;
      await until('the share is spent', async () => (await warmCalls(store)).filter((c) => c.status === 200).length >= 20);
      await new Promise((r) => setTimeout(r, 4000));
      const calls = await warmCalls(store);
      const holders = new Set(calls.map((c) => c.staff));
      assert.equal(holders.size, 1, `one holder: ${[...holders].join(', ')}`);
      assert.equal(calls.filter((c) => c.status === 200).length, 20, 'half of the 40 credits');
      const reports = (await stack.sim.stats()).log.filter((c) => c.kind === 'report' && c.status === 200).map((c) => `${c.platform}:${c.key}`);
      assert.equal(new Set(reports).size, reports.length, 'no report bought twice');
      const [lease] = await rows(store, sql`SELECT warm_owner AS o FROM modash_account`);
      assert.ok(lease.o, 'the lease is held');
    });
  });
}
