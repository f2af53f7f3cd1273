'use client';
// The analytics panel of one influencer: beside the roster (the row buttons stay in reach), a
// dialog that takes focus when it opens, closes on Esc and gives focus back to the button that
// opened it (Roster). Status text is announced (live regions); no raw codes on screen.
import { Fragment, useEffect, useRef, useState } from 'react';
import { secondsLeft } from '@/lib/client/pause';
import type { GateStats, Metrics } from 'modash-flow';
import { gateEnabled, panelGate } from '@/lib/client/gate';
import { useBrowserConfig } from '@/lib/client/config';
import { ENGAGEMENT_RATE_DEFINITION, METRIC_LABELS, platformName } from '@/lib/words';
import { Sentence } from './Sentence';
import { useRosterInfluencerAnalytics, type Influencer } from './useRosterInfluencerAnalytics';

const fmt = (n: number | null, pct = false) => (n === null ? '—' : pct ? `${(n * 100).toFixed(2)} %` : n.toLocaleString('en'));

/** Where the userId came from, in staff words. */
const SOURCE_WORDS: Record<string, string> = {
  platform: 'stored for this platform',
  legacy: 'a legacy id from before platforms were split',
  none: 'none',
};
/** Why a legacy id was not used, in staff words. */
const REFUSED_WORDS: Record<string, string> = {
  'platform-mismatch': 'it belongs to another platform',
  'unknown-platform': 'its platform is not known',
};

export function AnalyticsPanel({
  influencer,
  onClose,
  onNotes,
  onPrev = null,
  onNext = null,
}: {
  influencer: Influencer;
  onClose: () => void;
  onNotes: (id: number, notes: string) => void;
  /** The previous / next influencer of the view (null at its ends): the panel stays open. */
  onPrev?: (() => void) | null;
  onNext?: (() => void) | null;
}) {
  const [platform, setPlatform] = useState(influencer.platforms[0]?.platform ?? 'instagram');
  const s = useRosterInfluencerAnalytics(influencer, platform, onNotes);
  const { metrics } = s;
  const [gate, setGate] = useState<GateStats | null>(null);
  const { gate: gateOptions } = useBrowserConfig();
  useEffect(() => (gateEnabled() ? panelGate(gateOptions).onChange(setGate) : undefined), [gateOptions]);
  const waiting =
    gate && (gate.queued > 0 || gate.pausedUntil)
      ? ` (requests queued: ${gate.queued}${gate.pausedUntil ? `; Modash asked us to wait ${secondsLeft(gate.pausedUntil)} s` : ''})`
      : '';
  // Focus moves into the panel when it opens (and when another influencer is shown in it); Esc closes it.
  const heading = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus moves into the panel each time it shows another influencer
  useEffect(() => {
    heading.current?.focus();
  }, [influencer.id]);
  // Keys act only while focus is inside the panel: Esc closes it, ↑/↓ show the previous / next
  // influencer (not while typing in a field); typing in the roster's search box is left alone.
  const onKeyDown = (e: React.KeyboardEvent) => {
    const typing = e.target instanceof HTMLElement && /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName);
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    } else if (!typing && e.key === 'ArrowUp' && onPrev) {
      e.preventDefault();
      onPrev();
    } else if (!typing && e.key === 'ArrowDown' && onNext) {
      e.preventDefault();
      onNext();
    }
  };
  const busy = s.phase === 'loading' || (s.phase === 'ready' && s.refreshing);
  return (
    <aside className="panel" data-testid="panel" role="dialog" aria-modal="false" aria-labelledby="panel-title" onKeyDown={onKeyDown}>
      <header>
        <h2 id="panel-title" ref={heading} tabIndex={-1}>
          {influencer.name}
        </h2>
        <span className="panel-nav">
          <button type="button" data-testid="panel-prev" onClick={onPrev ?? undefined} disabled={!onPrev} aria-label="Previous influencer (↑)">
            ↑
          </button>
          <button type="button" data-testid="panel-next" onClick={onNext ?? undefined} disabled={!onNext} aria-label="Next influencer (↓)">
            ↓
          </button>
          <button type="button" data-testid="panel-close" onClick={onClose} aria-label={`Close the analytics of ${influencer.name}`}>
            ×
          </button>
        </span>
      </header>
      {/* biome-ignore lint/a11y/useSemanticElements: a row of toggle buttons; a fieldset would add a legend and a border for no reader's gain */}
      <div className="switcher" role="group" aria-label="Platform">
        {influencer.platforms.map((p) => (
          <button
            key={p.platform}
            type="button"
            data-testid={`switch-${p.platform}`}
            className={p.platform === platform ? 'on' : ''}
            aria-pressed={p.platform === platform}
            onClick={() => setPlatform(p.platform)}
          >
            {platformName(p.platform)} <small>@{p.username}</small>
          </button>
        ))}
      </div>
      {s.resolution && (
        // Ids are for support, not for staff's day: folded away.
        <details className="muted support">
          <summary>Details for support</summary>
          <p data-testid="panel-userid">
            Modash id: {s.resolution.userId ?? 'none stored'}
            {s.resolution.userId !== null && <> ({SOURCE_WORDS[s.resolution.source] ?? s.resolution.source})</>}
            {s.resolution.rejectedLegacy && (
              <>
                {' '}
                · the legacy id {s.resolution.rejectedLegacy.userId} is not used:{' '}
                {REFUSED_WORDS[s.resolution.rejectedLegacy.reason] ?? 'it does not apply here'}
              </>
            )}
          </p>
        </details>
      )}
      <p data-testid={busy ? 'panel-status' : undefined} className={busy ? 'status' : undefined} role="status" aria-live="polite">
        {s.phase === 'loading'
          ? (s.progress ?? `Loading analytics…${waiting}`)
          : s.phase === 'ready' && s.refreshing
            ? (s.progress ?? `Refreshing from Modash…${waiting}`)
            : ''}
      </p>
      {s.phase === 'error' && s.error && (
        <p data-testid="panel-error" role="alert" className={`error ${s.error.kind}`}>
          <Sentence text={s.error.message} />
        </p>
      )}
      {s.phase === 'ready' && s.error && (
        <p data-testid="panel-refresh-error" role="alert" className={`error ${s.error.kind}`}>
          Could not refresh: <Sentence text={s.error.message} /> Showing the last known analytics.
        </p>
      )}
      {s.error?.kind === 'session' && (
        <p>
          <a href={`/login?next=${encodeURIComponent('/staff/roster')}`} data-testid="panel-sign-in">
            Sign in again
          </a>
        </p>
      )}
      {s.error?.kind === 'gone' && (
        <button type="button" data-testid="panel-try-again" onClick={s.retryNow}>
          Try again now (asks Modash, may spend a credit)
        </button>
      )}
      {s.error && s.error.kind !== 'gone' && s.error.kind !== 'session' && s.error.kind !== 'notes' && s.error.kind !== 'budget' && (
        <button type="button" data-testid="panel-retry" onClick={s.retryNow}>
          Try again
        </button>
      )}
      {s.phase === 'ready' && !s.refreshing && !s.error && (
        <button type="button" data-testid="panel-refresh-now" onClick={s.retryNow}>
          Refresh now (asks Modash, spends a credit)
        </button>
      )}
      {s.phase === 'ready' && metrics && (
        <div data-testid="panel-metrics" data-stale={s.stale} className={s.stale ? 'is-stale' : undefined}>
          <dl>
            {(Object.entries(METRIC_LABELS) as [keyof Metrics, string][]).map(([key, label]) => (
              <Fragment key={key}>
                <dt>
                  {key === 'engagementRate' ? (
                    <abbr title={ENGAGEMENT_RATE_DEFINITION[platform] ?? 'As Modash computes it'} data-testid="er-definition">
                      {label}
                    </abbr>
                  ) : (
                    label
                  )}
                </dt>
                <dd data-testid={`m-${key}`}>{fmt(metrics[key], key === 'engagementRate')}</dd>
              </Fragment>
            ))}
            <dt>Posts</dt>
            <dd>{metrics.posts ?? '—'}</dd>
          </dl>
          <p className="muted" data-testid="panel-source">
            {s.source === 'cache' ? 'Saved report' : s.source === 'notes' ? 'Saved summary' : 'Fetched from Modash'} · updated{' '}
            {s.ageLabel ?? 'at an unknown time'}
            {s.stale && (
              <>
                {' '}
                ·{' '}
                <span className="stale" data-testid="panel-stale">
                  due for a refresh
                </span>
              </>
            )}
          </p>
        </div>
      )}
    </aside>
  );
}
