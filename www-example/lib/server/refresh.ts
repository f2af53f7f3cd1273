// Refreshing one influencer platform for the whole team:
// - fresh under the caller's use case's TTL (and not `force`): the stored analytics, no call;
// - single flight: one lease row per influencer platform with a short expiry its live holder
//   renews (lib/lease.mjs), so a crashed holder blocks it for seconds, not minutes; a second
//   caller, from any tab or instance, waits for the holder's write and answers with it;
// - the holder fetches through the team-scale gate and writes in one transaction: the report's
//   body as received into modash_profile_cache, the slim entry into notes (mergeAnalytics), older
//   cache rows of that platform pruned; a paid report is never lost (kept in the cache table
//   when notes cannot be written, and used by the next refresh).
import 'server-only';
import { randomUUID } from 'node:crypto';
import { analyticsProgress, knownPlatforms, mergeAnalytics, notesEntry, parseTimestamp, resolveUserId, type UseCase } from 'modash-flow/server';
import type { GatePriority } from 'modash-flow/server';
import { HttpError, USER_ID } from './http';
import { fetchProfile, figuresOf, MAX_REFRESH_MS, ModashError, summary } from './modash';
import { CREDIT_COSTS } from './gate';
import { keepAlive, LEASE_MS, releaseSurely } from '../lease.mjs';
import { serverConfig } from './config';
import { log } from '../log.mjs';
import { GONE_CODES, rememberedFailure } from './modash-errors';
import { store, type Db } from './store';
import type { RefreshAnswer } from '../api-types';
import { writeRosterState } from '../roster-state.mjs';
import { METRIC_LABELS, metricsOf, utcMoment } from '../words';
import type { Metrics } from 'modash-flow/server';

/** The module's readers the roster's state columns are computed with (lib/roster-state.mjs). */
const READERS = { analyticsProgress, notesEntry };

/** Cache rows kept per influencer platform (the one notes point to is never pruned). */
const KEEP_CACHE_ROWS = 3;
/** A report fetched this recently but not in notes (its notes write failed) is used instead of a new call. */
const ORPHAN_REUSE_MS = 10 * 60 * 1000;
/** The longest a refresh holds its lease (modash.ts MAX_REFRESH_MS); the lease itself lasts LEASE_MS and is renewed by its live holder (lib/lease.mjs), never past this. */
const MAX_HOLD_MS = MAX_REFRESH_MS;
const JOIN_POLL_MS = 200;

const serverTtl = serverConfig().ttl;

export interface RefreshRequest {
  id: number;
  platform: string;
  useCase: UseCase;
  force: boolean;
  staffEmail: string;
  cohort: string;
  signal: AbortSignal;
  /** The gate priority when not the use case's (the scheduled retries, the warm refresher: backfill). */
  priority?: GatePriority;
  /** What the call log records as the cause when not the use case (the warm refresher: `warm:<reason>`). */
  cause?: string;
}
/** The route's answer (lib/api-types.ts, shared with the page). */
export type Refreshed = RefreshAnswer;

const priorityOf = (useCase: UseCase): GatePriority => (useCase === 'bulkRefresh' ? 'bulk' : 'interactive');
const referencedCacheIds = (notes: string | null) =>
  new Set(
    knownPlatforms()
      .map((p) => notesEntry(notes, p).cacheId)
      .filter((id) => id !== null && /^\d+$/.test(id))
      .map(Number),
  );
const lastRefreshedOf = (notes: string | null, platform: string) => analyticsProgress(notes, [platform]).platforms[0]?.lastRefreshed ?? null;

async function notesOf(db: Db, id: number, lock = false): Promise<string | null> {
  const s = store();
  let q = db.selectFrom('influencers').select(s.notesText.as('notes')).where('id', '=', id);
  if (lock && s.locking) q = q.forUpdate();
  return (await q.executeTakeFirst())?.notes ?? null;
}

/** The stored analytics of a platform: the cached report's profile, else the slim metrics in notes. */
export async function storedAnswer(id: number, platform: string, source: 'joined' | 'store', waitedMs: number): Promise<Refreshed> {
  const { db } = store();
  const notes = await notesOf(db, id);
  const entry = notesEntry(notes, platform);
  const cacheId = entry.cacheId;
  let profile: Refreshed['profile'] = null;
  if (cacheId && /^\d+$/.test(cacheId)) {
    const row = await db.selectFrom('modash_profile_cache').select('payload').where('id', '=', Number(cacheId)).executeTakeFirst();
    try {
      if (row) profile = summary(figuresOf(platform, row.payload));
    } catch {
      profile = null;
    }
  }
  if (!profile && entry.followers !== null) {
    profile = {
      userId: entry.userId,
      username: entry.username,
      fullname: null,
      ...metricsOf(entry),
      posts: null,
    };
  }
  const r = resolveUserId(notes, platform);
  return {
    success: true,
    source,
    notesWritten: false,
    userId: r.userId,
    lookedUp: false,
    cacheId,
    notes,
    profile,
    warnings: [],
    migratedLegacy: false,
    rejectedLegacy: r.rejectedLegacy,
    waitedMs,
  };
}

async function takeLease(ipId: number, owner: string): Promise<boolean> {
  const { db } = store();
  const now = Date.now();
  await db
    .insertInto('refresh_leases')
    .values({ influencer_platform_id: ipId, owner, expires_at: now + LEASE_MS })
    .onConflict((oc) =>
      oc
        .column('influencer_platform_id')
        .doUpdateSet({ owner, expires_at: now + LEASE_MS })
        .where('refresh_leases.expires_at', '<', now),
    )
    .execute();
  const row = await db.selectFrom('refresh_leases').select('owner').where('influencer_platform_id', '=', ipId).executeTakeFirst();
  return row?.owner === owner;
}

/** The holder's heartbeat: false when the lease is no longer ours. */
async function renewLease(ipId: number, owner: string): Promise<boolean> {
  const r = await store()
    .db.updateTable('refresh_leases')
    .set({ expires_at: Date.now() + LEASE_MS })
    .where('influencer_platform_id', '=', ipId)
    .where('owner', '=', owner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Gives the lease back; while the store is unreachable, tried again until it answers. */
async function dropLease(ipId: number, owner: string) {
  await releaseSurely(() => store().db.deleteFrom('refresh_leases').where('influencer_platform_id', '=', ipId).where('owner', '=', owner).execute(), {
    what: `the refresh lease of influencer platform ${ipId}`,
  });
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** What a refresh needs to know before it may ask Modash: the row, its platform, its userId. */
interface Checked {
  notes: string | null;
  ip: { id: number; username: string; modash_status: string | null; modash_status_at: string | null };
  resolved: ReturnType<typeof resolveUserId>;
}

/**
 * What a refresh can answer without Modash: the stored analytics when fresh (and not `force`),
 * a remembered "Modash has nothing for it" (HttpError), or what cannot be refreshed at all
 * (HttpError: no such influencer or platform, unreadable notes). `answer: null`: Modash must be asked.
 * The panel's route asks this before it enqueues a job (lib/server/queue.ts); the job asks again.
 */
export async function answerWithoutModash(req: Pick<RefreshRequest, 'id' | 'platform' | 'useCase' | 'force'>): Promise<Checked & { answer: Refreshed | null }> {
  const { db } = store();
  const row = await db
    .selectFrom('influencers')
    .select(['id', store().notesText.as('notes')])
    .where('id', '=', req.id)
    .executeTakeFirst();
  if (!row) throw new HttpError(404, 'NOT_FOUND', 'No such influencer');
  const ip = await db
    .selectFrom('influencer_platforms')
    .select(['id', 'username', 'modash_status', 'modash_status_at'])
    .where('influencer_id', '=', req.id)
    .where('platform', '=', req.platform)
    .executeTakeFirst();
  if (!ip) throw new HttpError(404, 'PLATFORM_NOT_LISTED', `${req.platform} is not listed for this influencer`);
  const resolved = resolveUserId(row.notes, req.platform);
  // The write would be refused anyway: spend no Modash credit.
  if (resolved.problem) throw new HttpError(422, 'NOTES_UNREADABLE', 'Notes are unreadable; fix them before refreshing');
  if (resolved.userId !== null && !USER_ID.test(resolved.userId)) {
    throw new HttpError(422, 'INVALID_STORED_USER_ID', 'The userId stored in notes is not a Modash id; fix it before refreshing');
  }
  const fresh = analyticsProgress(row.notes, [req.platform], { ttl: serverTtl, useCase: req.useCase }).platforms[0]?.fresh === true;
  if (!req.force && fresh) {
    // Fresh, and something to show for it (a cached report or metrics in notes: a legacy entry
    // can be fresh with only an id stored).
    const stored = await storedAnswer(req.id, req.platform, 'store', 0);
    if (stored.profile) return { notes: row.notes, ip, resolved, answer: stored };
  }
  // Modash said lately that it has nothing for this account (private, removed, not found): say
  // so again without paying for the answer, until staff ask again ("Try again now" is `force`).
  const gone = rememberedGone(ip, req.platform);
  if (!req.force && gone)
    throw new HttpError(gone.status, gone.code, gone.sentence, { modashStatus: ip.modash_status, modashStatusAt: ip.modash_status_at, remembered: true });
  return { notes: row.notes, ip, resolved, answer: null };
}

/**
 * One refresh, run by a job of the work queue (lib/server/queue.ts) on the server's own time:
 * nothing the browser does aborts it once it runs.
 */
export async function refresh(req: RefreshRequest): Promise<Refreshed> {
  const t0 = Date.now();
  const { db } = store();
  const checked = await answerWithoutModash(req);
  if (checked.answer) return checked.answer;
  const { ip, resolved } = checked;
  const row = { notes: checked.notes };

  // Single flight: the lease holder fetches; everyone else waits for its write.
  const owner = randomUUID();
  const before = lastRefreshedOf(row.notes, req.platform);
  while (!(await takeLease(ip.id, owner))) {
    if (req.signal.aborted) throw new ModashError('The client went away', 499, null, 'CLIENT_CLOSED');
    if (Date.now() - t0 > MAX_HOLD_MS) throw new ModashError('Another refresh of this platform is taking too long', 504, null, 'UPSTREAM_TIMEOUT');
    await sleep(JOIN_POLL_MS, req.signal);
    const now = lastRefreshedOf(await notesOf(db, req.id), req.platform);
    if (now !== null && (before === null || now > before)) return storedAnswer(req.id, req.platform, 'joined', Date.now() - t0);
  }
  const stopRenewing = keepAlive(() => renewLease(ip.id, owner), { maxMs: MAX_HOLD_MS });
  try {
    // The holder before us may have written while we took over: then nothing is left to do.
    const latest = await notesOf(db, req.id);
    const latestAt = lastRefreshedOf(latest, req.platform);
    if (latestAt !== null && (before === null || latestAt > before)) return storedAnswer(req.id, req.platform, 'joined', Date.now() - t0);
    return await fetchAndStore(req, ip, resolved, t0);
  } finally {
    stopRenewing();
    await dropLease(ip.id, owner);
  }
}

async function fetchAndStore(
  req: RefreshRequest,
  ip: { id: number; username: string },
  resolved: ReturnType<typeof resolveUserId>,
  t0: number,
): Promise<Refreshed> {
  const s = store();
  const { db } = s;
  const current = await notesOf(db, req.id);
  // A report paid for earlier whose notes write failed: newer than the entry's last refresh.
  const orphan = await db
    .selectFrom('modash_profile_cache')
    .select(['id', 'modash_user_id', 'payload', 'fetched_at'])
    .where('influencer_platform_id', '=', ip.id)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const orphanAt = orphan ? parseTimestamp(orphan.fetched_at) : null;
  const lastAt = lastRefreshedOf(current, req.platform);
  let fetched: { userId: string; reportText: string; figures: ReturnType<typeof figuresOf>; lookedUp: boolean; cacheId?: string };
  let orphanFigures: ReturnType<typeof figuresOf> | null = null;
  if (
    orphan &&
    orphanAt !== null &&
    Date.now() - orphanAt < ORPHAN_REUSE_MS &&
    !referencedCacheIds(current).has(orphan.id) &&
    (lastAt === null || lastAt < orphanAt)
  ) {
    try {
      orphanFigures = figuresOf(req.platform, orphan.payload);
    } catch {
      /* not a report after all: fetch anew */
    }
  }
  if (orphan && orphanFigures) {
    fetched = { userId: orphan.modash_user_id, reportText: orphan.payload, figures: orphanFigures, lookedUp: false, cacheId: String(orphan.id) };
  } else {
    try {
      fetched = await fetchProfile(req.platform, resolved.userId, ip.username, {
        priority: req.priority ?? priorityOf(req.useCase),
        signal: req.signal,
        staff: req.staffEmail,
        useCase: req.cause ?? req.useCase,
        cohort: req.cohort,
        force: req.force,
      });
    } catch (e) {
      if (e instanceof ModashError && e.lookedUpUserId) await storeLookedUpId(req.id, req.platform, e.lookedUpUserId);
      if (e instanceof ModashError && e.modashCode && GONE_CODES.has(e.modashCode)) await rememberGone(ip.id, e.modashCode);
      // Only look-alikes of this username: remembered too (not searched again until "Try again now").
      if (e instanceof ModashError && e.code === 'NO_EXACT_MATCH') await rememberGone(ip.id, 'no_exact_match');
      if (e instanceof ModashError && e.code === 'REPORT_IN_PREPARATION') {
        const at = await scheduleRetry(ip.id, e.accountRetryAfterMs, req.cause === 'retry');
        e.retryAt = at;
        if (at === null) {
          const still = rememberedFailure('still_preparing', req.platform)!;
          e.message = still.sentence;
        } else e.message = `${e.message.replace(/; .*$/, '')}; it will be fetched again at ${utcMoment(at)}`;
      }
      throw e;
    }
  }
  const { userId, reportText, lookedUp, figures: p } = fetched;
  const now = new Date().toISOString();
  const insertCache = (tx: Db) =>
    tx
      .insertInto('modash_profile_cache')
      .values({ influencer_platform_id: ip.id, modash_user_id: userId, platform: req.platform, payload: reportText, fetched_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
  try {
    const out = await s.tx(async (tx) => {
      const notes = await notesOf(tx, req.id, true);
      // What the report replaces, read before the write (issue 38: credits spent where nothing changed).
      const before = fetched.cacheId ? undefined : await previousFigures(tx, notes, req.platform);
      const cacheId = fetched.cacheId ?? String((await insertCache(tx)).id);
      if (before !== undefined) {
        await tx
          .insertInto('modash_reports')
          .values({
            at: Date.now(),
            influencer_platform_id: ip.id,
            platform: req.platform,
            cause: causeOf(req),
            changed: before === null ? null : changedFigures(before, p) ? 1 : 0,
            credits: CREDIT_COSTS.report ?? 1,
          })
          .execute();
      }
      const merged = mergeAnalytics(
        notes,
        req.platform,
        {
          userId,
          username: p.username,
          ...metricsOf(p),
        },
        { refreshedBy: req.staffEmail, cacheId },
      );
      const text = typeof merged.notes === 'string' ? merged.notes : JSON.stringify(merged.notes);
      await tx
        .updateTable('influencers')
        .set({ notes: s.notesValue(text) as never })
        .where('id', '=', req.id)
        .execute();
      await writeRosterState(tx, READERS, req.id, text);
      // Prune: the newest few rows of this platform and any row notes point to stay.
      const keep = (
        await tx
          .selectFrom('modash_profile_cache')
          .select('id')
          .where('influencer_platform_id', '=', ip.id)
          .orderBy('id', 'desc')
          .limit(KEEP_CACHE_ROWS)
          .execute()
      ).map((r) => r.id);
      const stays = [...new Set([...keep, ...referencedCacheIds(text)])];
      await tx.deleteFrom('modash_profile_cache').where('influencer_platform_id', '=', ip.id).where('id', 'not in', stays).execute();
      // Modash had a report after all: whatever it said before about the account is over.
      await tx
        .updateTable('influencer_platforms')
        .set({ modash_status: null, modash_status_at: null, modash_retry_at: null, modash_retries: 0 })
        .where('id', '=', ip.id)
        .execute();
      return { cacheId, text: await notesOf(tx, req.id), warnings: merged.warnings, migratedLegacy: merged.migratedLegacy };
    });
    return {
      success: true,
      source: 'modash',
      notesWritten: true,
      userId,
      lookedUp,
      cacheId: out.cacheId,
      notes: out.text,
      warnings: out.warnings,
      migratedLegacy: out.migratedLegacy,
      profile: summary(p),
      rejectedLegacy: resolved.rejectedLegacy,
      fromEarlierFetch: Boolean(fetched.cacheId),
      waitedMs: Date.now() - t0,
    };
  } catch (e) {
    // Notes could not be written (a concurrent writer, notes that became unreadable): keep
    // the paid report in the cache table and answer with it.
    log({ influencer: req.id, platform: req.platform }).error({ err: e }, 'notes not written; the report is kept in the cache table');
    let cacheId = fetched.cacheId ?? null;
    try {
      cacheId ??= String((await s.tx(insertCache)).id);
    } catch (e2) {
      log({ influencer: req.id, platform: req.platform }).error({ err: e2 }, 'the report could not be kept in the cache table either');
    }
    return {
      success: true,
      source: 'modash',
      notesWritten: false,
      userId,
      lookedUp,
      cacheId,
      notes: await notesOf(db, req.id),
      warnings: [],
      migratedLegacy: false,
      profile: summary(p),
      rejectedLegacy: resolved.rejectedLegacy,
      waitedMs: Date.now() - t0,
    };
  }
}

/** The figures a report is compared with: the core metrics and the posts. */
type Compared = Metrics & { postsCount: number | null };

/** The figures stored before this report: the cached report notes point to, else the slim metrics in notes; null when none. */
async function previousFigures(db: Db, notes: string | null, platform: string): Promise<Compared | null> {
  const entry = notesEntry(notes, platform);
  if (entry.cacheId && /^\d+$/.test(entry.cacheId)) {
    const row = await db.selectFrom('modash_profile_cache').select('payload').where('id', '=', Number(entry.cacheId)).executeTakeFirst();
    try {
      if (row) return figuresOf(platform, row.payload);
    } catch {
      /* not a report: compared with notes below */
    }
  }
  if (entry.followers === null && entry.engagementRate === null) return null;
  return { ...metricsOf(entry), postsCount: null };
}

/** Whether any figure both reports carry differs (a figure only one carries is a change too). */
export function changedFigures(before: Compared, after: Compared): boolean {
  return ([...Object.keys(METRIC_LABELS), 'postsCount'] as (keyof Compared)[]).some(
    (k) => (before[k] ?? null) !== (after[k] ?? null) && !(k === 'postsCount' && before[k] === null),
  );
}

/** Why a report was bought, for the metrics page: panel, bulk, warm or retry. */
const causeOf = (req: RefreshRequest) =>
  req.cause?.startsWith('warm:') ? 'warm' : req.cause === 'retry' ? 'retry' : req.useCase === 'bulkRefresh' ? 'bulk' : 'panel';

/** A remembered "private / removed / not found / no exact match" still within MODASH_GONE_RECHECK_DAYS, as our answer. */
export function rememberedGone(ip: { modash_status: string | null; modash_status_at: string | null }, platform: string) {
  const at = parseTimestamp(ip.modash_status_at);
  // Still preparing after the last scheduled retry: remembered for a shorter wait of its own.
  if (ip.modash_status === 'still_preparing') {
    return at !== null && Date.now() - at < serverConfig().MODASH_STILL_PREPARING_WAIT_H * 3_600_000 ? rememberedFailure('still_preparing', platform) : null;
  }
  if (!ip.modash_status || !GONE_CODES.has(ip.modash_status) || at === null || !(Date.now() - at < serverConfig().MODASH_GONE_RECHECK_DAYS * 86_400_000))
    return null;
  return rememberedFailure(ip.modash_status, platform);
}

/** Remembers what Modash said about an account it has nothing for, with the date (not in notes). */
async function rememberGone(ipId: number, modashCode: string) {
  await store()
    .db.updateTable('influencer_platforms')
    .set({ modash_status: modashCode, modash_status_at: new Date().toISOString() })
    .where('id', '=', ipId)
    .execute()
    .catch((e) => log({ influencerPlatform: ipId }).error({ err: e }, "Modash's answer about the account could not be remembered"));
}

/**
 * Modash is preparing the account's data (`retry_later`): one retry is scheduled, through the
 * team gate at backfill priority (lib/server/scheduled.ts runs it), after Modash's Retry-After
 * if it sent one, else MODASH_RETRY_LATER_S ("try again in 5-10 minutes", docs.modash.io's
 * error table); answered retry_later again, a last one after MODASH_RETRY_LATER_AGAIN_S (the
 * newer table's "a couple of hours"). Returns when (epoch ms), or null when none is left.
 */
async function scheduleRetry(ipId: number, modashRetryAfterMs: number | null, scheduled: boolean): Promise<number | null> {
  const cfg = serverConfig();
  try {
    // Staff asking again starts over; a scheduled retry counts (scheduled.ts raised the count).
    const row = scheduled ? await store().db.selectFrom('influencer_platforms').select('modash_retries').where('id', '=', ipId).executeTakeFirst() : null;
    const done = Number(row?.modash_retries ?? 0);
    const delayMs = done === 0 ? (modashRetryAfterMs ?? cfg.MODASH_RETRY_LATER_S * 1000) : done === 1 ? cfg.MODASH_RETRY_LATER_AGAIN_S * 1000 : null;
    const at = delayMs === null ? null : Date.now() + delayMs;
    // After the last retry the row leaves "in preparation": remembered as still preparing, it is
    // asked again after MODASH_STILL_PREPARING_WAIT_H (rememberedGone), by staff or the refresher.
    await store()
      .db.updateTable('influencer_platforms')
      .set({
        modash_status: at === null ? 'still_preparing' : 'retry_later',
        modash_status_at: new Date().toISOString(),
        modash_retry_at: at,
        modash_retries: at === null ? 0 : done,
      })
      .where('id', '=', ipId)
      .execute();
    return at;
  } catch (e) {
    log({ influencerPlatform: ipId }).error({ err: e }, 'the retry of a report in preparation could not be scheduled');
    return null;
  }
}

/**
 * The username lookup succeeded but the report did not (a 429 after the retries, say): store
 * the id without claiming fresh analytics, so the next attempt goes straight to the report.
 */
async function storeLookedUpId(id: number, platform: string, userId: string) {
  const s = store();
  try {
    await s.tx(async (tx) => {
      const merged = mergeAnalytics(await notesOf(tx, id, true), platform, { userId }, { markRefreshed: false });
      const text = typeof merged.notes === 'string' ? merged.notes : JSON.stringify(merged.notes);
      await tx
        .updateTable('influencers')
        .set({ notes: s.notesValue(text) as never })
        .where('id', '=', id)
        .execute();
      await writeRosterState(tx, READERS, id, text);
    });
  } catch {
    // Notes that became unreadable meanwhile are refused, not replaced: report the Modash error.
  }
}
