'use client';
// "Refresh stale": every stale platform (under the bulkRefresh TTL) of exactly the selected
// rows (on any page; "select all N that match" takes the whole view), or of the page. Before it
// starts, what it will buy (reports, lookups), the credits left (the team's budget and
// Modash's own) and the time at the team's pace. Start records a batch in the team's work
// queue on the server (POST /api/roster/batches) and returns at once: the server runs it
// whoever closes the tab. Every running batch of the team is shown to every colleague, read
// from the server (who started it, done / failed / in preparation / left, the time left, why it
// waits, Cancel), and a finished batch's failures stay until someone dismisses them.
import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { KEYS, useBatches } from '@/lib/client/queries';
import { analyticsProgressBatch, resolveUserId } from 'modash-flow';
import { useBrowserConfig } from '@/lib/client/config';
import { platformName } from '@/lib/words';
import { LocalTime } from './LocalTime';
import { Sentence } from './Sentence';
import type { BatchView } from '@/lib/api-types';
import type { Influencer } from './useRosterInfluencerAnalytics';
import { useStaff } from './StaffContext';

interface Job {
  id: number;
  platform: string;
  name: string;
}
interface Estimate {
  jobs: Job[];
  skipped: number;
  reports: number;
  lookups: number;
  seconds: number;
  creditsLeft: number | null;
  modashCredits: number | null;
}
type Batch = BatchView;

/** The rows of `ids` not in `have`, fetched 200 at a time (a selection across pages). */
async function rowsOf(ids: number[], have: Influencer[]): Promise<Influencer[]> {
  const known = new Map(have.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !known.has(id));
  for (let i = 0; i < missing.length; i += 200) {
    const res = await fetch(`/api/roster/rows?ids=${missing.slice(i, i + 200).join(',')}`);
    if (!res.ok) throw new Error('The selected rows could not be read; try again.');
    for (const r of (await res.json()).rows as Influencer[]) known.set(r.id, r);
  }
  return ids.flatMap((id) => known.get(id) ?? []);
}

const minutes = (sec: number) => (sec < 90 ? `${sec} s` : `${Math.round(sec / 60)} min`);

export function BulkRefresh({
  rows,
  selected,
  onSelect,
  matching,
  onRefreshed,
}: {
  rows: Influencer[];
  selected: Set<number>;
  onSelect: (ids: Set<number>) => void;
  /** The view's query string (for "select all that match") and how many it selects. */
  matching: { query: string; total: number };
  /** A batch refreshed rows: the page's rows are read again. */
  onRefreshed: () => void;
}) {
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // What this tab's last estimate skipped (private, gone, in preparation): shown beside its batch.
  const [skipped, setSkipped] = useState<{ batch: number; n: number } | null>(null);
  const config = useBrowserConfig();
  const me = useStaff();
  // The team's batches: a query (lib/client/queries.tsx), read often while one runs, only while visible.
  const queryClient = useQueryClient();
  const batches = useBatches().data ?? [];
  const load = () => queryClient.invalidateQueries({ queryKey: KEYS.batches });
  const setBatches = (f: (list: Batch[]) => Batch[]) => queryClient.setQueryData<Batch[]>(KEYS.batches, (list) => f(list ?? []));
  // Rows refreshed since the last read: the roster's rows are read again.
  const doneSeen = useRef('');
  const done = batches.map((b) => `${b.id}:${b.done}`).join(',');
  useEffect(() => {
    if (doneSeen.current && done !== doneSeen.current) onRefreshed();
    doneSeen.current = done;
  }, [done, onRefreshed]);
  // The batch this tab started (kept for a reload of the tab): the one its progress line follows.
  // -1 while a start is on its way; null: the newest batch the staff member started.
  const [followed, setFollowed] = useState<number | null>(null);
  useEffect(() => {
    const v = Number(sessionStorage.getItem('modash-batch'));
    if (v > 0) setFollowed(v);
  }, []);

  async function selectAll() {
    setProblem(null);
    const res = await fetch(`/api/roster/ids?${matching.query}`).catch(() => null);
    if (!res?.ok) {
      setProblem('Could not select the matching influencers; try again.');
      return;
    }
    onSelect(new Set((await res.json()).ids as number[]));
  }

  /** What a refresh of the selection (or the page) would buy, before anything is bought. */
  async function prepare(only?: Job[]) {
    setProblem(null);
    setNotice(null);
    try {
      const target = only ? await rowsOf([...new Set(only.map((j) => j.id))], rows) : selected.size ? await rowsOf([...selected], rows) : rows;
      const badges = analyticsProgressBatch(
        target.map((r) => ({ notes: r.notes, platforms: r.platforms.map((x) => x.platform) })),
        { ttl: config.ttl, useCase: 'bulkRefresh' },
      );
      let stale: Job[] = target.flatMap((r, k) =>
        badges[k].problem ? [] : badges[k].platforms.filter((x) => !x.fresh && !x.problem).map((x) => ({ id: r.id, platform: x.platform, name: r.name })),
      );
      if (only) stale = stale.filter((j) => only.some((o) => o.id === j.id && o.platform === j.platform));
      // Accounts Modash said it has nothing for, or is preparing, are not paid for again.
      const said = (j: Job) => target.find((r) => r.id === j.id)?.platforms.find((x) => x.platform === j.platform);
      const jobs = stale.filter((j) => !said(j)?.modashGone && !said(j)?.modashPending);
      const byId = new Map(target.map((r) => [r.id, r]));
      const lookups = jobs.filter((j) => resolveUserId(byId.get(j.id)?.notes ?? null, j.platform).userId === null).length;
      const status = await fetch('/api/modash/status')
        .then((r) => (r.ok ? r.json() : null))
        .catch(() => null);
      const { reportsPerSecond, lookupsPerSecond, lookupsShareTheLimit } = config.teamPace;
      setEstimate({
        jobs,
        skipped: stale.length - jobs.length,
        reports: jobs.length,
        lookups,
        // One limit for both (the default), or lookups on their own beside the reports.
        seconds: Math.ceil(
          lookupsShareTheLimit ? (jobs.length + lookups) / reportsPerSecond : Math.max(jobs.length / reportsPerSecond, lookups / lookupsPerSecond),
        ),
        creditsLeft: status?.credits?.remaining ?? null,
        modashCredits: status?.account?.credits ?? null,
      });
    } catch (e) {
      setProblem((e as Error).message);
    }
  }

  async function start(e: Estimate) {
    setEstimate(null);
    setFollowed(-1);
    const res = await fetch('/api/roster/batches', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ items: e.jobs.map((j) => ({ id: j.id, platform: j.platform })) }),
    }).catch(() => null);
    const body = await res?.json().catch(() => null);
    if (!res?.ok || !body) {
      setFollowed(null);
      setProblem(body?.error ?? 'The batch could not be started; nothing was queued. Try again.');
      return;
    }
    const batch = body.batch as Batch;
    setBatches((list) => [batch, ...list.filter((b) => b.id !== batch.id)]);
    setFollowed(batch.id);
    sessionStorage.setItem('modash-batch', String(batch.id));
    setSkipped({ batch: batch.id, n: e.skipped });
    if (body.alreadyQueued)
      setNotice(`${body.alreadyQueued} of ${e.jobs.length} were queued already (by a colleague, a panel or the background refresher): not added twice.`);
    await load();
  }

  async function act(id: number, what: 'cancel' | 'dismiss') {
    const res = await fetch(`/api/roster/batches/${id}/${what}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).catch(
      () => null,
    );
    if (!res?.ok) setProblem((await res?.json().catch(() => null))?.error ?? 'The server could not be reached; try again.');
    await load();
  }

  // Start is refused when it would buy nothing, or more than the team's credits left today.
  const blocked =
    estimate === null
      ? null
      : estimate.reports === 0
        ? 'Nothing to buy: every platform here is fresh, or Modash has nothing for it.'
        : estimate.creditsLeft !== null && estimate.reports > estimate.creditsLeft
          ? `This needs ${estimate.reports} credits and the team has ${estimate.creditsLeft} left today: select fewer rows, or wait for the budget to renew.`
          : null;
  // The newest batch the signed-in staff member started is theirs to follow; colleagues' are listed beside it.
  const mine = followed === null ? (batches.find((b) => b.startedBy === me.email) ?? null) : (batches.find((b) => b.id === followed) ?? null);
  return (
    <div className="bulk">
      <p className="selection" data-testid="selection" data-selected={selected.size}>
        {selected.size ? `${selected.size} selected` : 'None selected: the page'}
        {matching.total > 0 && (
          <>
            {' '}
            ·{' '}
            <button type="button" data-testid="select-all-matching" onClick={selectAll}>
              Select all {matching.total} that match
            </button>
          </>
        )}
        {selected.size > 0 && (
          <>
            {' '}
            ·{' '}
            <button type="button" data-testid="select-none" onClick={() => onSelect(new Set())}>
              Clear the selection
            </button>
          </>
        )}
      </p>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {notice && (
        <p className="muted" data-testid="bulk-notice">
          {notice}
        </p>
      )}
      <button type="button" data-testid="bulk-refresh" disabled={estimate !== null} onClick={() => prepare()}>
        Refresh stale {selected.size ? `(${selected.size} selected)` : '(this page)'}
      </button>
      {estimate && (
        <div
          className="estimate"
          role="dialog"
          aria-modal="false"
          aria-labelledby="estimate-title"
          data-testid="bulk-estimate"
          data-reports={estimate.reports}
          data-lookups={estimate.lookups}
          data-skipped={estimate.skipped}
        >
          <p id="estimate-title">
            <strong>
              This buys {estimate.reports} report{estimate.reports === 1 ? '' : 's'}
            </strong>
            {estimate.lookups ? ` and ${estimate.lookups} username lookup${estimate.lookups === 1 ? '' : 's'}` : ''}
            {estimate.skipped ? ` (${estimate.skipped} skipped: private, gone or in preparation on Modash)` : ''}.
          </p>
          <p className="muted">
            {estimate.creditsLeft === null ? 'The team has no daily credit budget' : `Credits left today: ${estimate.creditsLeft} of the team's budget`}
            {estimate.modashCredits !== null ? `, ${estimate.modashCredits.toLocaleString('en')} on the Modash account` : ''} · about{' '}
            {minutes(estimate.seconds)} at the team&apos;s pace ({config.teamPace.reportsPerSecond} reports a second). It runs on the server: you can leave the
            page.
          </p>
          {blocked && (
            <p className="error" data-testid="bulk-blocked">
              {blocked}
            </p>
          )}
          <button type="button" data-testid="bulk-start" disabled={blocked !== null} onClick={() => start(estimate)}>
            Start
          </button>{' '}
          <button type="button" data-testid="bulk-dismiss" onClick={() => setEstimate(null)}>
            Cancel
          </button>
        </div>
      )}
      {batches.length > 0 && (
        <ul className="batches" aria-label="Bulk refreshes of the team">
          {batches.map((b) => (
            <BatchLine
              key={b.id}
              b={b}
              mine={b === mine}
              who={b.startedBy === me.email ? 'You' : b.startedBy}
              skipped={skipped?.batch === b.id ? skipped.n : 0}
              onCancel={() => act(b.id, 'cancel')}
              onDismiss={() => act(b.id, 'dismiss')}
              onRetry={(failures) => prepare(failures)}
            />
          ))}
        </ul>
      )}
    </div>
  );
}

function BatchLine({
  b,
  mine,
  who,
  skipped,
  onCancel,
  onDismiss,
  onRetry,
}: {
  b: Batch;
  mine: boolean;
  who: string;
  skipped: number;
  onCancel: () => void;
  onDismiss: () => void;
  onRetry: (failures: Job[]) => void;
}) {
  // The testids of the batch this staff member follows are the ones the page's tests read.
  const t = (name: string) => (mine ? `bulk-${name}` : `team-batch-${name}`);
  const settled = b.done + b.failed + b.cancelled + b.preparing;
  const budgetSpent = b.waitingCode === 'BUDGET_EXHAUSTED' || b.failures.some((f) => f.code === 'BUDGET_EXHAUSTED');
  return (
    <li
      className="batch"
      data-testid={mine ? 'bulk-progress' : 'team-batch'}
      data-batch-id={b.id}
      data-done={b.done}
      data-total={b.total}
      data-failed={b.failed}
      data-cancelled={b.cancelled}
      data-preparing={b.preparing}
      data-skipped={skipped}
      data-left={b.left}
      data-running={String(b.active)}
      data-budget-spent={String(budgetSpent)}
      data-already-queued={b.alreadyQueued}
    >
      {/* The progress is announced; the list item stays a list item (axe: a list holds only items). */}
      <span className="bulk-progress" role="status" aria-live="polite">
        <strong>
          {who}, <LocalTime at={b.startedAt} />
        </strong>
        <progress max={b.total || 1} value={settled} aria-label={`Bulk refresh by ${who}`} />
        <span>
          {b.done} of {b.total} refreshed
          {b.active ? ` · about ${minutes(b.secondsLeft)} left` : b.cancelledBy ? ` · cancelled by ${b.cancelledBy}` : ' · finished'}
        </span>
      </span>
      {(b.failed > 0 || b.preparing > 0 || b.cancelled > 0 || skipped > 0 || b.alreadyQueued > 0) && (
        <span className="muted batch-detail">
          {[
            b.failed ? `${b.failed} failed` : '',
            b.preparing ? `${b.preparing} being prepared by Modash (fetched later)` : '',
            b.cancelled ? `${b.cancelled} cancelled` : '',
            skipped ? `${skipped} skipped (nothing on Modash)` : '',
            b.alreadyQueued ? `${b.alreadyQueued} were already queued (not added twice)` : '',
          ]
            .filter(Boolean)
            .join(' · ')}
        </span>
      )}
      {b.active && b.waiting && (
        <span className="muted batch-detail" data-testid={t('waiting')}>
          <Sentence text={b.waiting} />
        </span>
      )}
      {b.active && b.queued > 0 && (
        <button type="button" data-testid={t('cancel')} onClick={onCancel}>
          Cancel
        </button>
      )}
      {!b.active && (
        <button type="button" data-testid={t('dismiss-batch')} onClick={onDismiss}>
          Dismiss
        </button>
      )}
      {b.failures.length > 0 && (
        <div data-testid={t('failures-box')}>
          <ul className="bulk-failures" data-testid={t('failures')} aria-label="Rows that failed">
            {groups(b.failures).map(([message, rows]) => (
              <li key={message}>
                {rows.length > 1 && (
                  <span>
                    <Sentence text={message} /> ({rows.length} rows):{' '}
                  </span>
                )}
                {rows.map((f, k) => (
                  <span key={`${f.id}-${f.platform}`} data-testid={`${t('failure')}-${f.id}-${f.platform}`}>
                    {k > 0 ? ', ' : ''}
                    {f.name} ({platformName(f.platform)})
                    {rows.length === 1 && (
                      <>
                        : <Sentence text={f.message} />
                      </>
                    )}
                  </span>
                ))}
              </li>
            ))}
          </ul>
          {!b.active && (
            <button
              type="button"
              data-testid={t('retry-failed')}
              onClick={() => onRetry(b.failures.map((f) => ({ id: f.id, platform: f.platform, name: f.name })))}
            >
              Retry the {b.failures.length} failed
            </button>
          )}
        </div>
      )}
    </li>
  );
}

/** Failures by sentence: one line per sentence, not the same sentence for every row (a spent budget, say). */
function groups(failures: Batch['failures']): [string, Batch['failures']][] {
  const by = new Map<string, Batch['failures']>();
  for (const f of failures) by.set(f.message, [...(by.get(f.message) ?? []), f]);
  return [...by];
}
