// The seed plan's success metrics from real traffic: Modash calls, 429s, username lookups,
// panel times, success without manual retry, credits, notes size; both rollout groups side by
// side. Server-rendered (figures from the store), charts as SVG with tables for screen readers.
import { LocalTime } from '@/components/LocalTime';
import Link from 'next/link';
import { BarChart } from '@/components/BarChart';
import { flowMetrics, reportChanges, WINDOWS, type CohortFigures, type WindowName } from '@/lib/server/metrics';
import { gateStatus } from '@/lib/server/gate';
import { modashAccount } from '@/lib/server/modash-account';
import { CACHE_LOOKUP_ROLLOUT } from '@/lib/server/rollout';
import { serverConfig } from '@/lib/server/config';

const WARM_SHARE = serverConfig().MODASH_WARM_SHARE;

export const metadata = { title: 'Modash metrics · Staff' };

const pct = (x: number | null, digits = 1) => (x === null ? '—' : `${(x * 100).toFixed(digits)} %`);
const ms = (x: number | null) => (x === null ? '—' : `${Math.round(x).toLocaleString('en')} ms`);
const num = (x: number | null, digits = 2) => (x === null ? '—' : x.toLocaleString('en', { maximumFractionDigits: digits }));

function Verdict({ ok }: { ok: boolean | null }) {
  return ok === null ? (
    <span className="verdict none">no data</span>
  ) : ok ? (
    <span className="verdict ok">met</span>
  ) : (
    <span className="verdict miss">missed</span>
  );
}

function cohortRow(name: string, f: CohortFigures, testId: string) {
  return (
    <tr data-testid={testId}>
      <th scope="row">{name}</th>
      <td>{f.opens}</td>
      <td>{f.firstOpens}</td>
      <td>{num(f.lookupsPerFirstOpen)}</td>
      <td>{f.reopenLookups}</td>
      <td>
        {ms(f.firstDataP50)} / {ms(f.firstDataP95)}
      </td>
      <td>
        {ms(f.freshDataP50)} / {ms(f.freshDataP95)}
      </td>
      <td>{pct(f.successRate)}</td>
    </tr>
  );
}

export default async function ModashMetricsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const w = (await searchParams).window;
  const window: WindowName = typeof w === 'string' && w in WINDOWS ? (w as WindowName) : '24h';
  const [m, gate, account, changes] = await Promise.all([flowMetrics(window), gateStatus(), modashAccount(), reportChanges(window)]);
  // Keyed by the hour itself: a 24 h window spans 25 hour slots, two of them with the same clock hour.
  const hours = m.calls.perHour.map((h) => h.hour);
  const all = m.opens.all;
  const notesCut = m.notes.beforeMigration && m.notes.beforeMigration.median ? 1 - (m.notes.now.median ?? 0) / m.notes.beforeMigration.median : null;
  return (
    <main className="metrics">
      <h1>Modash at a glance</h1>
      <p className="muted">
        Window:{' '}
        {(Object.keys(WINDOWS) as WindowName[]).map((k) => (
          <Link key={k} href={`/staff/modash?window=${k}`} className={k === window ? 'on' : ''} data-testid={`window-${k}`}>
            {k}
          </Link>
        ))}{' '}
        · from live traffic (every Modash call and panel open is logged; older than the retention, hourly roll-ups)
      </p>

      {/* What staff and their manager ask first; the engineering figures follow below. */}
      <section className="figures" aria-label="At a glance" data-testid="at-a-glance">
        <div className="figure" data-testid="glance-working">
          <h2>Is Modash working?</h2>
          <p className="big">{m.calls.total === 0 ? 'No calls yet' : (m.calls.share429 ?? 0) < 0.05 && !gate.pausedUntil ? 'Yes' : 'Slowed down'}</p>
          <p className="muted">
            {m.calls.total} calls in the window, {pct(m.calls.share429, 1)} told to slow down
            {gate.pausedUntil ? ' · Modash asked the team to wait a moment' : ''}
          </p>
        </div>
        <div className="figure" data-testid="glance-spent">
          <h2>How much did we spend?</h2>
          <p className="big">{num(m.credits.today)} credits today</p>
          <p className="muted">
            <span data-testid="unchanged-share">{pct(changes.unchangedShare, 0)}</span> of the reports compared changed nothing (
            <span data-testid="unchanged-credits">{num(changes.unchangedCredits)}</span> credits in the window)
          </p>
        </div>
        <div className="figure" data-testid="glance-speed">
          <h2>How fast do panels open?</h2>
          <p className="big">{ms(all.firstDataP50)}</p>
          <p className="muted">
            usually; 1 in 20 takes longer than {ms(all.firstDataP95)} · {pct(m.atOnce.share, 0)} showed saved data at once
          </p>
        </div>
      </section>

      <h2>Reports that changed nothing, by day and cause</h2>
      <p className="muted">
        Each report bought is compared with the one it replaced (followers, engagement rate, averages, posts). Modash refreshes followers at least weekly,
        engagement twice a month and averages monthly: a cause whose reports mostly change nothing is buying too often (README, "TTLs").
      </p>
      <table data-testid="report-changes">
        <thead>
          <tr>
            <th title="The team's credit budget counts UTC days">budget day (UTC)</th>
            <th>cause</th>
            <th>reports</th>
            <th>changed nothing</th>
            <th>credits they cost</th>
          </tr>
        </thead>
        <tbody>
          {changes.perDay.map((g) => (
            <tr key={`${g.day}-${g.cause}`} data-testid={`changes-${g.day}-${g.cause}`}>
              <td>{g.day}</td>
              <td>{g.cause}</td>
              <td>{g.reports}</td>
              <td>{g.compared ? `${g.unchanged} of ${g.compared} compared (${pct(g.unchanged / g.compared, 0)})` : 'none to compare with'}</td>
              <td>{num(g.unchangedCredits)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Engineering figures</h2>
      <section className="figures">
        <div className="figure" data-testid="fig-calls">
          <h2>Modash calls</h2>
          <p className="big" data-testid="calls-total">
            {m.calls.total}
          </p>
          <p className="muted">
            <span data-testid="calls-lookups">{m.calls.perHour.reduce((n, h) => n + h.lookup, 0)}</span> lookups,{' '}
            <span data-testid="calls-reports">{m.calls.perHour.reduce((n, h) => n + h.report, 0)}</span> reports
          </p>
        </div>
        <div className="figure" data-testid="fig-429">
          <h2>Rate-limit errors</h2>
          <p className="big" data-testid="share-429">
            {pct(m.calls.share429, 2)}
          </p>
          <p className="muted">
            <span data-testid="calls-429">{m.calls.rateLimited}</span> answered 429 · {m.calls.waited429} waited out a cooldown · target under 1 %{' '}
            <Verdict ok={m.calls.share429 === null ? null : m.calls.share429 < 0.01} />
          </p>
        </div>
        <div className="figure" data-testid="fig-lookups">
          <h2>Username lookups per first open</h2>
          <p className="big" data-testid="lookups-per-open">
            {num(all.lookupsPerFirstOpen)}
          </p>
          <p className="muted">
            re-opens: <span data-testid="reopen-lookups">{all.reopenLookups}</span> lookups in {all.reopens} (seed: one each) · target 80 % fewer{' '}
            <Verdict ok={all.reopens === 0 ? null : all.reopenLookups <= 0.2 * all.reopens} />
          </p>
        </div>
        <div className="figure" data-testid="fig-open">
          <h2>Panel open, p95</h2>
          <p className="big">{ms(all.firstDataP95)}</p>
          <p className="muted">
            first data p50 {ms(all.firstDataP50)} · fresh data p50/p95 {ms(all.freshDataP50)} / {ms(all.freshDataP95)} · target p95 under 500 ms{' '}
            <Verdict ok={all.firstDataP95 === null ? null : all.firstDataP95 < 500} />
          </p>
        </div>
        <div className="figure" data-testid="fig-success">
          <h2>Success without manual retry</h2>
          <p className="big" data-testid="success-rate">
            {pct(all.successRate)}
          </p>
          <p className="muted">
            {all.opens} panel opens · target 99 % <Verdict ok={all.successRate === null ? null : all.successRate >= 0.99} />
          </p>
        </div>
        <div className="figure" data-testid="fig-credits">
          <h2>Credits today</h2>
          <p className="big" data-testid="credits-today">
            {num(m.credits.today)}
          </p>
          <p className="muted">
            of {gate.credits.daily === null ? 'no budget' : gate.credits.daily.toLocaleString('en')} ·{' '}
            {gate.credits.remaining === null ? '' : `${num(gate.credits.remaining)} left`} (resets <LocalTime at={gate.credits.resetsAt} />)
          </p>
        </div>
        <div className="figure" data-testid="fig-at-once">
          <h2>Opens showing stored data at once</h2>
          <p className="big" data-testid="at-once-share">
            {pct(m.atOnce.share)}
          </p>
          <p className="muted">
            <span data-testid="at-once-count">{m.atOnce.atOnce}</span> of {m.atOnce.opens} opens (first data from the cache or notes) · first data p95{' '}
            {ms(all.firstDataP95)} · target 98 % <Verdict ok={m.atOnce.share === null ? null : m.atOnce.share >= 0.98} />
          </p>
        </div>
        <div className="figure" data-testid="fig-warm">
          <h2>Bought by the warm refresher</h2>
          <p className="big" data-testid="warm-total">
            {m.warm.total}
          </p>
          <p className="muted">
            never synced <span data-testid="warm-never-synced">{m.warm.bought['never-synced']}</span> · too old{' '}
            <span data-testid="warm-too-old">{m.warm.bought['too-old']}</span> · due <span data-testid="warm-due">{m.warm.bought.due}</span> (reports, in the
            window; at most {Math.round(WARM_SHARE * 100)} % of the daily credits)
          </p>
        </div>
        <div className="figure" data-testid="fig-account">
          <h2>Modash account credits</h2>
          <p className="big" data-testid="account-credits">
            {account.credits === null ? 'unknown' : num(account.credits)}
          </p>
          <p className="muted">
            Modash&apos;s own balance (
            {account.readAt ? (
              <>
                read <LocalTime at={account.readAt} />
              </>
            ) : (
              'not read yet'
            )}
            ){account.plan ? ` · plan ${account.plan}` : ''}
            {account.spendStoppedUntil ? (
              <>
                {' '}
                · no reports bought until <LocalTime at={account.spendStoppedUntil} />
              </>
            ) : null}
          </p>
        </div>
        <div className="figure" data-testid="fig-notes">
          <h2>Notes per influencer</h2>
          <p className="big">{m.notes.now.median === null ? '—' : `${m.notes.now.median.toLocaleString('en')} B`}</p>
          <p className="muted">
            median (p95 {m.notes.now.p95?.toLocaleString('en') ?? '—'} B) ·{' '}
            {m.notes.beforeMigration ? (
              <>
                before the payload migration {m.notes.beforeMigration.median?.toLocaleString('en')} B (p95 {m.notes.beforeMigration.p95?.toLocaleString('en')}{' '}
                B), {pct(notesCut, 0)} smaller
              </>
            ) : (
              'no payload migration has run on this store'
            )}{' '}
            · target 90 % smaller <Verdict ok={notesCut === null ? null : notesCut >= 0.9} />
          </p>
        </div>
      </section>

      <BarChart
        testId="chart-calls"
        title="Modash calls per hour, by kind"
        keys={hours}
        withDate={window === '7d'}
        series={[
          { name: 'reports', color: '#4f6bd8', values: m.calls.perHour.map((h) => h.report) },
          { name: 'lookups', color: '#f0a53a', values: m.calls.perHour.map((h) => h.lookup) },
        ]}
      />
      <BarChart
        testId="chart-429"
        title="429 answers per hour"
        keys={hours}
        withDate={window === '7d'}
        series={[
          { name: '429s', color: '#d14343', values: m.calls.perHour.map((h) => h.rateLimited) },
          { name: 'cooldowns waited out', color: '#f3b0b0', values: m.calls.perHour.map((h) => h.waited429) },
        ]}
      />
      <BarChart
        testId="chart-fresh"
        title="Time to fresh data per hour, p95"
        unit=" ms"
        keys={hours}
        withDate={window === '7d'}
        series={[{ name: 'p95', color: '#2f9e6e', values: m.opens.perHour.map((h) => h.freshP95) }]}
      />

      <h2>The cache lookup rollout ({CACHE_LOOKUP_ROLLOUT} % of staff)</h2>
      <table data-testid="cohorts">
        <thead>
          <tr>
            <th>group</th>
            <th>panel opens</th>
            <th>first opens</th>
            <th>lookups per first open</th>
            <th>lookups on re-open</th>
            <th>first data p50 / p95</th>
            <th>fresh data p50 / p95</th>
            <th>success</th>
          </tr>
        </thead>
        <tbody>
          {cohortRow('cache table (new path)', m.opens.cache, 'cohort-cache')}
          {cohortRow('notes, else Modash (old path)', m.opens.legacy, 'cohort-legacy')}
          {cohortRow('everyone', all, 'cohort-all')}
        </tbody>
      </table>
    </main>
  );
}
