'use client';
// "Refresh stale": every stale platform (under the bulkRefresh TTL) of the selected rows, or of
// the page, through the page's request gate, with a progress bar and a cancel button.
import { useEffect, useRef, useState } from 'react';
import { analyticsProgressBatch, type GateStats } from 'modash-flow';
import { useBrowserConfig } from '@/lib/client/config';
import { secondsLeft } from '@/lib/client/pause';
import { gateEnabled, pageGate, refresh } from '@/lib/client/gate';
import type { Influencer } from './useRosterInfluencerAnalytics';

interface Progress { total: number; done: number; failed: number; cancelled: number; skipped: number; preparing: number; failures: { id: number; platform: string; message: string }[]; rateLimited: number; running: boolean; budgetSpent: boolean; fromColleagues: number; serverWaitMs: number }

export function BulkRefresh({ rows, selected, onNotes }: { rows: Influencer[]; selected: Set<number>; onNotes: (id: number, notes: string) => void }) {
  const [p, setP] = useState<Progress | null>(null);
  const [stats, setStats] = useState<GateStats | null>(null);
  const [now, setNow] = useState(Date.now());
  const controller = useRef<AbortController | null>(null);
  const config = useBrowserConfig();

  useEffect(() => pageGate(config.gate).onChange((s) => { setStats(s); setNow(Date.now()); }), [config.gate]);
  // `?gate=off` is read once mounted (the server's HTML has no URL query to read).
  const [gateOn, setGateOn] = useState(true);
  useEffect(() => setGateOn(gateEnabled()), []);
  // Leaving the page (or the component) cancels what is still queued or waiting.
  useEffect(() => () => controller.current?.abort(new DOMException('left the page', 'AbortError')), []);

  async function start() {
    const target = selected.size ? rows.filter((r) => selected.has(r.id)) : rows;
    const badges = analyticsProgressBatch(target.map((r) => ({ notes: r.notes, platforms: r.platforms.map((x) => x.platform) })), { ttl: config.ttl, useCase: 'bulkRefresh' });
    const stale = target.flatMap((r, k) => badges[k].problem ? [] : badges[k].platforms.filter((x) => !x.fresh && !x.problem).map((x) => ({ id: r.id, platform: x.platform })));
    // Accounts Modash said lately it has nothing for are not paid for again (the panel's "Try again now" asks).
    const gone = (j: { id: number; platform: string }) => Boolean(target.find((r) => r.id === j.id)?.platforms.find((x) => x.platform === j.platform)?.modashGone);
    // Modash is preparing it: the server's scheduled retry fetches it, no bulk call is spent.
    const pending = (j: { id: number; platform: string }) => Boolean(target.find((r) => r.id === j.id)?.platforms.find((x) => x.platform === j.platform)?.modashPending);
    const jobs = stale.filter((j) => !gone(j) && !pending(j));
    const c = new AbortController();
    controller.current = c;
    const progress: Progress = { total: jobs.length, done: 0, failed: 0, cancelled: 0, preparing: 0, failures: [], skipped: stale.length - jobs.length, rateLimited: 0, running: true, budgetSpent: false, fromColleagues: 0, serverWaitMs: 0 };
    setP({ ...progress });
    await Promise.all(jobs.map(async (j) => {
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
        progress.failures.push({ id: j.id, platform: j.platform, message: (r.error as Error | null)?.message ?? 'failed' });
        if ((r.error as { code?: string } | null)?.code === 'BUDGET_EXHAUSTED') progress.budgetSpent = true;
      }
      setP({ ...progress });
    }));
    progress.running = false;
    setP({ ...progress });
  }

  const cooldown = secondsLeft(stats?.pausedUntil, now);
  return (
    <div className="bulk">
      <button data-testid="bulk-refresh" disabled={p?.running} onClick={start}>
        Refresh stale {selected.size ? `(${selected.size} selected)` : '(this page)'}
      </button>
      {!gateOn && <span className="muted"> gate off</span>}
      {p && (
        <span className="bulk-progress" data-testid="bulk-progress" data-done={p.done} data-total={p.total} data-failed={p.failed} data-cancelled={p.cancelled} data-preparing={p.preparing} data-skipped={p.skipped} data-running={String(p.running)} data-budget-spent={String(p.budgetSpent)}>
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
      {p && p.failures.length > 0 && (
        <ul className="bulk-failures" data-testid="bulk-failures">
          {p.failures.map((f) => <li key={`${f.id}-${f.platform}`} data-testid={`bulk-failure-${f.id}-${f.platform}`}>#{f.id} {f.platform}: {f.message}</li>)}
        </ul>
      )}
    </div>
  );
}
