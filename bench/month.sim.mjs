// Thirty days of a roster, simulated, under three policies (issue 30):
//   today  refresh on open: stored data is shown at once and refreshed in the background when
//          older than the roster TTL; nothing stored: the panel waits for a lookup and a report;
//   warm   today's, plus the background refresher of lib/warm-policy.mjs (the app's rule): never
//          synced rows first, then rows older than the maximum age, then due rows of influencers
//          opened lately, within its share of the daily budget;
//   aware  warm, with change-aware intervals: a row's TTL doubles each time a refresh finds
//          nothing changed since the one before (capped at 7 days), and resets when one does.
// The roster: N influencer platforms, half never synced at the start (a roster that is new or
// grew), 2 % more added each week. Modash's own data per account changes on Modash's stated
// cadences (help.modash.io, "API cheat sheet": very basic data at least weekly, basic data twice
// a month, analysed data monthly; each account on its own cycle), with a day of spread. Staff:
// 8 people opening 40 panels a working day each (weekdays, 09:00-17:00 UTC), choosing
// influencers on a Zipf(1) popularity. One credit per report; lookups free; the daily budget
// MODASH_DAILY_CREDITS (1,000). First data: stored data 80-200 ms; a report for a stored userId
// 300-700 ms; a lookup then a report 800-2,200 ms (the simulated service's latencies, plus the
// app's); a refused call (budget spent) counts as no data.
// "How late staff saw a change": for every change of Modash's data that staff saw during the
// month, the hours from the change to the first open that showed it (after the open's own
// background refresh).
// Usage: node bench/month.sim.mjs [--sizes 400,10000] [--days 30] [--from-day 0] [--json]
// (--days 60 --from-day 30: the second month, once the refresher has caught up with the roster.)
import { createRequire } from 'node:module';
import { baseConfig } from '../www-example/lib/config.mjs';
import { rng } from '../www-example/lib/roster-data.mjs';
import { warmAllowance, warmOldAllowance, warmOptions, warmPicks } from '../www-example/lib/warm-policy.mjs';

const mf = createRequire(import.meta.url)('../pkg-node/modash_flow.js');
const argv = (name, d) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : d; };
const SIZES = argv('--sizes', '400,10000').split(',').map(Number);
const DAYS = Number(argv('--days', 30));
/** Days played before the measured ones (a roster already in its steady state): counted from here. */
const FROM = Number(argv('--from-day', 0));
const H = 3_600_000, D = 24 * H, STEP = 10 * 60_000;
const config = baseConfig();
const TTL = mf.resolveTtl(mf.ttlConfigFromEnv({}).config, 'roster', 'instagram');
const CAP = 7 * D;
const STAFF = 8, OPENS_PER_DAY = 40, DAILY = config.MODASH_DAILY_CREDITS;

const quantile = (xs, q) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** The world (the same for every policy): rows, Modash's change times, staff opens. */
function world(n) {
  const r = rng(n * 13 + 5);
  const rows = [];
  const add = (at, synced) => {
    const id = rows.length;
    // Modash's three layers, each on the account's own cycle with a day of spread.
    const changes = [];
    for (const [every, spread] of [[7 * D, D], [15 * D, D], [30 * D, D]]) {
      for (let t = -r() * every; t < DAYS * D; t += every + (r() - 0.5) * spread) if (t > at - 60 * D) changes.push(t);
    }
    changes.sort((a, b) => a - b);
    rows.push({ id, added: at, changes, synced, syncedAge: r() * 20 * D });
  };
  for (let i = 0; i < n; i++) add(0, r() < 0.5);
  // The roster grows 2 % a week, new rows never synced.
  for (let w = 1; w * 7 < DAYS; w++) for (let i = 0; i < Math.round(n * 0.02); i++) add(w * 7 * D + r() * D, false);
  // Zipf(1) popularity over a random order of the rows present at the start.
  const order = rows.map((x) => x.id).sort(() => r() - 0.5);
  const weights = order.map((_, k) => 1 / (k + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const cdf = [];
  let acc = 0;
  for (const w of weights) cdf.push((acc += w / total));
  const pick = () => {
    const u = r();
    let lo = 0, hi = cdf.length - 1;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cdf[mid] < u) lo = mid + 1; else hi = mid; }
    return order[lo];
  };
  const opens = [];
  for (let day = 0; day < DAYS; day++) {
    if (day % 7 >= 5) continue; // weekends
    for (let k = 0; k < STAFF * OPENS_PER_DAY; k++) {
      let id = pick();
      // New rows get opened too: a share of opens goes to the rows added lately.
      if (r() < 0.05) { const fresh = rows.filter((x) => x.added <= day * D && x.added > day * D - 14 * D && x.added > 0); if (fresh.length) id = fresh[Math.floor(r() * fresh.length)].id; }
      opens.push({ at: day * D + 9 * H + r() * 8 * H, id, latency: r() });
    }
  }
  opens.sort((a, b) => a.at - b.at);
  return { rows, opens };
}

/** The last change of Modash's data at or before `t` (or -Infinity). */
function lastChange(row, t) {
  let lo = 0, hi = row.changes.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (row.changes[mid] <= t) lo = mid + 1; else hi = mid; }
  return lo ? row.changes[lo - 1] : -Infinity;
}

function run(policy, w) {
  const state = w.rows.map((x) => ({
    id: x.id, lastRefreshed: x.synced ? -x.syncedAge : null, hasUserId: x.synced, seenUpTo: x.synced ? lastChange(x, -x.syncedAge) : -Infinity,
    openedAt: null, unchanged: 0, seenChanges: new Set(),
  }));
  let credits = 0, dayCredits = 0, dayWarm = 0, dayOld = 0, day = 0, atOnce = 0, failed = 0;
  const firstData = [], lateness = [];
  const bought = { 'never-synced': 0, 'too-old': 0, due: 0 };
  const ttlOf = (s) => (policy === 'aware' ? Math.min(CAP, TTL * 2 ** s.unchanged) : TTL);
  const buy = (s, t) => {
    if (dayCredits >= DAILY) return false;
    if (t >= FROM * D) credits++;
    dayCredits++;
    const row = w.rows[s.id];
    const newest = lastChange(row, t);
    s.unchanged = newest > s.seenUpTo ? 0 : s.unchanged + 1;
    s.seenUpTo = newest;
    s.lastRefreshed = t; s.hasUserId = true;
    return true;
  };
  let next = 0;
  for (let t = 0; t < DAYS * D; t += STEP) {
    if (Math.floor(t / D) !== day) { day = Math.floor(t / D); dayCredits = 0; dayWarm = 0; dayOld = 0; }
    // Staff opens in this step.
    for (; next < w.opens.length && w.opens[next].at < t + STEP; next++) {
      const o = w.opens[next];
      const s = state[o.id], row = w.rows[o.id];
      if (row.added > o.at) continue;
      const measured = o.at >= FROM * D;
      if (!measured) {
        // Played, not counted: the open's refresh still happens.
        s.openedAt = o.at;
        if (s.lastRefreshed === null || o.at - s.lastRefreshed > ttlOf(s)) buy(s, o.at);
        for (const c of row.changes) { if (c > s.seenUpTo) break; s.seenChanges.add(c); }
        continue;
      }
      s.openedAt = o.at;
      if (s.lastRefreshed !== null) {
        atOnce++;
        firstData.push(80 + o.latency * 120);
        if (o.at - s.lastRefreshed > ttlOf(s)) buy(s, o.at);
      } else if (buy(s, o.at)) {
        firstData.push(s.hasUserId ? 300 + o.latency * 400 : 800 + o.latency * 1400);
      } else {
        failed++;
        firstData.push(Infinity);
        continue;
      }
      // The changes this open showed for the first time.
      for (const c of row.changes) {
        if (c > s.seenUpTo) break;
        if (c >= 0 && !s.seenChanges.has(c)) { s.seenChanges.add(c); lateness.push((o.at - c) / H); }
      }
    }
    if (policy === 'today') continue;
    // The refresher: its share of what is left today, in the policy's order.
    const allowance = warmAllowance({ daily: DAILY, spentToday: dayCredits, warmSpentToday: dayWarm, share: config.MODASH_WARM_SHARE });
    if (allowance <= 0) continue;
    const present = state.filter((s) => w.rows[s.id].added <= t);
    const o = warmOptions(config, TTL, t);
    const view = present.map((s) => ({ id: s.id, hasIdentity: true, lastRefreshed: s.lastRefreshed, gone: false, pending: false, unreadable: false, openedAt: s.openedAt, s }));
    const opts = policy === 'aware' ? { ...o, ttlMs: Infinity } : o;
    const oldLimit = warmOldAllowance({ daily: DAILY, oldSpentToday: dayOld, share: config.MODASH_WARM_OLD_SHARE });
    let picks = warmPicks(view, opts, allowance, oldLimit);
    if (policy === 'aware') {
      // Due under each row's own interval.
      const due = view.filter((v) => v.lastRefreshed !== null && t - v.lastRefreshed > ttlOf(v.s) && t - v.lastRefreshed <= o.maxAgeMs && v.openedAt !== null && t - v.openedAt <= o.openedWithinMs)
        .sort((a, b) => b.openedAt - a.openedAt).map((row) => ({ row, reason: 'due' }));
      picks = [...picks, ...due].slice(0, allowance);
    }
    for (const p of picks) {
      if (!buy(p.row.s, t)) break;
      dayWarm++;
      if (p.reason === 'too-old') dayOld++;
      if (t >= FROM * D) bought[p.reason]++;
    }
  }
  const opens = firstData.length;
  return {
    policy, credits, opens, atOnce: atOnce / opens, failed, firstDataP95: quantile(firstData, 0.95),
    latenessP50: quantile(lateness, 0.5), latenessP95: quantile(lateness, 0.95), changesSeen: lateness.length, bought,
  };
}

const results = [];
for (const n of SIZES) {
  const w = world(n);
  for (const policy of ['today', 'warm', 'aware']) results.push({ size: n, ...run(policy, w) });
}
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(results, null, 2));
} else {
  const base = Object.fromEntries(results.filter((r) => r.policy === 'today').map((r) => [r.size, r.credits]));
  const f = (x, d = 0) => (x === null ? '—' : x === Infinity ? '∞' : x.toFixed(d));
  console.log(`TTL ${TTL / H} h, daily budget ${DAILY}, warm share ${config.MODASH_WARM_SHARE}, maximum age ${config.MODASH_WARM_MAX_AGE_DAYS} d, opened within ${config.MODASH_WARM_OPENED_DAYS} d, days ${FROM}-${DAYS} measured`);
  console.log('| rows | policy | credits | vs today | opens | stored data at once | first data p95 | lateness p50 / p95 (h) | bought by the refresher (never synced / too old / due) |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.size} | ${r.policy} | ${r.credits} | ${(r.credits / base[r.size]).toFixed(2)}x | ${r.opens} | ${(r.atOnce * 100).toFixed(1)} % | ${f(r.firstDataP95)} ms | ${f(r.latenessP50, 1)} / ${f(r.latenessP95, 1)} | ${r.policy === 'today' ? '—' : `${r.bought['never-synced']} / ${r.bought['too-old']} / ${r.bought.due}`} |`);
  }
}
