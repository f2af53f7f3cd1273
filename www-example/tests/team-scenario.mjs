// A team on one Modash key, with real processes: N `next start` instances on one store, a
// simulated Modash that answers 429 to more than 2 reports (or 10 lookups) started in any second (no random
// 429s), and six staff browser contexts spread over the instances: bulk refreshes of
// overlapping pages (two of them on the same page from different instances), panels opened
// while they run, platform switches, and two instances refreshing two platforms of one
// influencer at the same moment. Used by tests/team.test.mjs (asserts) and
// bench/team.bench.mjs (figures for BENCHMARKS.md).
import { chromium } from 'playwright-core';
import { openStore } from '../lib/store.mjs';
import { BROWSER_ARGS, sessionCookie, signedInContext, staffFetch, startStack, OTHER_STAFF } from './helpers.mjs';
import { row, sql } from './db.mjs';

const quantile = (xs, q) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/**
 * Runs the scenario. `pgUrl`: a PostgreSQL server (a database `db` is made on it); without
 * it, one SQLite file. Returns the figures and what the assertions need.
 */
export async function teamScenario({
  instances = 3,
  pgUrl = null,
  db = 'mf_team',
  basePort = 3240,
  simPort = 4240,
  pageSize = 30,
  latency = 0.3,
  env = {},
  log = () => {},
}) {
  let browser, stack;
  try {
    stack = await startStack({
      name: db,
      pg: pgUrl,
      instances,
      appPort: basePort,
      simPort,
      appEnv: env,
      simEnv: { MODASH_SIM_LATENCY: String(latency), MODASH_SIM_429_RATE: '0' },
    });
    const { SIM, APPS: apps } = stack;
    await stack.sim.config({ limits: { report: 2, lookup: 10 }, retryAfter: 1 });
    await stack.sim.reset();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS });
    const at = (k) => apps[k % apps.length];
    const errors = [];
    const tab = async (k, who, query = '') => {
      const context = await signedInContext(browser, at(k), who, { viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(`tab ${k}: ${e}`));
      await page.goto(`${at(k)}/staff/roster?pageSize=${pageSize}${query}`);
      await page.waitForSelector('[data-testid=badge-1]');
      return page;
    };
    const toPage = async (page, n) => {
      for (let i = 1; i < n; i++) {
        const first = await page.locator('tbody tr').first().getAttribute('data-testid');
        await page.click('[data-testid=next]');
        await page.waitForFunction((f) => document.querySelector('tbody tr')?.getAttribute('data-testid') !== f, first);
      }
    };
    // Six contexts: A, B bulk-refresh page 1 (instances 0 and 1), C, D page 2 (instances 2 and
    // 0), E opens panels on other rows while they run (instance 1), F switches platforms (instance 2).
    const [A, B, C, D] = await Promise.all([tab(0, undefined), tab(1, OTHER_STAFF), tab(2, undefined), tab(3, OTHER_STAFF)]);
    await Promise.all([toPage(C, 2), toPage(D, 2)]);
    const E = await tab(4, undefined, '').then(async (p) => {
      await p.goto(`${at(4)}/staff/roster?pageSize=120`);
      await p.waitForSelector('[data-testid=badge-120]');
      return p;
    });
    const F = await tab(5, OTHER_STAFF);
    const t0 = Date.now();
    await Promise.all([A, B, C, D].map((p) => p.click('[data-testid=bulk-refresh]')));
    await Promise.all([A, B, C, D].map((p) => p.click('[data-testid=bulk-start]'))); // after the estimate
    const bulkDone = Promise.all([A, B, C, D].map((p) => p.waitForSelector('[data-testid=bulk-progress][data-running=false]', { timeout: 300000 })));

    // A panel opened in tab A during its own bulk refresh, on a row late in that bulk's queue
    // (id 26, stale on page 1): the server puts it before the queued bulk calls.
    await new Promise((r) => setTimeout(r, 2000));
    let sameTabWait = null;
    {
      const t = Date.now();
      await A.click('[data-testid=open-26]');
      const shown = await A.waitForSelector('[data-testid=panel-metrics][data-stale=false], [data-testid=panel-refresh-error], [data-testid=panel-error]', {
        timeout: 120000,
      });
      if ((await shown.getAttribute('data-testid')) === 'panel-metrics') sameTabWait = Date.now() - t;
      await A.click('[data-testid=panel-close]');
    }
    // Panels opened during the bulk refreshes, on stale rows no bulk refresh covers (ids 91-120).
    const panelWaits = [];
    let panelFailures = 0;
    for (const id of [92, 98, 100, 104, 110, 116]) {
      await new Promise((r) => setTimeout(r, 1500));
      const t = Date.now();
      await E.click(`[data-testid=open-${id}]`);
      const shown = await E.waitForSelector('[data-testid=panel-metrics][data-stale=false], [data-testid=panel-refresh-error], [data-testid=panel-error]', {
        timeout: 120000,
      });
      if ((await shown.getAttribute('data-testid')) === 'panel-metrics') panelWaits.push(Date.now() - t);
      else panelFailures++;
      await E.click('[data-testid=panel-close]');
    }
    // Platform switches on an influencer with three platforms (id 10, 'mixed').
    await F.click('[data-testid=open-10]');
    for (const p of ['tiktok', 'youtube', 'instagram', 'youtube']) {
      await F.click(`[data-testid=switch-${p}]`);
      await F.waitForSelector('[data-testid=panel-metrics], [data-testid=panel-error]', { timeout: 60000 });
    }
    // Two instances refresh two platforms of one influencer at the same moment (id 206, stale, instagram + tiktok).
    const both = await Promise.all([
      staffFetch(at(0), await sessionCookie(at(0)))('/api/roster/206/refresh-analytics', { body: { platform: 'instagram', useCase: 'roster', force: true } }),
      staffFetch(at(1), await sessionCookie(at(1), OTHER_STAFF))('/api/roster/206/refresh-analytics', {
        body: { platform: 'tiktok', useCase: 'roster', force: true },
      }),
    ]);
    const bothStatus = both.map((r) => r.status);
    await bulkDone;
    const seconds = (Date.now() - t0) / 1000;
    const progress = await Promise.all(
      [A, B, C, D].map(async (p) => {
        const l = p.locator('[data-testid=bulk-progress]');
        return {
          total: Number(await l.getAttribute('data-total')),
          done: Number(await l.getAttribute('data-done')),
          failed: Number(await l.getAttribute('data-failed')),
        };
      }),
    );
    const stats = await (await fetch(`${SIM}/__sim/stats`)).json();
    const reports = stats.log.filter((c) => c.kind === 'report' && c.status === 200);
    const byKey = new Map();
    for (const c of reports) byKey.set(`${c.platform}:${c.key}`, (byKey.get(`${c.platform}:${c.key}`) ?? 0) + 1);
    // The one deliberate double: influencer 206's forced refreshes are one per platform, so none.
    const repeated = [...byKey.values()].reduce((n, v) => n + v - 1, 0);
    const s = openStore(pgUrl ? { url: stack.dbUrl } : { url: '', file: stack.DB });
    const notes206 = (await row(s, sql`SELECT ${s.notesText} AS n FROM influencers WHERE id = 206`)).n;
    await s.close();
    const calls = stats.report + stats.lookup;
    return {
      instances,
      tabs: 6,
      seconds,
      calls,
      lookups: stats.lookup,
      reports: stats.report,
      rateLimited: stats.rateLimited,
      share429: calls ? stats.rateLimited / calls : 0,
      repeatedReports: repeated,
      refreshesPerMinute: (reports.length / seconds) * 60,
      bulk: progress,
      sameTabWait,
      panelWaits,
      panelFailures,
      panelP50: quantile(panelWaits, 0.5),
      panelP95: quantile(panelWaits, 0.95),
      bothStatus,
      notes206,
      errors,
    };
  } finally {
    await browser?.close().catch(() => {});
    stack?.stop();
    log('done');
  }
}
