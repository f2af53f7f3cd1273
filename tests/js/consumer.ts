// Compiled with `tsc --noEmit` against pkg/'s (and pkg/server/'s) generated .d.ts: the types a TS user sees must be
// precise (no `any`), and misuse must not compile (the @ts-expect-error lines).
import {
  normalizePlatform, resolveUserId, notesEntry, ttlConfigFromEnv, resolveTtl, analyticsProgressBatch, cacheAgeLabel,
  parseRetryAfter, knownPlatforms, type Platform, type UserIdResolution, type NotesEntry, type TtlConfig, type AnalyticsProgress, type ModashFlowError,
} from 'modash-flow';
import * as browser from 'modash-flow';

const p: Platform = normalizePlatform('ig');
const platforms: Platform[] = knownPlatforms();
const waitMs: number | null = parseRetryAfter('120') ?? parseRetryAfter(3, Date.now()) ?? parseRetryAfter(null);
// @ts-expect-error a Retry-After is text or a number of seconds
parseRetryAfter({});
void platforms; void waitMs;
const r: UserIdResolution = resolveUserId({ modash_data: {} }, p);
const id: string | null = r.userId;
const src: 'platform' | 'legacy' | 'none' = r.source;
const stored: NotesEntry = notesEntry('{}', 'tiktok');
const cacheId: string | null = stored.cacheId;
const followers: number | null = stored.followers;
if (r.rejectedLegacy) {
  const reason: 'platform-mismatch' | 'unknown-platform' = r.rejectedLegacy.reason;
  void reason;
}
const { config, warnings }: { config: TtlConfig; warnings: string[] } = ttlConfigFromEnv({ MODASH_CACHE_TTL_HOURS: '6' });
const ms: number = resolveTtl(config, 'bulkRefresh', 'tiktok');
const rows: AnalyticsProgress[] = analyticsProgressBatch([{ notes: '{}', platforms: ['ig'] }], { ttl: config, now: Date.now() });
const label: string | null = cacheAgeLabel(new Date(), { style: 'long', locale: 'en' });
const e = {} as ModashFlowError;
const code: 'UNSUPPORTED_PLATFORM' | 'INVALID_TTL' | 'INVALID_USE_CASE' | 'INVALID_ARGUMENT' | 'INVALID_OPTION' | 'NOTES_UNREADABLE' | 'NOT_A_REPORT' | 'QUEUE_FULL' | 'TIMEOUT' = e.code;

// @ts-expect-error: a stored entry's fields are checked values, never unknown
const rawFollowers: string = stored.followers;
// @ts-expect-error: an unknown use case does not type-check
resolveTtl(config, 'weekly');
// @ts-expect-error: platforms must be an array
analyticsProgressBatch([{ notes: null, platforms: 'ig' }]);
// @ts-expect-error: the style is a closed set
cacheAgeLabel(null, { style: 'tiny' });

// @ts-expect-error: the browser build has no write path (it is in `modash-flow/server`)
void browser.mergeAnalytics;

void [id, src, warnings, ms, rows, label, code];

import { retryRequest, type RetryResult, type RetryInfo } from 'modash-flow';
async function typedRetry(): Promise<void> {
  const r: RetryResult<Response> = await retryRequest(({ signal, attempt }) => fetch(`/x?${attempt}`, { signal: signal ?? undefined }), {
    maxRetries: 3, jitter: 'equal', onRetry: (i: RetryInfo) => void i.delayMs,
  });
  const n: number | null = r.waitTimeMs;
  void n;
  // @ts-expect-error: jitter is a closed set
  await retryRequest(() => 1, { jitter: 'lots' });
}
void typedRetry;

// The write path is in the server build only: route handlers import `modash-flow/server`.
import { mergeAnalytics, slimNotes, type MergeResult, type SlimResult } from 'modash-flow/server';
const m1: MergeResult<string> = mergeAnalytics('{"modash_data":{}}', 'tiktok', { userId: '1', followers: 10 }, { refreshedBy: 'me' });
const m2: MergeResult<object> = mergeAnalytics({ modash_data: {} }, 'ig', { username: 'ana' });
const s1: SlimResult<string> = slimNotes('{}', { cacheIds: { tiktok: 'c1', legacy: 'c2' } });
// @ts-expect-error: fetched.followers is a number
mergeAnalytics('{}', 'ig', { followers: 'many' });
// @ts-expect-error: cacheIds keys are platforms or 'legacy'
slimNotes('{}', { cacheIds: { facebook: 'x' } });
void [m1, m2, s1];

// The exact account of a search and rollout buckets: route handlers' exports (server build).
import { reportFigures, type ReportFigures } from 'modash-flow/server';
const figures: ReportFigures = reportFigures('instagram', '{"profile":{}}');
const er: number | null = figures.engagementRate;
mergeAnalytics('{}', 'instagram', figures);
void er;
// @ts-expect-error: the browser entry leaves the report reader out (the server stores reports)
void browser.reportFigures;

import { pickExactMatch, inRollout, rolloutBucket } from 'modash-flow/server';
import { createRequestGate } from 'modash-flow';
// @ts-expect-error: the browser entry leaves the server's lookup out
import { pickExactMatch as notInBrowserEntry } from 'modash-flow';
void notInBrowserEntry;
const pick = pickExactMatch([{ userId: '1', username: 'anna.b', followers: 3 }], 'anna.b');
const chosen: string | null = pick.userId;
if (pick.reason === 'no-exact-match') { const closest: string[] = pick.closest; void closest; }
const bucket: number = rolloutBucket('ana@agency.example');
const inIt: boolean = inRollout('ana@agency.example', 50);
const g = createRequestGate({ maxQueued: 10 });
void g.run('k', () => 1, { timeoutMs: 100 }).then((r) => { const t: boolean | undefined = r.timedOut; void t; });
void chosen; void bucket; void inIt;
// The team gate is in the server build only.
import { gateStep, type SharedGateState } from 'modash-flow/server';
const stepped = gateStep(null, { op: 'acquire', id: 'a', priority: 'interactive', cost: 1 }, Date.now(), { dailyCredits: 100 });
const next: SharedGateState = stepped.state;
const wait: number = stepped.waitMs;
// @ts-expect-error: the browser build has no gateStep
void browser.gateStep;
// @ts-expect-error: priorities are a closed set
gateStep(next, { op: 'acquire', id: 'b', priority: 'urgent' }, 0);
void wait;
