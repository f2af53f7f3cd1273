'use client';
// The roster: the page of influencers the URL's view selects (search, state, platform, sort,
// page: read by the server component, changed here with router.push in a transition), with
// their analytics badges computed for the whole page in one analyticsProgressBatch call under
// the server's TTLs (lib/client/config.tsx). The selection is kept across pages and views.
import { Fragment, useCallback, useEffect, useMemo, useRef, useState, useTransition } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { getJson, KEYS } from '@/lib/client/queries';
import { clockTime, day, platformName } from '@/lib/words';
import { analyticsProgressBatch, knownPlatforms } from 'modash-flow';
import { useBrowserConfig } from '@/lib/client/config';
import { GONE_LABELS } from '@/lib/modash-gone';
import { AnalyticsPanel } from './AnalyticsPanel';
import { BulkRefresh } from './BulkRefresh';
import { ModashStatus } from './ModashStatus';
import type { Influencer } from './useRosterInfluencerAnalytics';
import { PAGE_SIZE, SORT_LABELS, STATE_LABELS } from '@/lib/roster-view';

interface Page {
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  rows: Influencer[];
}
/** The view the URL says (lib/server/roster.ts RosterView). */
export interface View {
  page: number;
  pageSize: number;
  q?: string;
  state?: string;
  platform?: string;
  sort?: string;
}

const STATE_WORDS: [string, string][] = [['', 'any state'], ...Object.entries(STATE_LABELS)];
const SORT_WORDS: [string, string][] = [['', 'roster order'], ...Object.entries(SORT_LABELS)];

/** The roster URL of `view` (defaults left out). */
export function viewHref(view: View): string {
  const q = new URLSearchParams();
  if (view.q) q.set('q', view.q);
  if (view.state) q.set('state', view.state);
  if (view.platform) q.set('platform', view.platform);
  if (view.sort) q.set('sort', view.sort);
  if (view.page > 1) q.set('page', String(view.page));
  if (view.pageSize !== PAGE_SIZE) q.set('pageSize', String(view.pageSize));
  const s = q.toString();
  return `/staff/roster${s ? `?${s}` : ''}`;
}

/** `page`: the page the URL's view selects, read on the server; navigation changes the URL. */
export function Roster({ page: fromServer, view }: { page: Page; view: View }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // The page on screen: the server's, with notes written by refreshes since (onNotes).
  // The page on screen: a query keyed by the view (lib/client/queries.tsx), starting from the
  // server's render and read again while the tab is visible, so a colleague's refresh shows up
  // without navigation; a panel's refresh writes its row's notes into it (onNotes).
  const queryClient = useQueryClient();
  const apiQuery = viewHref(view).split('?')[1] ?? '';
  const { data: page = fromServer } = useQuery({
    queryKey: KEYS.roster(apiQuery),
    queryFn: ({ signal }) => getJson<Page>(`/api/roster?${apiQuery}`, signal),
    initialData: fromServer,
    refetchInterval: 20_000,
  });
  const go = useCallback((v: View) => startTransition(() => router.push(viewHref(v))), [router]);
  const [openId, setOpenId] = useState<number | null>(null);
  // The button that opened the panel gets focus back when it closes.
  const opener = useRef<HTMLElement | null>(null);
  const closePanel = useCallback(() => {
    setOpenId(null);
    requestAnimationFrame(() => opener.current?.focus());
  }, []);
  // Kept across pages and views: the bulk refresh works on exactly these.
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const { ttl } = useBrowserConfig();

  // Badges depend on the browser's clock: computed once mounted (the server's HTML has the rows,
  // not the badges), so a badge on screen also means the page is interactive.
  const [now, setNow] = useState<number | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the clock is read again whenever another page is on screen
  useEffect(() => setNow(Date.now()), [page]);
  const badges = useMemo(() => {
    if (now === null) return [];
    return analyticsProgressBatch(
      page.rows.map((r) => ({ notes: r.notes, platforms: r.platforms.map((p) => p.platform) })),
      { ttl, now },
    );
  }, [page, now, ttl]);

  const onNotes = useCallback(
    (id: number, notes: string) => {
      queryClient.setQueryData<Page>(KEYS.roster(apiQuery), (p) => (p ? { ...p, rows: p.rows.map((r) => (r.id === id ? { ...r, notes } : r)) } : p));
    },
    [queryClient, apiQuery],
  );

  // A batch of the team's work queue refreshed rows: the page is read again.
  const refreshRows = useCallback(() => void queryClient.invalidateQueries({ queryKey: ['roster'] }), [queryClient]);

  const open = page.rows.find((r) => r.id === openId) ?? null;
  const openName = useRef('');
  // The previous / next influencer of the view, the panel kept open; closing gives focus to its row's button.
  const moveTo = useCallback(
    (k: number) => {
      const r = page.rows[k];
      if (!r) return;
      opener.current = document.querySelector<HTMLElement>(`[data-testid=open-${r.id}]`);
      openName.current = r.name;
      setOpenId(r.id);
    },
    [page.rows],
  );
  // The open influencer left the page (another page or view): the panel closes, and says so.
  const [closedNote, setClosedNote] = useState<string | null>(null);
  useEffect(() => {
    if (openId !== null && !page.rows.some((r) => r.id === openId)) {
      setClosedNote(`The analytics of ${openName.current} closed: not on this page.`);
      setOpenId(null);
    }
  }, [page.rows, openId]);
  const [q, setQ] = useState(view.q ?? '');
  useEffect(() => setQ(view.q ?? ''), [view.q]);
  // One behaviour for the whole form: the search applies as you type (after a pause), like the selects on change.
  useEffect(() => {
    if (q.trim() === (view.q ?? '')) return;
    const t = setTimeout(() => go({ ...view, q: q.trim() || undefined, page: 1 }), 400);
    return () => clearTimeout(t);
  }, [q, view, go]);
  const filtered = Boolean(view.q || view.state || view.platform);
  const clear = () => {
    setQ('');
    go({ page: 1, pageSize: view.pageSize, sort: view.sort });
  };
  const [jump, setJump] = useState('');
  return (
    <main className={open ? 'with-panel' : undefined}>
      <h1>Roster</h1>
      {/* biome-ignore lint/a11y/useSemanticElements: <search> around a form is not yet in every browser the staff use; role=search on the form is its documented equivalent */}
      <form
        className="view"
        role="search"
        data-testid="roster-view"
        // Mounted: typing now reaches the view (keys pressed before hydration are not seen by React).
        data-live={now !== null}
        onSubmit={(e) => {
          e.preventDefault();
          go({ ...view, q: q.trim() || undefined, page: 1 });
        }}
      >
        <label>
          Find <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="name or handle" data-testid="view-q" />
        </label>
        <label>
          State{' '}
          <select value={view.state ?? ''} data-testid="view-state" onChange={(e) => go({ ...view, state: e.target.value || undefined, page: 1 })}>
            {STATE_WORDS.map(([v, w]) => (
              <option key={v} value={v}>
                {w}
              </option>
            ))}
          </select>
        </label>
        <label>
          Platform{' '}
          <select value={view.platform ?? ''} data-testid="view-platform" onChange={(e) => go({ ...view, platform: e.target.value || undefined, page: 1 })}>
            <option value="">any platform</option>
            {knownPlatforms().map((p) => (
              <option key={p} value={p}>
                {platformName(p)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Sort by{' '}
          <select value={view.sort ?? ''} data-testid="view-sort" onChange={(e) => go({ ...view, sort: e.target.value || undefined, page: 1 })}>
            {SORT_WORDS.map(([v, w]) => (
              <option key={v} value={v}>
                {w}
              </option>
            ))}
          </select>
        </label>
        {(filtered || q) && (
          <button type="button" data-testid="view-clear" onClick={clear}>
            Clear
          </button>
        )}
      </form>
      <p className="muted" role="status" data-testid="roster-count">
        {page.total} influencer{page.total === 1 ? '' : 's'}
        {view.q || view.state || view.platform ? ' match' : ''} · page {page.page} of {page.pages}
        {pending && <span data-testid="roster-loading"> · loading…</span>}
        {closedNote && <span data-testid="panel-closed-note"> · {closedNote}</span>}
      </p>
      <ModashStatus />
      <BulkRefresh
        rows={page.rows}
        selected={selected}
        onSelect={setSelected}
        onRefreshed={refreshRows}
        matching={{ query: viewHref({ ...view, page: 1, pageSize: PAGE_SIZE, sort: undefined }).split('?')[1] ?? '', total: page.total }}
      />
      {page.total === 0 && (
        <p className="empty" data-testid="roster-empty">
          No influencer matches{view.q ? ` “${view.q}”` : ''}
          {view.state ? ` in the state “${STATE_LABELS[view.state as keyof typeof STATE_LABELS] ?? view.state}”` : ''}
          {view.platform ? ` on ${platformName(view.platform)}` : ''}.{' '}
          <button type="button" data-testid="empty-clear" onClick={clear}>
            Clear the filters
          </button>
        </p>
      )}
      <table hidden={page.total === 0}>
        <caption className="legend-text" data-testid="badge-legend">
          Analytics: platforms with fresh analytics / platforms listed (green: all, yellow: some, grey: none; <strong>!</strong> the notes are unreadable).
          Beside it, what Modash said of an account (private, removed, report in preparation).
        </caption>
        <thead>
          <tr>
            <th>
              <span className="sr-only">Select</span>
            </th>
            <th>Influencer</th>
            <th>Platforms</th>
            <th>Analytics</th>
            <th>
              <span className="sr-only">Open</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {page.rows.map((r, k) => {
            const b = badges[k];
            const state = b?.problem ? 'broken' : b && b.synced === b.total && b.total > 0 ? 'full' : b && b.synced > 0 ? 'part' : 'none';
            return (
              <Fragment key={r.id}>
                <tr data-testid={`row-${r.id}`}>
                  <td>
                    <input
                      type="checkbox"
                      data-testid={`select-${r.id}`}
                      aria-label={`Select ${r.name}`}
                      // Until mounted a click would tick the box without React seeing it: the
                      // box would say selected while the bulk refresh took the page.
                      disabled={now === null}
                      checked={selected.has(r.id)}
                      onChange={(e) =>
                        setSelected((s) => {
                          const n = new Set(s);
                          if (e.target.checked) n.add(r.id);
                          else n.delete(r.id);
                          return n;
                        })
                      }
                    />
                  </td>
                  <td>{r.name}</td>
                  <td>{r.platforms.map((p) => platformName(p.platform)).join(', ')}</td>
                  <td>
                    {b && (
                      <span className={`badge ${state}`} data-testid={`badge-${r.id}`} title={b.problem ? `Notes unreadable. ${b.tooltip}` : b.tooltip}>
                        {b.problem ? `! ${b.label}` : b.label}
                      </span>
                    )}
                    {b && <span className="sr-only">{b.problem ? `Notes unreadable. ${b.tooltip}` : b.tooltip}</span>}
                    {r.platforms
                      .filter((p) => p.modashGone)
                      .map((p) => (
                        <span
                          key={p.platform}
                          className="modash-gone"
                          data-testid={`gone-${r.id}-${p.platform}`}
                          title={`${p.modashGone!.sentence} (Modash said so on ${day(p.modashGone!.at)})`}
                        >
                          {' '}
                          {platformName(p.platform)}: {GONE_LABELS[p.modashGone!.code] ?? 'nothing on Modash'}
                        </span>
                      ))}
                    {r.platforms
                      .filter((p) => p.modashPending)
                      .map((p) => (
                        <span
                          key={p.platform}
                          className="modash-gone"
                          data-testid={`pending-${r.id}-${p.platform}`}
                          title={
                            p.modashPending!.retryAt
                              ? `Modash is preparing this report; the server fetches it again at ${clockTime(p.modashPending!.retryAt)}`
                              : 'Modash is still preparing this report; try again later'
                          }
                        >
                          {' '}
                          {platformName(p.platform)}: report in preparation
                        </span>
                      ))}
                  </td>
                  <td>
                    <button
                      type="button"
                      data-testid={`open-${r.id}`}
                      aria-label={`Analytics for ${r.name}`}
                      aria-expanded={openId === r.id}
                      onClick={(e) => {
                        opener.current = e.currentTarget;
                        openName.current = r.name;
                        setClosedNote(null);
                        setOpenId(r.id);
                      }}
                    >
                      Analytics
                    </button>
                  </td>
                </tr>
                {/* The panel follows its row in the tab order; wide screens show it beside the roster, narrow ones under the row. */}
                {r.id === openId && (
                  <tr className="panel-row">
                    <td colSpan={5}>
                      <AnalyticsPanel
                        key={r.id}
                        influencer={r}
                        onClose={closePanel}
                        onNotes={onNotes}
                        onPrev={k > 0 ? () => moveTo(k - 1) : null}
                        onNext={k < page.rows.length - 1 ? () => moveTo(k + 1) : null}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      <nav className="pager" aria-label="Pages">
        {page.page > 1 ? (
          <Link
            href={viewHref({ ...view, page: page.page - 1 })}
            data-testid="prev"
            onClick={(e) => {
              e.preventDefault();
              go({ ...view, page: page.page - 1 });
            }}
          >
            ← Previous
          </Link>
        ) : (
          <span className="muted">← Previous</span>
        )}{' '}
        {page.page < page.pages ? (
          <Link
            href={viewHref({ ...view, page: page.page + 1 })}
            data-testid="next"
            onClick={(e) => {
              e.preventDefault();
              go({ ...view, page: page.page + 1 });
            }}
          >
            Next →
          </Link>
        ) : (
          <span className="muted">Next →</span>
        )}
        {page.pages > 2 && (
          <form
            className="page-jump"
            onSubmit={(e) => {
              e.preventDefault();
              const n = Math.min(page.pages, Math.max(1, Number(jump) || 1));
              setJump('');
              go({ ...view, page: n });
            }}
          >
            <label>
              Page{' '}
              <input
                type="number"
                min={1}
                max={page.pages}
                value={jump}
                placeholder={String(page.page)}
                onChange={(e) => setJump(e.target.value)}
                data-testid="page-jump"
              />{' '}
              of {page.pages}
            </label>{' '}
            <button type="submit" data-testid="page-jump-go">
              Go
            </button>
          </form>
        )}
      </nav>
    </main>
  );
}
