'use client';
// The analytics panel's data: resolves the userId with modash-flow, serves fresh data from the
// cache table without any Modash call, otherwise refreshes through the page's request gate
// (retryRequest inside, shared with the bulk refresh by key) with live retry progress; aborts
// on close or platform switch. Stale-while-revalidate: data older than the TTL (cached payload
// or slim metrics in notes) is shown at once, labelled with its age, while the refresh runs;
// a failed refresh keeps it on screen with the error.
import { useEffect, useEffectEvent, useRef, useState } from 'react';
import { analyticsProgress, cacheAgeLabel, normalizePlatform, notesEntry, resolveUserId, type UserIdResolution } from 'modash-flow';
import { refresh } from '@/lib/client/gate';
import type { ProfileSummary } from '@/lib/api-types';
import { useBrowserConfig } from '@/lib/client/config';
import { GONE_LABELS } from '@/lib/modash-gone';
import { metricsOf } from '@/lib/words';
import { useStaff } from './StaffContext';

/** The panel-open beacon (the metrics page): sent once, when the panel's data is final. */
function beacon(body: {
  influencerId: number;
  platform: string;
  firstDataMs: number | null;
  freshDataMs: number | null;
  source: Source | null;
  lookup: boolean;
  outcome: 'fresh' | 'stale' | 'error';
}) {
  void fetch('/api/metrics/panel-open', { method: 'POST', keepalive: true, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).catch(
    () => {},
  );
}

/** `modashGone`: what Modash said lately about an account it has nothing for (private, removed, not found). */
export interface Influencer {
  id: number;
  name: string;
  notes: string | null;
  platforms: {
    platform: string;
    username: string;
    modashGone?: { code: string; sentence: string; at: string } | null;
    modashPending?: { retryAt: number | null; at: string } | null;
  }[];
}
/** What the panel shows: the route's figures (lib/api-types.ts). */
export type Metrics = ProfileSummary;
export type Source = 'cache' | 'notes' | 'modash';
export interface AnalyticsState {
  phase: 'loading' | 'ready' | 'error';
  progress: string | null;
  metrics: Metrics | null;
  source: Source | null;
  lastRefreshed: number | null;
  ageLabel: string | null;
  resolution: UserIdResolution | null;
  /** The data shown is older than the TTL (a refresh is running, or failed: see `error`). */
  stale: boolean;
  /** A refresh from Modash is running while (stale) data is shown. */
  refreshing: boolean;
  /** `gone`: Modash has nothing for the account (private, removed, not found): "Try again now" asks again. */
  error: { kind: 'rate-limit' | 'budget' | 'not-found' | 'gone' | 'network' | 'notes' | 'session' | 'other'; message: string } | null;
}

const initial: AnalyticsState = {
  phase: 'loading',
  progress: null,
  metrics: null,
  source: null,
  lastRefreshed: null,
  ageLabel: null,
  resolution: null,
  stale: false,
  refreshing: false,
  error: null,
};

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function useRosterInfluencerAnalytics(
  influencer: Influencer,
  platform: string,
  onNotes: (id: number, notes: string) => void,
): AnalyticsState & { retryNow: () => void } {
  const [state, setState] = useState<AnalyticsState>(initial);
  // "Try again now": the next run asks Modash even when it answered lately that it has nothing.
  const [attempt, setAttempt] = useState(0);
  const force = useRef(false);
  const { cohort } = useStaff();
  const { ttl, gate } = useBrowserConfig();
  // Read when the effect runs (the latest notes and callback), without re-running it when they change.
  const currentNotes = useEffectEvent(() => influencer.notes);
  const notesWritten = useEffectEvent((id: number, notes: string) => onNotes(id, notes));

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs again for another influencer, platform, rollout group, TTL, gate or "Try again now" (attempt); notes and the callback are read through effect events
  useEffect(() => {
    const controller = new AbortController();
    const t0 = performance.now();
    const p = normalizePlatform(platform);
    let firstDataMs: number | null = null;
    let shownSource: Source | null = null;
    const report = (outcome: 'fresh' | 'stale' | 'error', freshSource: Source | null) => {
      if (controller.signal.aborted) return;
      const now = Math.round(performance.now() - t0);
      beacon({
        influencerId: influencer.id,
        platform: p,
        firstDataMs: firstDataMs ?? (outcome === 'fresh' ? now : null),
        freshDataMs: outcome === 'fresh' ? now : null,
        // Where the first data came from: stored (cache, notes) means shown at once.
        source: shownSource ?? freshSource,
        lookup: lookedUp,
        outcome,
      });
    };
    let resolutionAtStart: string | null = null;
    // Whether this open needed a username lookup (known from the route's answer).
    let lookedUp = false;
    const notes = currentNotes();
    const set = (s: Partial<AnalyticsState>) => {
      if (!controller.signal.aborted) setState((prev) => ({ ...prev, ...s }));
    };
    setState(initial);
    const resolution = resolveUserId(notes, p);
    resolutionAtStart = resolution.userId;
    set({ resolution });
    if (resolution.problem) {
      set({
        phase: 'error',
        error: { kind: 'notes', message: 'The notes of this influencer are unreadable (malformed JSON): analytics cannot be shown or stored.' },
      });
      report('error', null);
      return () => controller.abort();
    }
    const freshness = analyticsProgress(notes, [p], { ttl }).platforms[0];
    const entry = notesEntry(notes, p);

    (async () => {
      // What is already known, fresh or not: the cached payload, else slim metrics in notes.
      let shown = false;
      const known = (source: Source, metrics: Metrics) => {
        shown = true;
        firstDataMs ??= Math.round(performance.now() - t0);
        shownSource = source;
        set({
          phase: 'ready',
          source,
          metrics,
          stale: !freshness.fresh,
          refreshing: !freshness.fresh,
          lastRefreshed: freshness.lastRefreshed,
          ageLabel: freshness.lastRefreshed === null ? null : cacheAgeLabel(freshness.lastRefreshed, { style: 'long' }),
        });
      };
      const { cacheId } = entry;
      // The rollout: staff outside it take the old path (no cache table: notes, else Modash).
      if (cohort === 'cache' && cacheId !== null) {
        const res = await fetch(`/api/modash/cache/${encodeURIComponent(cacheId)}`, { signal: controller.signal }).catch(() => null);
        // A body cut short (the panel closed mid-read) is no data, not an unhandled rejection.
        const body = res?.ok ? await res.json().catch(() => null) : null;
        // The server reads the report's figures (the module's rule for Modash's shape).
        const f = body?.figures;
        if (f) {
          known('cache', {
            userId: f.userId ?? resolution.userId,
            username: f.username ?? null,
            fullname: f.fullname ?? null,
            ...metricsOf(f),
            posts: num(f.posts),
          });
        }
      }
      if (!shown && entry.followers !== null) {
        known('notes', {
          userId: resolution.userId,
          username: entry.username,
          fullname: null,
          ...metricsOf(entry),
          posts: null,
        });
      }
      // Fresh and on screen: done, unless staff asked for a refresh ("Refresh now", "Try again").
      if (shown && freshness.fresh && !force.current) {
        report('fresh', shownSource);
        return;
      }
      if (controller.signal.aborted) return;
      const forced = force.current;
      force.current = false;
      const r = await refresh(gate, influencer.id, p, 'roster', {
        force: forced,
        signal: controller.signal,
        onRetry: (i) =>
          set({
            progress: `${i.status === 429 ? 'Rate limited' : i.status !== null && i.status >= 502 && i.status <= 504 ? 'Modash did not answer' : i.status ? 'The server had a problem' : 'No connection'}, retrying in ${Math.ceil(i.delayMs / 1000)} s (${i.attempt}/${i.maxRetries})`,
          }),
      });
      if (r.aborted) return;
      if (r.success && r.data) {
        const body = r.data;
        if (body.notes !== null) notesWritten(influencer.id, body.notes);
        const now = Date.now();
        // Fetched now, by a colleague's request this one joined, or fresh already on the server.
        const at = body.source === 'modash' ? now : (analyticsProgress(body.notes, [p], { ttl }).platforms[0]?.lastRefreshed ?? now);
        set({
          phase: 'ready',
          progress: null,
          source: body.source === 'store' ? 'cache' : 'modash',
          stale: false,
          refreshing: false,
          error: null,
          lastRefreshed: at,
          ageLabel: cacheAgeLabel(at, { style: 'long' }),
          metrics: body.profile,
        });
        lookedUp = Boolean(body.lookedUp);
        report('fresh', body.source === 'store' ? 'cache' : 'modash');
        return;
      }
      const status = r.status;
      const code = (r.error as { code?: string } | null)?.code;
      const error: AnalyticsState['error'] =
        // The session ended (expired, signed out in another tab): said so, with the way back.
        status === 401
          ? { kind: 'session', message: 'Your session has ended: sign in again to refresh analytics.' }
          : // Remembered on the row like a gone account: the panel offers "Try again now" (a new search).
            code === 'NO_EXACT_MATCH'
            ? { kind: 'gone', message: `${(r.error as Error).message}. No account was stored: check the username.` }
            : code === 'BUDGET_EXHAUSTED'
              ? { kind: 'budget', message: "Today's Modash credit budget is spent; refreshes resume at midnight UTC." }
              : status === 429
                ? { kind: 'rate-limit', message: `Modash is rate limiting us: try again in ${Math.ceil((r.waitTimeMs ?? 0) / 1000)} s.` }
                : // The server's sentence for what Modash said (a private or removed account, a report in
                  // preparation, Modash's own credits, a failure upstream): lib/server/modash-errors.ts.
                  code && Object.hasOwn(GONE_LABELS, code) && (r.error as Error)?.message
                  ? { kind: 'gone', message: `${(r.error as Error).message.replace(/\.?$/, '.')}` }
                  : code && code !== 'NOTES_UNREADABLE' && (r.error as Error)?.message
                    ? { kind: status === 404 || status === 410 ? 'not-found' : 'other', message: `${(r.error as Error).message.replace(/\.?$/, '.')}` }
                    : status === 404
                      ? { kind: 'not-found', message: `No ${p} account found on Modash for this influencer.` }
                      : status === 422
                        ? { kind: 'notes', message: 'The notes of this influencer are unreadable.' }
                        : status === null
                          ? { kind: 'network', message: `Network error: ${(r.error as Error)?.message ?? 'unreachable'}` }
                          : // The server's own sentence when it sent one (a failure of ours is not Modash's).
                            (r.error as Error)?.message
                            ? { kind: 'other', message: `${(r.error as Error).message.replace(/\.?$/, '.')}` }
                            : { kind: 'other', message: 'The server could not refresh the analytics.' };
      // Stale data stays on screen with the error; without any, the panel shows the error.
      set(shown ? { progress: null, refreshing: false, error } : { phase: 'error', progress: null, refreshing: false, error });
      // No call was made for notes the server refused to touch.
      lookedUp = resolutionAtStart === null && code !== 'NOTES_UNREADABLE' && code !== 'INVALID_STORED_USER_ID';
      report(shown ? 'stale' : 'error', null);
    })();
    return () => controller.abort(new DOMException('panel closed', 'AbortError'));
  }, [influencer.id, platform, cohort, ttl, gate, attempt]);

  return {
    ...state,
    retryNow: () => {
      force.current = true;
      setAttempt((a) => a + 1);
    },
  };
}
