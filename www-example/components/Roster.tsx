'use client';
// The roster: a page of influencers with their analytics badges, computed for the whole page
// in one analyticsProgressBatch call, under the server's TTLs (lib/client/config.tsx).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { analyticsProgressBatch } from 'modash-flow';
import { useBrowserConfig } from '@/lib/client/config';
import { GONE_LABELS } from '@/lib/modash-gone';
import { AnalyticsPanel } from './AnalyticsPanel';
import { BulkRefresh } from './BulkRefresh';
import { ModashStatus } from './ModashStatus';
import type { Influencer } from './useRosterInfluencerAnalytics';

interface Page { total: number; page: number; pages: number; rows: Influencer[] }

/** `initial`: the first page, read on the server; later pages are fetched here. */
export function Roster({ initial, pageSize }: { initial: Page; pageSize: number }) {
  const [pageNo, setPageNo] = useState(initial.page);
  const [page, setPage] = useState<Page | null>(initial);
  const [error, setError] = useState<string | null>(null);
  const [openId, setOpenId] = useState<number | null>(null);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const { ttl } = useBrowserConfig();

  // The page on screen: a fetch only when another one is asked for.
  const shown = useRef(initial.page);
  useEffect(() => {
    if (pageNo === shown.current) return;
    const c = new AbortController();
    fetch(`/api/roster?page=${pageNo}&pageSize=${pageSize}`, { signal: c.signal })
      .then((r) => {
        // A session that ended (expired, signed out in another tab): sign in again, then back here.
        if (r.status === 401) window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
        return r.ok ? r.json() : Promise.reject(new Error(`roster ${r.status}`));
      })
      .then((p: Page) => { shown.current = pageNo; setPage(p); setError(null); })
      .catch((e) => { if (!c.signal.aborted) setError(String(e.message ?? e)); });
    return () => c.abort();
  }, [pageNo, pageSize]);

  // Badges depend on the browser's clock: computed once mounted (the server's HTML has the rows,
  // not the badges), so a badge on screen also means the page is interactive.
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => setNow(Date.now()), [page]);
  const badges = useMemo(() => {
    if (!page || now === null) return [];
    return analyticsProgressBatch(page.rows.map((r) => ({ notes: r.notes, platforms: r.platforms.map((p) => p.platform) })), { ttl, now });
  }, [page, now, ttl]);

  const onNotes = useCallback((id: number, notes: string) => {
    setPage((p) => (p ? { ...p, rows: p.rows.map((r) => (r.id === id ? { ...r, notes } : r)) } : p));
  }, []);

  const open = page?.rows.find((r) => r.id === openId) ?? null;
  return (
    <main>
      <h1>Roster</h1>
      {error && <p className="error">Could not load the roster: {error}</p>}
      {page && (
        <>
          <p className="muted">{page.total} influencers · page {page.page} of {page.pages}</p>
          <ModashStatus />
          <BulkRefresh rows={page.rows} selected={selected} onNotes={onNotes} />
          <table>
            <thead><tr><th /><th>Influencer</th><th>Platforms</th><th>Analytics</th><th /></tr></thead>
            <tbody>
              {page.rows.map((r, k) => {
                const b = badges[k];
                const state = b?.problem ? 'broken' : b && b.synced === b.total && b.total > 0 ? 'full' : b && b.synced > 0 ? 'part' : 'none';
                return (
                  <tr key={r.id} data-testid={`row-${r.id}`}>
                    <td>
                      <input type="checkbox" data-testid={`select-${r.id}`} aria-label={`Select ${r.name}`} checked={selected.has(r.id)}
                        onChange={(e) => setSelected((s) => { const n = new Set(s); if (e.target.checked) n.add(r.id); else n.delete(r.id); return n; })} />
                    </td>
                    <td>{r.name}</td>
                    <td>{r.platforms.map((p) => p.platform).join(', ')}</td>
                    <td>
                      {b && (
                        <span className={`badge ${state}`} data-testid={`badge-${r.id}`} title={b.problem ? `Notes unreadable. ${b.tooltip}` : b.tooltip}>
                          {b.problem ? `! ${b.label}` : b.label}
                        </span>
                      )}
                      {r.platforms.filter((p) => p.modashGone).map((p) => (
                        <span key={p.platform} className="modash-gone" data-testid={`gone-${r.id}-${p.platform}`} title={`${p.modashGone!.sentence} (Modash said so on ${p.modashGone!.at.slice(0, 10)})`}>
                          {' '}{p.platform}: {GONE_LABELS[p.modashGone!.code] ?? 'nothing on Modash'}
                        </span>
                      ))}
                      {r.platforms.filter((p) => p.modashPending).map((p) => (
                        <span key={p.platform} className="modash-gone" data-testid={`pending-${r.id}-${p.platform}`}
                          title={p.modashPending!.retryAt ? `Modash is preparing this report; the server fetches it again at ${new Date(p.modashPending!.retryAt).toISOString().slice(11, 16)} UTC` : 'Modash is still preparing this report; try again later'}>
                          {' '}{p.platform}: report in preparation
                        </span>
                      ))}
                    </td>
                    <td><button data-testid={`open-${r.id}`} onClick={() => setOpenId(r.id)}>Analytics</button></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <nav className="pager">
            <button disabled={page.page <= 1} onClick={() => setPageNo(page.page - 1)} data-testid="prev">← Previous</button>
            <button disabled={page.page >= page.pages} onClick={() => setPageNo(page.page + 1)} data-testid="next">Next →</button>
          </nav>
        </>
      )}
      {!page && !error && <p>Loading roster…</p>}
      {open && <AnalyticsPanel key={open.id} influencer={open} onClose={() => setOpenId(null)} onNotes={onNotes} />}
    </main>
  );
}
