'use client';
import { useEffect, useState } from 'react';
import { secondsLeft } from '@/lib/client/pause';
import type { GateStats } from 'modash-flow';
import { gateEnabled, panelGate } from '@/lib/client/gate';
import { useBrowserConfig } from '@/lib/client/config';
import { useRosterInfluencerAnalytics, type Influencer } from './useRosterInfluencerAnalytics';

const fmt = (n: number | null, pct = false) => (n === null ? '—' : pct ? `${(n * 100).toFixed(2)} %` : n.toLocaleString('en'));

export function AnalyticsPanel({ influencer, onClose, onNotes }: { influencer: Influencer; onClose: () => void; onNotes: (id: number, notes: string) => void }) {
  const [platform, setPlatform] = useState(influencer.platforms[0]?.platform ?? 'instagram');
  const s = useRosterInfluencerAnalytics(influencer, platform, onNotes);
  const [gate, setGate] = useState<GateStats | null>(null);
  const { gate: gateOptions } = useBrowserConfig();
  useEffect(() => (gateEnabled() ? panelGate(gateOptions).onChange(setGate) : undefined), [gateOptions]);
  const waiting = gate && (gate.queued > 0 || gate.pausedUntil)
    ? ` (requests queued: ${gate.queued}${gate.pausedUntil ? `; Modash asked us to wait ${secondsLeft(gate.pausedUntil)} s` : ''})`
    : '';
  return (
    <aside className="panel" data-testid="panel" aria-label={`Analytics for ${influencer.name}`}>
      <header>
        <h2>{influencer.name}</h2>
        <button data-testid="panel-close" onClick={onClose} aria-label="Close">×</button>
      </header>
      <nav className="switcher">
        {influencer.platforms.map((p) => (
          <button key={p.platform} data-testid={`switch-${p.platform}`} className={p.platform === platform ? 'on' : ''} onClick={() => setPlatform(p.platform)}>
            {p.platform} <small>@{p.username}</small>
          </button>
        ))}
      </nav>
      {s.resolution && (
        <p className="muted" data-testid="panel-userid">
          userId: {s.resolution.userId ?? 'none stored'} ({s.resolution.source})
          {s.resolution.rejectedLegacy && <> · legacy id {s.resolution.rejectedLegacy.userId} refused ({s.resolution.rejectedLegacy.reason})</>}
        </p>
      )}
      {s.phase === 'loading' && <p data-testid="panel-status" className="status">{s.progress ?? `Loading analytics…${waiting}`}</p>}
      {s.phase === 'ready' && s.refreshing && <p data-testid="panel-status" className="status">{s.progress ?? `Refreshing from Modash…${waiting}`}</p>}
      {s.phase === 'error' && s.error && <p data-testid="panel-error" className={`error ${s.error.kind}`}>{s.error.message}</p>}
      {s.phase === 'ready' && s.error && <p data-testid="panel-refresh-error" className={`error ${s.error.kind}`}>Could not refresh: {s.error.message} Showing the last known analytics.</p>}
      {s.error?.kind === 'gone' && <button type="button" data-testid="panel-try-again" onClick={s.retryNow}>Try again now (asks Modash, may spend a credit)</button>}
      {s.phase === 'ready' && s.metrics && (
        <div data-testid="panel-metrics" data-stale={s.stale} className={s.stale ? 'is-stale' : undefined}>
          <dl>
            <dt>Followers</dt><dd data-testid="m-followers">{fmt(s.metrics.followers)}</dd>
            <dt>Engagement rate</dt><dd>{fmt(s.metrics.engagementRate, true)}</dd>
            <dt>Avg views</dt><dd>{fmt(s.metrics.avgViews)}</dd>
            <dt>Posts</dt><dd>{s.metrics.posts ?? '—'}</dd>
          </dl>
          <p className="muted" data-testid="panel-source">
            {s.source === 'cache' ? 'From the cache' : s.source === 'notes' ? 'From notes' : 'Fetched from Modash'} · refreshed {s.ageLabel ?? 'at an unknown time'}
            {s.stale && <> · <span className="stale" data-testid="panel-stale">older than the TTL</span></>}
          </p>
        </div>
      )}
    </aside>
  );
}
