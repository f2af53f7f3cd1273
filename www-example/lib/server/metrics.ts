// The flow's figures from real traffic: every Modash call and every panel open is a row;
// rows older than MODASH_METRICS_RETENTION_DAYS (7) are rolled up into hourly rows (counts and
// latency histograms), so the log stays bounded and every window can still be read.
import { logModashCall } from '../modash-http.mjs';
import 'server-only';
import { sql } from 'kysely';
import { store } from './store';
import { serverConfig } from './config';
import { log, requestId } from '../log.mjs';

const HOUR = 3_600_000;
/** Histogram bucket upper edges (ms) for rolled-up latencies; the last bucket is open. */
export const EDGES = [25, 50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000, Infinity];
export const RETENTION_DAYS = serverConfig().MODASH_METRICS_RETENTION_DAYS;

export interface CallRow {
  kind: 'lookup' | 'report' | 'info';
  platform: string;
  status: number;
  latencyMs: number;
  waitedMs: number;
  waited429: boolean;
  credits: number;
  staff: string | null;
  useCase: string | null;
  cohort: string | null;
}
export interface PanelOpen {
  staff: string;
  influencerId: number;
  platform: string;
  firstDataMs: number | null;
  freshDataMs: number | null;
  source: string | null;
  lookup: boolean;
  outcome: 'fresh' | 'stale' | 'error';
  cohort: string;
}

export async function logCall(c: CallRow): Promise<void> {
  await logModashCall(store(), c, requestId()).catch((e) => log().error({ err: e }, 'a Modash call could not be written to the call log'));
}

let opensSinceRollUp = 0;

export async function logPanelOpen(o: PanelOpen): Promise<{ reopen: boolean }> {
  const { db } = store();
  // A re-open: this influencer platform was opened before (by anyone) within the raw log.
  const earlier = await db
    .selectFrom('panel_opens')
    .select('id')
    .where('influencer_id', '=', o.influencerId)
    .where('platform', '=', o.platform)
    .limit(1)
    .executeTakeFirst();
  await db
    .insertInto('panel_opens')
    .values({
      at: Date.now(),
      staff: o.staff,
      influencer_id: o.influencerId,
      platform: o.platform,
      first_data_ms: o.firstDataMs,
      fresh_data_ms: o.freshDataMs,
      source: o.source,
      lookup: o.lookup ? 1 : 0,
      reopen: earlier ? 1 : 0,
      outcome: o.outcome,
      cohort: o.cohort,
    })
    .execute();
  if (++opensSinceRollUp >= 500) {
    opensSinceRollUp = 0;
    await rollUp().catch(() => {});
  }
  return { reopen: Boolean(earlier) };
}

function histogram(values: number[]): number[] {
  const h = EDGES.map(() => 0);
  for (const v of values) h[EDGES.findIndex((e) => v <= e)]++;
  return h;
}

/** A quantile of exact values plus histogram counts (an exact answer when no histogram counts). */
function quantile(values: number[], hist: number[], q: number): number | null {
  const n = values.length + hist.reduce((a, b) => a + b, 0);
  if (!n) return null;
  if (values.length === n) {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.min(n - 1, Math.floor(q * n))];
  }
  const all = histogram(values).map((c, i) => c + (hist[i] ?? 0));
  let seen = 0;
  for (let i = 0; i < all.length; i++) {
    seen += all[i];
    if (seen > q * n) return Number.isFinite(EDGES[i]) ? EDGES[i] : EDGES[EDGES.length - 2];
  }
  return null;
}

/** Rolls raw rows older than the retention into hourly rows, in one transaction. Returns the rows rolled. */
export async function rollUp(now = Date.now(), retentionDays = RETENTION_DAYS): Promise<{ calls: number; opens: number }> {
  const cutoff = Math.floor((now - retentionDays * 86_400_000) / HOUR) * HOUR;
  return store().tx(async (db) => {
    const calls = await db.selectFrom('modash_calls').selectAll().where('at', '<', cutoff).execute();
    const groups = new Map<
      string,
      { hour: number; kind: string; platform: string; cohort: string; calls: number; rate_limited: number; waited_429: number; failed: number; credits: number }
    >();
    for (const c of calls) {
      const hour = Math.floor(c.at / HOUR) * HOUR;
      const key = `${hour}|${c.kind}|${c.platform}|${c.cohort ?? ''}`;
      const g = groups.get(key) ?? {
        hour,
        kind: c.kind,
        platform: c.platform,
        cohort: c.cohort ?? '',
        calls: 0,
        rate_limited: 0,
        waited_429: 0,
        failed: 0,
        credits: 0,
      };
      g.calls++;
      g.rate_limited += c.status === 429 ? 1 : 0;
      g.waited_429 += c.waited_429;
      g.failed += c.status >= 400 ? 1 : 0;
      g.credits += c.credits;
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      await db
        .insertInto('modash_calls_hourly')
        .values(g)
        .onConflict((oc) =>
          oc.columns(['hour', 'kind', 'platform', 'cohort']).doUpdateSet((eb) => ({
            calls: eb('modash_calls_hourly.calls', '+', eb.ref('excluded.calls')),
            rate_limited: eb('modash_calls_hourly.rate_limited', '+', eb.ref('excluded.rate_limited')),
            waited_429: eb('modash_calls_hourly.waited_429', '+', eb.ref('excluded.waited_429')),
            failed: eb('modash_calls_hourly.failed', '+', eb.ref('excluded.failed')),
            credits: eb('modash_calls_hourly.credits', '+', eb.ref('excluded.credits')),
          })),
        )
        .execute();
    }
    await db.deleteFrom('modash_calls').where('at', '<', cutoff).execute();

    const opens = await db.selectFrom('panel_opens').selectAll().where('at', '<', cutoff).execute();
    const og = new Map<
      string,
      {
        hour: number;
        cohort: string;
        opens: number;
        reopens: number;
        lookups: number;
        reopen_lookups: number;
        fresh: number;
        first: number[];
        freshMs: number[];
      }
    >();
    for (const o of opens) {
      const hour = Math.floor(o.at / HOUR) * HOUR;
      const key = `${hour}|${o.cohort ?? ''}`;
      const g = og.get(key) ?? { hour, cohort: o.cohort ?? '', opens: 0, reopens: 0, lookups: 0, reopen_lookups: 0, fresh: 0, first: [], freshMs: [] };
      g.opens++;
      g.reopens += o.reopen;
      g.lookups += o.lookup;
      g.reopen_lookups += o.reopen && o.lookup ? 1 : 0;
      g.fresh += o.outcome === 'fresh' ? 1 : 0;
      if (o.first_data_ms !== null) g.first.push(o.first_data_ms);
      if (o.fresh_data_ms !== null) g.freshMs.push(o.fresh_data_ms);
      og.set(key, g);
    }
    for (const g of og.values()) {
      const prev = await db.selectFrom('panel_opens_hourly').selectAll().where('hour', '=', g.hour).where('cohort', '=', g.cohort).executeTakeFirst();
      const add = (a: string | undefined, b: number[]) => (a ? (JSON.parse(a) as number[]) : EDGES.map(() => 0)).map((c, i) => c + b[i]);
      const row = {
        hour: g.hour,
        cohort: g.cohort,
        opens: g.opens + (prev?.opens ?? 0),
        reopens: g.reopens + (prev?.reopens ?? 0),
        lookups: g.lookups + (prev?.lookups ?? 0),
        reopen_lookups: g.reopen_lookups + (prev?.reopen_lookups ?? 0),
        fresh: g.fresh + (prev?.fresh ?? 0),
        first_hist: JSON.stringify(add(prev?.first_hist, histogram(g.first))),
        fresh_hist: JSON.stringify(add(prev?.fresh_hist, histogram(g.freshMs))),
      };
      if (prev) await db.updateTable('panel_opens_hourly').set(row).where('hour', '=', g.hour).where('cohort', '=', g.cohort).execute();
      else await db.insertInto('panel_opens_hourly').values(row).execute();
    }
    await db.deleteFrom('panel_opens').where('at', '<', cutoff).execute();
    return { calls: calls.length, opens: opens.length };
  });
}

export const WINDOWS = { '1h': HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR } as const;
export type WindowName = keyof typeof WINDOWS;

export interface CohortFigures {
  opens: number;
  firstOpens: number;
  reopens: number;
  lookupsPerFirstOpen: number | null;
  reopenLookups: number;
  firstDataP50: number | null;
  firstDataP95: number | null;
  freshDataP50: number | null;
  freshDataP95: number | null;
  successRate: number | null;
}

/** Every figure of the metrics page for a window ending now. */
export async function flowMetrics(window: WindowName, now = Date.now()) {
  await rollUp(now).catch((e) => log().error({ err: e }, 'the metrics roll-up failed'));
  const { db } = store();
  const from = now - WINDOWS[window];
  const hourOf = (t: number) => Math.floor(t / HOUR) * HOUR;
  const raw = await db.selectFrom('modash_calls').select(['at', 'kind', 'status', 'waited_429', 'credits', 'cohort']).where('at', '>=', from).execute();
  const rolled = await db.selectFrom('modash_calls_hourly').selectAll().where('hour', '>=', hourOf(from)).execute();
  const hours = new Map<number, { hour: number; lookup: number; report: number; rateLimited: number; waited429: number }>();
  for (let h = hourOf(from); h <= hourOf(now); h += HOUR) hours.set(h, { hour: h, lookup: 0, report: 0, rateLimited: 0, waited429: 0 });
  const bump = (hour: number, kind: string, n: number, rl: number, w: number) => {
    const x = hours.get(hour);
    // Lookups and reports: the account read (/v1/user/info, kind 'info') is neither.
    if (!x || (kind !== 'lookup' && kind !== 'report')) return;
    if (kind === 'lookup') x.lookup += n;
    else x.report += n;
    x.rateLimited += rl;
    x.waited429 += w;
  };
  for (const c of raw) bump(hourOf(c.at), c.kind, 1, c.status === 429 ? 1 : 0, c.waited_429);
  for (const r of rolled) bump(r.hour, r.kind, r.calls, r.rate_limited, r.waited_429);
  const perHour = [...hours.values()];
  const total = perHour.reduce((n, h) => n + h.lookup + h.report, 0);
  const rateLimited = perHour.reduce((n, h) => n + h.rateLimited, 0);
  const waited429 = perHour.reduce((n, h) => n + h.waited429, 0);

  const opens = await db.selectFrom('panel_opens').selectAll().where('at', '>=', from).execute();
  const opensRolled = await db.selectFrom('panel_opens_hourly').selectAll().where('hour', '>=', hourOf(from)).execute();
  const cohortFigures = (cohort: string | null): CohortFigures => {
    const rows = opens.filter((o) => cohort === null || o.cohort === cohort);
    const rr = opensRolled.filter((o) => cohort === null || o.cohort === cohort);
    const sum = (k: 'opens' | 'reopens' | 'lookups' | 'reopen_lookups' | 'fresh') => rr.reduce((n, r) => n + r[k], 0);
    const hist = (k: 'first_hist' | 'fresh_hist') =>
      rr.reduce(
        (acc, r) => (JSON.parse(r[k]) as number[]).map((c, i) => c + acc[i]),
        EDGES.map(() => 0),
      );
    const n = rows.length + sum('opens');
    const reopens = rows.filter((o) => o.reopen).length + sum('reopens');
    const firstOpens = n - reopens;
    const firstLookups = rows.filter((o) => !o.reopen && o.lookup).length + (sum('lookups') - sum('reopen_lookups'));
    const first = rows.flatMap((o) => (o.first_data_ms === null ? [] : [o.first_data_ms]));
    const fresh = rows.flatMap((o) => (o.fresh_data_ms === null ? [] : [o.fresh_data_ms]));
    return {
      opens: n,
      firstOpens,
      reopens,
      lookupsPerFirstOpen: firstOpens ? firstLookups / firstOpens : null,
      reopenLookups: rows.filter((o) => o.reopen && o.lookup).length + sum('reopen_lookups'),
      firstDataP50: quantile(first, hist('first_hist'), 0.5),
      firstDataP95: quantile(first, hist('first_hist'), 0.95),
      freshDataP50: quantile(fresh, hist('fresh_hist'), 0.5),
      freshDataP95: quantile(fresh, hist('fresh_hist'), 0.95),
      successRate: n ? (rows.filter((o) => o.outcome === 'fresh').length + sum('fresh')) / n : null,
    };
  };
  const opensPerHour = [...hours.keys()].map((hour) => {
    const inHour = opens.filter((o) => hourOf(o.at) === hour);
    const fresh = inHour.flatMap((o) => (o.fresh_data_ms === null ? [] : [o.fresh_data_ms]));
    const r = opensRolled.filter((o) => o.hour === hour);
    return {
      hour,
      opens: inHour.length + r.reduce((n, x) => n + x.opens, 0),
      freshP95: quantile(
        fresh,
        r.reduce(
          (acc, x) => (JSON.parse(x.fresh_hist) as number[]).map((c, i) => c + acc[i]),
          EDGES.map(() => 0),
        ),
        0.95,
      ),
    };
  });

  // Credits today (UTC), from the log (the gate's own counter is on the roster page).
  const dayStart = Math.floor(now / 86_400_000) * 86_400_000;
  const spentRaw = await db
    .selectFrom('modash_calls')
    .select((eb) => eb.fn.sum<number>('credits').as('c'))
    .where('at', '>=', dayStart)
    .executeTakeFirst();
  const spentRolled = await db
    .selectFrom('modash_calls_hourly')
    .select((eb) => eb.fn.sum<number>('credits').as('c'))
    .where('hour', '>=', dayStart)
    .executeTakeFirst();
  const creditsToday = Number(spentRaw?.c ?? 0) + Number(spentRolled?.c ?? 0);

  // The warm refresher's reports in the window, by why it bought them (lib/server/warm.ts), and
  // the share of panel opens that showed stored data at once (raw rows: roll-ups keep no source).
  const warmRows = await db
    .selectFrom('modash_calls')
    .select(['use_case'])
    .where('at', '>=', from)
    .where('status', '=', 200)
    .where('kind', '=', 'report')
    .where('use_case', 'like', 'warm:%')
    .execute();
  const warmBought: Record<string, number> = { 'never-synced': 0, 'too-old': 0, due: 0 };
  for (const w of warmRows) {
    const reason = (w.use_case ?? '').slice(5);
    warmBought[reason] = (warmBought[reason] ?? 0) + 1;
  }
  // `source` is where an open's first data came from (the panel's beacon).
  const withSource = opens.filter((o) => o.source !== null);
  const atOnce = withSource.filter((o) => o.source === 'cache' || o.source === 'notes').length;

  return {
    window,
    from,
    now,
    warm: { bought: warmBought, total: warmRows.length },
    atOnce: { opens: withSource.length, atOnce, share: withSource.length ? atOnce / withSource.length : null },
    calls: { perHour, total, rateLimited, waited429, share429: total ? rateLimited / total : null },
    opens: { all: cohortFigures(null), cache: cohortFigures('cache'), legacy: cohortFigures('legacy'), perHour: opensPerHour },
    credits: { today: creditsToday },
    notes: await notesBytes(),
  };
}

/** Notes bytes per influencer (median and p95) now and, where the payload migration ran, before it. */
async function notesBytes() {
  const s = store();
  const bytesExpr = s.kind === 'postgres' ? sql<number>`octet_length(notes::text)` : sql<number>`length(CAST(notes AS BLOB))`;
  const now = (
    await s.db
      .selectFrom('influencers')
      .select(['id', bytesExpr.as('b')])
      .execute()
  ).map((r) => ({ id: r.id, b: Number(r.b ?? 0) }));
  let before: Map<number, number> | null = null;
  try {
    const bBytes = s.kind === 'postgres' ? sql<number>`octet_length(notes::text)` : sql<number>`length(CAST(notes AS BLOB))`;
    const rows = await sql<{ id: number; b: number }>`SELECT influencer_id AS id, ${bBytes} AS b FROM notes_backup`.execute(s.db);
    before = new Map(rows.rows.map((r) => [Number(r.id), Number(r.b ?? 0)]));
  } catch {
    before = null; // no migration tables in this store
  }
  const stats = (xs: number[]) => {
    const v = [...xs].sort((a, b) => a - b);
    const q = (p: number) => (v.length ? v[Math.min(v.length - 1, Math.floor(p * v.length))] : null);
    return { n: v.length, median: q(0.5), p95: q(0.95), total: v.reduce((a, b) => a + b, 0) };
  };
  return {
    now: stats(now.map((r) => r.b)),
    beforeMigration: before && before.size ? stats(now.map((r) => before!.get(r.id) ?? r.b)) : null,
    migratedRows: before?.size ?? 0,
  };
}

/** A day's reports of one cause: how many, how many changed nothing, and the credits those cost. */
export interface ReportChanges {
  day: string;
  cause: string;
  reports: number;
  compared: number;
  unchanged: number;
  unchangedCredits: number;
}

/**
 * Reports bought in the window, compared with the ones they replaced (modash_reports, written
 * by refresh.ts), per UTC day and cause (panel, bulk, warm, retry), newest day first; and the
 * totals. A report with nothing before it is counted, not compared.
 */
export async function reportChanges(window: WindowName, now = Date.now()) {
  const rows = await store()
    .db.selectFrom('modash_reports')
    .select(['at', 'cause', 'changed', 'credits'])
    .where('at', '>=', now - WINDOWS[window])
    .execute();
  const by = new Map<string, ReportChanges>();
  for (const r of rows) {
    const day = new Date(Number(r.at)).toISOString().slice(0, 10);
    const key = `${day}|${r.cause}`;
    const g = by.get(key) ?? { day, cause: r.cause, reports: 0, compared: 0, unchanged: 0, unchangedCredits: 0 };
    g.reports++;
    if (r.changed !== null) g.compared++;
    if (r.changed === 0) {
      g.unchanged++;
      g.unchangedCredits += Number(r.credits);
    }
    by.set(key, g);
  }
  const perDay = [...by.values()].sort((a, b) => b.day.localeCompare(a.day) || a.cause.localeCompare(b.cause));
  const compared = perDay.reduce((n, g) => n + g.compared, 0);
  const unchanged = perDay.reduce((n, g) => n + g.unchanged, 0);
  return {
    perDay,
    reports: rows.length,
    compared,
    unchanged,
    unchangedShare: compared ? unchanged / compared : null,
    unchangedCredits: perDay.reduce((n, g) => n + g.unchangedCredits, 0),
  };
}
