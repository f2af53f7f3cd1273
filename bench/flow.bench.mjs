// The seed plan's success metrics in a reproducible simulation: a deterministic workload of
// panel opens (first opens, re-opens, platform switches) over the seeded roster, replayed
// against the simulated Modash service (its latency model, 10% of answers 429 with
// Retry-After: 1) once with the old flow and once with the new one.
// A third run replays the same opens after the warm refresher (issue 30) covered the roster.
// Usage: node bench/flow.bench.mjs [--scale 1] [--opens 240] [--lanes 4] [--json]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { influencer, rng } from '../www-example/lib/roster-data.mjs';
import { start, stop, waitForHttp } from '../www-example/lib/procs.mjs';
import { median } from './cases.mjs';
import { warmPicks } from '../www-example/lib/warm-policy.mjs';

const require = createRequire(import.meta.url);
const mf = require('../pkg-node/modash_flow.js');
const arg = (name, d) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : d; };
const SCALE = arg('--scale', 1), OPENS = arg('--opens', 240), LANES = arg('--lanes', 4);
const PORT = 4231, SIM = `http://127.0.0.1:${PORT}`;
const NOW = Date.now();
const ROSTER = 120;

/** The workload: [influencer index, platform, kind] events, the same for both flows. */
function workload() {
  const r = rng(7), opened = [], events = [];
  const usable = Array.from({ length: ROSTER }, (_, i) => influencer(i, NOW)).filter((x) => x.kase !== 'malformed-notes');
  while (events.length < OPENS) {
    const roll = r();
    if (roll < 0.4 || opened.length === 0) {
      const inf = usable[Math.floor(r() * usable.length)];
      events.push([inf.id - 1, inf.platforms[0], 'first']);
      opened.push(inf);
    } else if (roll < 0.8) {
      const inf = opened[Math.floor(r() * opened.length)];
      events.push([inf.id - 1, inf.platforms[0], 're-open after the TTL']);
    } else {
      const inf = opened[Math.floor(r() * opened.length)];
      events.push([inf.id - 1, inf.platforms[Math.floor(r() * inf.platforms.length)], 'switch']);
    }
  }
  return events;
}

async function call(path) {
  const res = await fetch(`${SIM}${path}`, { headers: { Authorization: 'Bearer sim' } });
  if (!res.ok) {
    await res.arrayBuffer();
    throw Object.assign(new Error(`Modash API error (${res.status})`), { status: res.status, retryAfter: res.headers.get('retry-after') });
  }
  return res.json();
}

/** The seed plan's starting point: legacy id first, 12 h hard-coded, no retry, no userId stored, payload in notes. */
async function oldOpen(state, i, p, m) {
  const notes = state.notes[i] ?? {};
  const md = notes.modash_data ?? {};
  const entry = md.platforms?.[p];
  const last = Date.parse(entry?.last_refreshed ?? '');
  if (entry?.cached_payload && Date.now() - last <= 12 * 3600e3) return true;
  let userId = md.userId ?? md.modash_user_id ?? entry?.userId ?? null; // legacy tried first, whatever its platform
  try {
    if (!userId) {
      m.lookup++;
      const found = await call(`/v1/${p}/users?query=${encodeURIComponent(state.inf[i].accounts[p].username)}&limit=1`);
      userId = found.users[0].userId; // used once, never stored
    }
    m.report++;
    const report = await call(`/v1/${p}/profile/${encodeURIComponent(userId)}/report`);
    const n = state.notes[i] ?? {};
    n.modash_data ??= {};
    n.modash_data.platforms ??= {};
    n.modash_data.platforms[p] = { ...(n.modash_data.platforms[p] ?? {}), last_refreshed: new Date().toISOString(), cached_payload: report };
    state.notes[i] = n;
    return true;
  } catch (e) {
    if (e.status === 404) m.notFound++;
    if (e.status === 429) m.rateLimited++;
    return false;
  }
}

/** The new flow: resolveUserId, one TTL function, cache table, retries, userId always stored, slim notes,
 * stale data shown while it refreshes. */
async function newOpen(state, i, p, m, shown) {
  const notes = state.notes[i] ?? null;
  const fresh = mf.analyticsProgress(notes, [p]).platforms[0];
  const cacheId = notes?.modash_data?.platforms?.[p]?.cache_id;
  // Stale-while-revalidate, as the panel does: the cached payload or the slim metrics in notes
  // are on screen at once, with their age, while the refresh runs.
  const entry = notes?.modash_data?.platforms?.[p];
  // An account a search found only look-alikes of is remembered (the app's influencer_platforms
  // status): its sentence is on screen at once, nothing is searched again.
  if (state.gone.has(`${i}:${p}`)) { shown(); return false; }
  if ((cacheId && state.cache.has(cacheId)) || Number.isFinite(entry?.followers)) shown();
  if (fresh.fresh && cacheId && state.cache.has(cacheId)) return true;
  const r = mf.resolveUserId(notes, p);
  const out = await mf.retryRequest(async () => {
    let userId = r.userId;
    if (!userId) {
      m.lookup++;
      // A search lists look-alikes first: only the exact username counts (the old flow takes users[0]).
      const username = state.inf[i].accounts[p].username;
      const found = await call(`/v1/${p}/users?query=${encodeURIComponent(username)}&limit=5`);
      userId = mf.pickExactMatch(found.users ?? [], username).userId;
      if (!userId) { state.gone.add(`${i}:${p}`); throw Object.assign(new Error(`no exact match for @${username}`), { status: 404 }); }
      r.userId = userId; // a retry after a 429 on the report does not look up again
    }
    m.report++;
    return { userId, report: await call(`/v1/${p}/profile/${encodeURIComponent(userId)}/report`) };
  }, { maxRetries: 3, onRetry: (info) => { if (info.status === 429) m.rateLimited++; } });
  if (!out.success) {
    if (out.status === 404) m.notFound++;
    if (out.status === 429) m.rateLimited++;
    return false;
  }
  store(state, i, p, out.data.userId, out.data.report);
  return true;
}

/** A fetched report into the cache and notes (the figures where Modash documents them). */
function store(state, i, p, userId, report) {
  const id = String(state.cache.size + 1);
  state.cache.set(id, report);
  const f = mf.reportFigures(p, JSON.stringify(report));
  // Merged into the notes as they are now (another open may have written meanwhile), as the
  // route handler re-reads the row inside its transaction.
  state.notes[i] = mf.mergeAnalytics(state.notes[i] ?? null, p, { ...f, userId: f.userId ?? userId }, { cacheId: id }).notes;
}

/**
 * The warm refresher having covered the roster (www-example/lib/warm-policy.mjs, the app's
 * rule): every platform it would buy, in its order, fetched before the first open. Returns the
 * reports bought.
 */
async function warmUp(state) {
  const rows = [];
  state.inf.forEach((inf, i) => inf.platforms.forEach((p) => {
    const notes = state.notes[i];
    const text = typeof inf.notes === 'string' ? inf.notes : notes;
    const progress = mf.analyticsProgress(text, [p]);
    const e = mf.notesEntry(text, p);
    rows.push({ id: rows.length, i, p, hasIdentity: true, lastRefreshed: progress.platforms[0]?.lastRefreshed ?? null, hasData: e.followers !== null || e.cacheId !== null,
      gone: false, pending: false, unreadable: progress.problem !== null, openedAt: null });
  }));
  const picks = warmPicks(rows, { now: Date.now(), maxAgeMs: 30 * 86_400_000, ttlMs: 12 * 3600e3, openedWithinMs: 0 }, rows.length);
  let bought = 0;
  for (const { row } of picks) {
    const r = mf.resolveUserId(state.notes[row.i] ?? null, row.p);
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        let userId = r.userId;
        if (!userId) {
          const username = state.inf[row.i].accounts[row.p].username;
          userId = mf.pickExactMatch((await call(`/v1/${row.p}/users?query=${encodeURIComponent(username)}&limit=5`)).users ?? [], username).userId;
          if (!userId) { state.gone.add(`${row.i}:${row.p}`); break; }
        }
        store(state, row.i, row.p, userId, await call(`/v1/${row.p}/profile/${encodeURIComponent(userId)}/report`));
        bought++;
        break;
      } catch (e) {
        if (e.status !== 429) break;
        await new Promise((res) => setTimeout(res, 1000)); // the refresher waits its turn at the gate
      }
    }
  }
  return bought;
}

async function run(name, open, events, { warm = false } = {}) {
  await fetch(`${SIM}/__sim/reset`, { method: 'POST' });
  const inf = Array.from({ length: ROSTER }, (_, i) => influencer(i, NOW));
  const state = { inf, notes: inf.map((x) => (typeof x.notes === 'string' ? null : structuredClone(x.notes))), cache: new Map(), gone: new Set() };
  const warmReports = warm ? await warmUp(state) : 0;
  if (warm) await fetch(`${SIM}/__sim/reset`, { method: 'POST' });
  const m = { lookup: 0, report: 0, rateLimited: 0, notFound: 0, reopenLookups: 0 };
  const times = [], storedTimes = [], freshTimes = [], storedFreshTimes = [], byKind = {};
  let ok = 0, next = 0;
  const done = new Set(); // (influencer, platform) pairs with a successful fetch behind them
  async function lane() {
    while (next < events.length) {
      const [i, p, kind] = events[next++];
      if (kind.startsWith('re-open')) {
        // A day later: the platform's cache has expired, in both flows alike.
        const e = state.notes[i]?.modash_data?.platforms?.[p];
        if (e) e.last_refreshed = new Date(Date.now() - 25 * 3600e3).toISOString();
      }
      const had = !!mf.resolveUserId(state.notes[i], p).userId;
      const wasDone = done.has(`${i}:${p}`);
      const mine = { lookup: 0, report: 0, rateLimited: 0, notFound: 0 }; // this open's own counts
      const t0 = performance.now();
      let shownMs = null; // first analytics on screen (stale allowed), when before the end
      const success = await open(state, i, p, mine, () => { shownMs ??= performance.now() - t0; });
      for (const k of Object.keys(mine)) m[k] += mine[k];
      const ms = performance.now() - t0;
      if (success) { ok++; done.add(`${i}:${p}`); }
      // Panel open = the first analytics on screen: the cached data when there is some, else
      // the fetched data (or the error) at the end.
      const openMs = shownMs ?? ms;
      times.push(openMs);
      freshTimes.push(ms);
      if (had) { storedTimes.push(openMs); storedFreshTimes.push(ms); }
      (byKind[`${kind}${had ? ', userId stored' : ''}`] ??= []).push(openMs);
      if (wasDone) m.reopenLookups += mine.lookup;
    }
  }
  await Promise.all(Array.from({ length: LANES }, lane));
  const stats = await (await fetch(`${SIM}/__sim/stats`)).json();
  const touched = [...new Set(events.map((e) => e[0]))];
  const bytes = touched.reduce((n, i) => n + Buffer.byteLength(JSON.stringify(state.notes[i] ?? {})), 0) / touched.length;
  const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
  return {
    flow: name,
    ...(warm ? { warmReportsBefore: warmReports } : {}),
    modashCallsPerOpen: +(stats.report + stats.lookup) / events.length,
    lookupsOnReopen: m.reopenLookups,
    reopens: events.filter((e) => e[2].startsWith('re-open')).length,
    p50OpenMs: Math.round(median(times)), p95OpenMs: Math.round(p95(times)),
    p95OpenMsWithStoredUserId: storedTimes.length ? Math.round(p95(storedTimes)) : null,
    p95OpenMsByKind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, { opens: v.length, p50: Math.round(median(v)), p95: Math.round(p95(v)) }])),
    p95UntilFreshMs: Math.round(p95(freshTimes)),
    p95UntilFreshMsWithStoredUserId: storedFreshTimes.length ? Math.round(p95(storedFreshTimes)) : null,
    successRate: +(ok / events.length).toFixed(4),
    notFoundShareOfCalls: +(stats.notFound / Math.max(1, stats.report + stats.lookup)).toFixed(4),
    notesBytesPerInfluencer: Math.round(bytes),
    serviceCounters: { report: stats.report, lookup: stats.lookup, rateLimited: stats.rateLimited, notFound: stats.notFound },
  };
}

const sim = start('sim', process.execPath, [join(fileURLToPath(new URL('../www-example/scripts/modash-sim.mjs', import.meta.url)))],
  // 429s by share (10 %), as measured before the simulated service had per-endpoint limits.
  { MODASH_SIM_PORT: String(PORT), MODASH_SIM_LATENCY: String(SCALE), MODASH_SIM_429_RATE: '0.1', MODASH_SIM_RETRY_AFTER: '1', MODASH_SIM_REPORT_RPS: '0', MODASH_SIM_LOOKUP_RPS: '0', ROSTER_SIZE: String(ROSTER) }, { quiet: true });
try {
  await waitForHttp(`${SIM}/__sim/stats`);
  const events = workload();
  const counts = events.reduce((c, e) => ({ ...c, [e[2]]: (c[e[2]] ?? 0) + 1 }), {});
  const result = { latencyScale: SCALE, opens: events.length, lanes: LANES, workload: counts, old: await run('old', oldOpen, events), new: await run('new', newOpen, events),
    warm: await run('new, after the warm refresher covered the roster', newOpen, events, { warm: true }) };
  console.log(process.argv.includes('--json') ? JSON.stringify(result) : JSON.stringify(result, null, 2));
} finally {
  stop(sim);
}
