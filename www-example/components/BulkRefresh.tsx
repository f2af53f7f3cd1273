'use client';
// "Refresh stale": every stale platform (under the bulkRefresh TTL) of exactly the selected
// rows (on any page; "select all N that match" takes the whole view), or of the page, through
// the page's request gate. Before it starts, what it will buy (reports, lookups), the credits
// left (the team's budget and Modash's own) and the time at the team's pace; while it runs, a
// progress bar and Cancel; afterwards the rows that failed, each with its sentence, and
// "Retry the failed ones". It lives in the roster, not the page: a page change keeps it going.
import { useEffect, useRef, useState } from 'react';
import { analyticsProgressBatch, resolveUserId, type GateStats } from 'modash-flow';
import { useBrowserConfig } from '@/lib/client/config';
import { secondsLeft } from '@/lib/client/pause';
import { gateEnabled, pageGate, refresh } from '@/lib/client/gate';
import type { Influencer } from './useRosterInfluencerAnalytics';

interface Job { id: number; platform: string; name: string }
interface Failure extends Job { message: string }
interface Progress { total: number; done: number; failed: number; cancelled: number; skipped: number; preparing: number; failures: Failure[]; rateLimited: number; running: boolean; budgetSpent: boolean; fromColleagues: number; serverWaitMs: number }
interface Estimate { jobs: Job[]; skipped: number; reports: number; lookups: number; seconds: number; creditsLeft: number | null; modashCredits: number | null }

/** The rows of `ids` not in `have`, fetched 200 at a time (a selection across pages). */
async function rowsOf(ids: number[], have: Influencer[]): Promise<Influencer[]> {
  const known = new Map(have.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !known.has(id));
  for (let i = 0; i < missing.length; i += 200) {
    const res = await fetch(`/api/roster/rows?ids=${missing.slice(i, i + 200).join(',')}`);
    if (!res.ok) throw new Error(`the selected rows could not be read (${res.status})`);
    for (const r of (await res.json()).rows as Influencer[]) known.set(r.id, r);
  }
  return ids.flatMap((id) => known.get(id) ?? []);
}

export function BulkRefresh({ rows, selected, onSelect, matching, onNotes }: {
  rows: Influencer[]; selected: Set<number>; onSelect: (ids: Set<number>) => void;
  /** The view's query string (for "select all that match") and how many it selects. */
  matching: { query: string; total: number };
  onNotes: (id: number, notes: string) => void;
}) {
  const [p, setP] = useState<Progress | null>(null);
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [stats, setStats] = useState<GateStats | null>(null);
  const [now, setNow] = useState(Date.now());
  const controller = useRef<AbortController | null>(null);
  const config = useBrowserConfig();

  useEffect(() => pageGate(config.gate).onChange((s) => { setStats(s); setNow(Date.now()); }), [config.gate]);
  // `?gate=off` is read once mounted (the server's HTML has no URL query to read).
  const [gateOn, setGateOn] = useState(true);
  useEffect(() => setGateOn(gateEnabled()), []);
  // Leaving the roster (or the component) cancels what is still queued or waiting.
  useEffect(() => () => controller.current?.abort(new DOMException('left the page', 'AbortError')), []);

  async function selectAll() {
    setProblem(null);
    const res = await fetch(`/api/roster/ids?${matching.query}`).catch(() => null);
    if (!res?.ok) { setProblem('Could not select the matching influencers; try again.'); return; }
    onSelect(new Set((await res.json()).ids as number[]));
  }

  /** What a refresh of the selection (or the page) would buy, before anything is bought. */
  async function prepare(only?: Job[]) {
    setProblem(null);
    try {
      const target = only ? await rowsOf([...new Set(only.map((j) => j.id))], rows) : selected.size ? await rowsOf([...selected], rows) : rows;
      const badges = analyticsProgressBatch(target.map((r) => ({ notes: r.notes, platforms: r.platforms.map((x) => x.platform) })), { ttl: config.ttl, useCase: 'bulkRefresh' });
      let stale: Job[] = target.flatMap((r, k) => badges[k].problem ? [] : badges[k].platforms.filter((x) => !x.fresh && !x.problem).map((x) => ({ id: r.id, platform: x.platform, name: r.name })));
      if (only) stale = stale.filter((j) => only.some((o) => o.id === j.id && o.platform === j.platform));
      // Accounts Modash said it has nothing for, or is preparing, are not paid for again.
      const said = (j: Job) => target.find((r) => r.id === j.id)?.platforms.find((x) => x.platform === j.platform);
      const jobs = stale.filter((j) => !said(j)?.modashGone && !said(j)?.modashPending);
      const byId = new Map(target.map((r) => [r.id, r]));
      const lookups = jobs.filter((j) => resolveUserId(byId.get(j.id)?.notes ?? null, j.platform).userId === null).length;
      const status = await fetch('/api/modash/status').then((r) => (r.ok ? r.json() : null)).catch(() => null);
      const { reportsPerSecond, lookupsPerSecond } = config.teamPace;
      setEstimate({
        jobs, skipped: stale.length - jobs.length, reports: jobs.length, lookups,
        seconds: Math.ceil(Math.max(jobs.length / reportsPerSecond, lookups / lookupsPerSecond)),
        creditsLeft: status?.credits?.remaining ?? null, modashCredits: status?.account?.credits ?? null,
      });
    } catch (e) {
      setProblem((e as Error).message);
    }
  }

  async function start(e: Estimate) {
    setEstimate(null);
    const c = new AbortController();
    controller.current = c;
    const progress: Progress = { total: e.jobs.length, done: 0, failed: 0, cancelled: 0, preparing: 0, failures: [], skipped: e.skipped, rateLimited: 0, running: true, budgetSpent: false, fromColleagues: 0, serverWaitMs: 0 };
    setP({ ...progress });
    await Promise.all(e.jobs.map(async (j) => {
      const r = await refresh(config.gate, j.id, j.platform, 'bulkRefresh', { signal: c.signal, onRetry: (i) => { if (i.status === 429) { progress.rateLimited++; setP({ ...progress }); } } });
      if (r.success && r.data) {
        progress.done++;
        if (r.data.source !== 'modash') progress.fromColleagues++;
        progress.serverWaitMs = r.data.waitedMs ?? 0;
        onNotes(j.id, r.data.notes);
      } else if (r.aborted) {
        // Cancelled (Cancel, or leaving the page): not a failure, whichever settled first.
        progress.cancelled++;
      } else if ((r.error as { code?: string } | null)?.code === 'REPORT_IN_PREPARATION') {
        // Modash is preparing it; the server asks again later (no failure of ours or Modash's).
        progress.preparing++;
      } else {
        progress.failed++;
        progress.failures.push({ ...j, message: (r.error as Error | null)?.message ?? 'failed' });
        if ((r.error as { code?: string } | null)?.code === 'BUDGET_EXHAUSTED') progress.budgetSpent = true;
      }
      setP({ ...progress });
    }));
    progress.running = false;
    setP({ ...progress });
  }

  const cooldown = secondsLeft(stats?.pausedUntil, now);
  const minutes = (sec: number) => (sec < 90 ? `${sec} s` : `${Math.round(sec / 60)} min`);
  return (
    <div className="bulk">
      <p className="selection" data-testid="selection" data-selected={selected.size}>
        {selected.size ? `${selected.size} selected` : 'None selected: the page'}
        {matching.total > 0 && <> · <button type="button" data-testid="select-all-matching" onClick={selectAll}>Select all {matching.total} that match</button></>}
        {selected.size > 0 && <> · <button type="button" data-testid="select-none" onClick={() => onSelect(new Set())}>Clear the selection</button></>}
      </p>
      {problem && <p className="error" role="alert">{problem}</p>}
      <button type="button" data-testid="bulk-refresh" disabled={p?.running || estimate !== null} onClick={() => prepare()}>
        Refresh stale {selected.size ? `(${selected.size} selected)` : '(this page)'}
      </button>
      {estimate && (
        <div className="estimate" role="dialog" aria-modal="false" aria-labelledby="estimate-title" data-testid="bulk-estimate"
          data-reports={estimate.reports} data-lookups={estimate.lookups} data-skipped={estimate.skipped}>
          <p id="estimate-title"><strong>This buys {estimate.reports} report{estimate.reports === 1 ? '' : 's'}</strong>
            {estimate.lookups ? ` and ${estimate.lookups} username lookup${estimate.lookups === 1 ? '' : 's'}` : ''}
            {estimate.skipped ? ` (${estimate.skipped} skipped: private, gone or in preparation on Modash)` : ''}.</p>
          <p className="muted">Credits left today: {estimate.creditsLeft ?? 'no daily budget'} of the team&apos;s budget
            {estimate.modashCredits !== null ? `, ${estimate.modashCredits.toLocaleString('en')} on the Modash account` : ''}
            {' '}· about {minutes(estimate.seconds)} at the team&apos;s pace ({config.teamPace.reportsPerSecond} reports a second).</p>
          <button type="button" data-testid="bulk-start" onClick={() => start(estimate)}>Start</button>
          {' '}<button type="button" data-testid="bulk-dismiss" onClick={() => setEstimate(null)}>Cancel</button>
        </div>
      )}
      {!gateOn && <span className="muted"> gate off</span>}
      {p && (
        <span className="bulk-progress" role="status" aria-live="polite" data-testid="bulk-progress" data-done={p.done} data-total={p.total} data-failed={p.failed} data-cancelled={p.cancelled} data-preparing={p.preparing} data-skipped={p.skipped} data-running={String(p.running)} data-budget-spent={String(p.budgetSpent)}>
          <progress max={p.total || 1} value={p.done + p.failed + p.cancelled + p.preparing} />
          {' '}{p.done}/{p.total} refreshed{p.failed ? `, ${p.failed} failed` : ''}{p.cancelled ? `, ${p.cancelled} cancelled` : ''}{p.preparing ? `, ${p.preparing} in preparation on Modash (fetched again later)` : ''}{p.skipped ? ` · ${p.skipped} skipped (private, gone or in preparation on Modash)` : ''}
          {stats && gateOn ? ` · ${stats.queued} queued, ${stats.inFlight} in flight` : ''}
          {cooldown > 0 ? ` · Modash asked us to wait ${cooldown} s` : ''}
          {p.fromColleagues ? ` · ${p.fromColleagues} already fresh (no credit spent)` : ''}
          {p.running && p.serverWaitMs > 1500 ? ` · team queue ~${Math.round(p.serverWaitMs / 1000)} s` : ''}
          {p.budgetSpent ? " · today's Modash credit budget is spent" : ''}
          {p.running && <button data-testid="bulk-cancel" onClick={() => controller.current?.abort(new DOMException('cancelled', 'AbortError'))}>Cancel</button>}
        </span>
      )}
      {p && !p.running && p.failures.length > 0 && (
        <div data-testid="bulk-failures-box">
          <ul className="bulk-failures" data-testid="bulk-failures" aria-label="Rows that failed">
            {p.failures.map((f) => <li key={`${f.id}-${f.platform}`} data-testid={`bulk-failure-${f.id}-${f.platform}`}>{f.name} ({f.platform}): {f.message}</li>)}
          </ul>
          <button type="button" data-testid="bulk-retry-failed" onClick={() => prepare(p.failures)}>Retry the {p.failures.length} failed</button>
        </div>
      )}
    </div>
  );
}
