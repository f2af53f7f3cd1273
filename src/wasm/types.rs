//! The TypeScript interfaces the exports take and return, and the declarations of the generic
//! exports (`retryRequest`, `mergeAnalytics`, `slimNotes`, `pickExactMatch`, the `RequestGate`
//! interface). Every other export's signature is generated from its own attributes.

use wasm_bindgen::prelude::*;

/// The error codes' union, generated from `crate::error::Code`.
#[wasm_bindgen(typescript_custom_section)]
const TS_ERROR_CODES: &'static str = crate::error::TS_ERROR_CODES;

#[wasm_bindgen(typescript_custom_section)]
const TS_READ_PATH: &'static str = r#"
/** A supported platform, normalised. */
export type Platform = 'instagram' | 'tiktok' | 'youtube';
/** Where a TTL is used. */
export type UseCase = 'roster' | 'discovery' | 'bulkRefresh';


/** The answer of `resolveUserId`. */
export interface UserIdResolution {
  platform: Platform;
  /** The usable userId (trimmed string, or a safe integer as a decimal string), or null. */
  userId: string | null;
  /** `platform`: `modash_data.platforms[platform].userId`; `legacy`: `modash_data.userId` / `modash_user_id` under the legacy rule. */
  source: 'platform' | 'legacy' | 'none';
  /** True exactly when `source === 'legacy'`: store it per platform on the next write. */
  needsMigration: boolean;
  /** A usable legacy id the legacy rule refuses for this platform (whatever the source). */
  rejectedLegacy: null | { userId: string; legacyPlatform: string | null; reason: 'platform-mismatch' | 'unknown-platform' };
  /** `notes-unreadable`: notes was a string that is not JSON, or not an object. */
  problem: null | 'notes-unreadable';
}

/** Cache TTLs, all in milliseconds. */
export interface TtlConfig {
  base: number;
  roster: number;
  discovery: number;
  bulkRefresh: number;
  /** Per-platform overrides: when set, they win over every use case for that platform. */
  platforms: Partial<Record<Platform, number>>;
}

export interface CacheAgeLabelOptions {
  /** Epoch ms; default `Date.now()`. */
  now?: number;
  /** `short` (default): `3h ago`; `long`: `Intl.RelativeTimeFormat` wording, e.g. `3 hours ago`, `yesterday`. */
  style?: 'short' | 'long';
  /** BCP 47 locale for the long style; default `en`. An unknown locale falls back to English. */
  locale?: string;
}

export interface ProgressOptions {
  /** A TtlConfig resolved per platform, or one TTL in ms for all; default `defaultTtlConfig()`. */
  ttl?: TtlConfig | number;
  /** Default `roster`. */
  useCase?: UseCase;
  /** Epoch ms; default `Date.now()`. */
  now?: number;
}

export interface PlatformFreshness {
  /** The normalised platform, or the listed name (trimmed, lower case) when unsupported. */
  platform: string;
  userId: string | null;
  /** Epoch ms of the last refresh; null when unknown or too far in the future. */
  lastRefreshed: number | null;
  ageMs: number | null;
  fresh: boolean;
  /** Short label, e.g. `3h ago`. */
  ageLabel: string | null;
  problem: null | 'unsupported-platform';
}

export interface AnalyticsProgress {
  synced: number;
  total: number;
  /** `synced/total`, e.g. `2/3`. */
  label: string;
  /** e.g. `Analytics synced for 2/3 platform(s) (refreshed 3h ago)`. */
  tooltip: string;
  platforms: PlatformFreshness[];
  /** Newest known refresh among the listed platforms (epoch ms). */
  newestRefresh: number | null;
  /** `notes-unreadable` when the notes could not be read (nothing counts as fresh). */
  problem: null | 'notes-unreadable';
}

/** Notes as the app holds them: an object, the raw JSON text of the column, its UTF-8 bytes, or nothing. */
export type NotesInput = object | string | Uint8Array | null | undefined;
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_RETRY: &'static str = r#"
/** What the request callback receives. Pass `signal` on to `fetch`. */
export interface RetryContext { attempt: number; signal: AbortSignal | null }

export interface RetryOptions {
  /** Default 3 (so at most 4 calls). A whole number >= 0. */
  maxRetries?: number;
  /** Default 1000 ms. */
  initialDelayMs?: number;
  /** Default 60000 ms: the cap of the backoff. */
  maxDelayMs?: number;
  /** Default 2; at least 1. */
  backoffMultiplier?: number;
  /** Default 'equal' (half fixed, half random); 'full' is uniform in [0, delay]; a Retry-After is never jittered. */
  jitter?: 'none' | 'equal' | 'full';
  /** Default [429, 500, 502, 503, 504]. */
  retryableStatuses?: number[];
  /** Default true: a TypeError without a status (what fetch throws offline) is retried. */
  retryOnNetworkError?: boolean;
  /** Default = maxDelayMs. A longer Retry-After stops at once with `waitTimeMs` set. */
  maxRetryAfterMs?: number;
  /** Aborting ends a call or a wait at once: no further call, no timer left. */
  signal?: AbortSignal;
  /** Called before each wait; an exception in it is logged with console.error and ignored. */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  /** The retry about to be made, 1-based. */
  attempt: number;
  maxRetries: number;
  status: number | null;
  /** The wait before that retry, ms. */
  delayMs: number;
  /** The server's Retry-After, ms, when it sent one. */
  retryAfterMs: number | null;
  error: unknown;
}

export interface RetryResult<T> {
  success: boolean;
  /** The callback's value (the Response itself for a fetch), on success. */
  data?: T;
  /** On failure: what the callback threw, an Error with `.status` and `.response` for a not-ok Response, or the signal's reason when aborted. */
  error?: unknown;
  status: number | null;
  /** Retries actually made (0 when the first call succeeded). */
  retriesUsed: number;
  /** When rate limited: the wait the server (or the backoff) asked for, ms, so the UI can say "try again in N s". */
  waitTimeMs: number | null;
  aborted: boolean;
}

/**
 * Calls `request` and retries it on 429, 5xx and network errors, waiting the server's
 * Retry-After (delta-seconds or HTTP-date) or an exponential backoff with jitter on the event
 * loop's `setTimeout`. The callback may resolve to a `Response` (anything with `ok`, `status`,
 * `headers.get`) or throw errors carrying `status`, `response.status` or `(NNN)` in the message.
 * Always resolves for request failures; rejects at once (before any call) with an `Error` of
 * code `INVALID_OPTION` naming a bad option, or `INVALID_ARGUMENT` when `request` is not a function.
 */
export function retryRequest<T>(request: (ctx: RetryContext) => Promise<T> | T, options?: RetryOptions): Promise<RetryResult<T>>;
"#;

#[cfg(feature = "write-path")]
#[wasm_bindgen(typescript_custom_section)]
const TS_WRITE_PATH: &'static str = r#"
/** What a Modash fetch returned, as far as notes keep it. */
export interface FetchedAnalytics { userId?: string | number; username?: string; followers?: number; engagementRate?: number; avgViews?: number }
export interface MergeOptions {
  /** Epoch ms written as `last_refreshed` (ISO-8601 UTC); default `Date.now()`. */
  now?: number;
  refreshedBy?: string | null;
  /** The `modash_profile_cache` row id; written when given (null included). */
  cacheId?: string | null;
  /**
   * Default true (after a report fetch): write `last_refreshed` and `refreshed_by` and drop the
   * entry's `cached_payload` (the new payload belongs in the cache table). False stores ids and
   * metrics without claiming fresh analytics and keeps any payload (backfills, a lookup whose
   * report failed).
   */
  markRefreshed?: boolean;
}
export interface MergeResult<N = object | string> {
  /** Same form as the input: an object in, a new object out; JSON text in, JSON text out. */
  notes: N;
  /** The userId now in `platforms[platform].userId`, or null. */
  userIdStored: string | null;
  /** A legacy id was copied into its platform's entry. */
  migratedLegacy: boolean;
  /** UTF-8 bytes (as JSON) of the `cached_payload` removed from the written entry. */
  droppedPayloadBytes: number;
  /** `missing-userId`, `userId-changed`. */
  warnings: string[];
}
export interface SlimResult<N = object | string> {
  notes: N;
  /** Removed payloads, for the caller to insert into the cache table first. */
  payloads: Array<{
    platform: Platform; userId: string | null; source: 'platform' | 'legacy'; payload: unknown;
    /** Notes given as text: the payload's exact JSON text, byte for byte (store this, not
     * `JSON.stringify(payload)`, which rewrites big numbers, `1.50`, `-0` and escapes). */
    payloadText: string | null;
  }>;
  /** UTF-8 bytes of the JSON text before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Writes a successful fetch into `notes.modash_data.platforms[platform]`: userId (the fetch's,
 * else the stored one, else a legacy id the legacy rule assigns here), username, finite core
 * metrics, last_refreshed, refreshed_by, cache_id when given; keeps other fields of the entry,
 * removes its `cached_payload`; copies a legacy id into its own platform's entry when that has
 * none. Everything else is preserved exactly; the input is never mutated.
 * @throws ModashFlowError `NOTES_UNREADABLE` (text that is not JSON, JSON that is not an object,
 * a `modash_data`/`platforms`/entry that is not an object), `UNSUPPORTED_PLATFORM`, `INVALID_ARGUMENT`.
 */
export function mergeAnalytics<N extends object | string>(notes: N | null | undefined, platform: string, fetched: FetchedAnalytics, options?: MergeOptions): MergeResult<N extends string ? string : object>;

/**
 * Removes every `cached_payload` (per platform, and the legacy one where the legacy rule names
 * its platform) and returns them; lifts missing userId/followers/engagementRate/avgViews from
 * the payload (`profile.<field>`, else `<field>`); with `cacheIds` each slimmed entry gets its
 * `cache_id`. Lossless and idempotent like `mergeAnalytics`.
 * @throws ModashFlowError `NOTES_UNREADABLE`, `INVALID_ARGUMENT`.
 */
export function slimNotes<N extends object | string>(notes: N | null | undefined, options?: { cacheIds?: Partial<Record<Platform | 'legacy', string>> }): SlimResult<N extends string ? string : object>;
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_LOOKUP: &'static str = r#"
/** One account of a Modash username search (`GET /v1/{platform}/users?query=…`). */
export interface SearchedUser { userId: string | number; username: string; [field: string]: unknown }
/** The verdict of `pickExactMatch`. */
export type ExactMatch<U = SearchedUser> =
  | { userId: string; username: string; index: number; user: U; reason: null; closest: [] }
  | { userId: null; username: null; index: null; user: null; reason: 'no-exact-match'; closest: string[] };
/**
 * The account of a search answer whose username equals `username` (ASCII case ignored, a
 * leading `@` and surrounding blanks ignored), else none with `reason: 'no-exact-match'` and
 * up to five distinct usernames seen, closest first. Modash's search lists look-alikes
 * (`anna.b.official` for `anna.b`): never store `users[0]`.
 * @throws ModashFlowError `INVALID_ARGUMENT` when `users` is not an array or `username` not a string.
 */
export function pickExactMatch<U extends SearchedUser>(users: readonly U[], username: string): ExactMatch<U>;
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_ROLLOUT: &'static str = r#"
"#;

#[wasm_bindgen(typescript_custom_section)]
const TS_GATE: &'static str = r#"
export interface GateOptions {
  /** Token-bucket refill rate; default 2 (Modash's documented pace). */
  requestsPerSecond?: number;
  /** Bucket size: how many may start at once after a quiet spell; default 2. */
  burst?: number;
  /** Never more than this many in flight; default 4. */
  maxConcurrent?: number;
  /** At most this many requests wait at once; beyond it `run` resolves at once with a
   * `QUEUE_FULL` error. Default 1,000. */
  maxQueued?: number;
  /** Retry options for every run (merged with each run's own). */
  retry?: RetryOptions;
}
export interface GateRunOptions extends RetryOptions {
  /** Gives up (and frees the request's place) when the run has not settled after this many ms:
   * the result has `timedOut: true` and an error with code `TIMEOUT`. */
  timeoutMs?: number;
}
export interface GateStats { queued: number; inFlight: number; admitted: number; deduplicated: number; pausedUntil: number | null }
/**
 * What `createRequestGate` returns. Declared here rather than generated: the generated class
 * would declare `[Symbol.dispose]`, which needs TypeScript's `esnext.disposable` lib, and `run`
 * is generic (`run<T>`), which wasm-bindgen cannot write.
 */
export interface RequestGate {
  /**
   * Runs `request` through the gate with retries (`retryRequest`); every attempt waits for a
   * place. Calls with the same non-null `key` while one is queued or in flight share it
   * (`deduplicated: true` for the joiners). A caller's `signal` removes only that caller; the
   * shared request is cancelled when every caller has aborted.
   */
  run<T>(key: string | null, request: (ctx: RetryContext) => Promise<T> | T, options?: GateRunOptions): Promise<RetryResult<T> & { deduplicated: boolean; queuedMs: number; timedOut?: boolean }>;
  /** What the gate holds now: queued, in flight, admitted, de-duplicated, paused until. */
  stats(): GateStats;
  /** Pauses admissions for `ms` (merged with any current pause). */
  pause(ms: number): void;
  /** Called on every change of the stats; returns the unsubscribe function. */
  onChange(listener: (stats: GateStats) => void): () => void;
}
"#;

#[cfg(feature = "server-gate")]
#[wasm_bindgen(typescript_custom_section)]
const TS_SHARED_GATE: &'static str = r#"
/** The team-scale gate's state: store it as it is (JSON), one per Modash API key. */
export interface SharedGateState {
  tokens: number; updatedAt: number; pausedUntil: number;
  inFlight: Array<{ id: string; until: number; cost: number }>;
  waiting: Array<{ id: string; priority: number; since: number; seen: number }>;
  creditsDay: number; creditsSpent: number; admitted: number; cooldowns: number; started: boolean;
}
export type GatePriority = 'interactive' | 'bulk' | 'backfill';
export type SharedGateRequest =
  /** A place for call `id` (unique per call) costing `cost` credits (default 0). */
  | { op: 'acquire'; id: string; priority: GatePriority; cost?: number }
  /** Call `id` is done: `retryAfterMs` from a 429 pauses everyone (capped); `charged: false` gives its credits back. */
  | { op: 'release'; id: string; retryAfterMs?: number | null; charged?: boolean }
  /** The caller of `id` went away before it was admitted. */
  | { op: 'cancel'; id: string };
export interface SharedGateOptions {
  /** Default 1.5 with a burst of 1: never more than 2 calls start in any second. */
  requestsPerSecond?: number; burst?: number;
  /** Default 4. */
  maxConcurrent?: number;
  /** A place not released within this long is free again (a crashed caller); default 60,000. */
  leaseMs?: number;
  /** A waiter that does not ask again within this long loses its turn; default 5,000. */
  waiterTtlMs?: number;
  /** The longest pause a 429's Retry-After may cause; default 60,000. */
  maxRetryAfterMs?: number;
  /** Default 1,000. */
  maxWaiting?: number;
  /** Credits a UTC day may spend; none when absent. */
  dailyCredits?: number;
}
export interface SharedGateStep {
  state: SharedGateState;
  admit: boolean;
  /** Sleep this long, then ask again with the same id (0 when admitted or done). */
  waitMs: number;
  blocked: 'paused' | 'behind' | 'concurrency' | 'rate' | 'budget' | 'queue-full' | null;
  /** Waiters that go first (a higher priority, or earlier at the same one). */
  ahead: number;
}
"#;
