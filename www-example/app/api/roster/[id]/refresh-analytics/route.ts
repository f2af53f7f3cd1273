// POST /api/roster/:id/refresh-analytics { platform }: fetches the Modash report (by the stored
// userId, or by username through one exact-match lookup), then in one IMMEDIATE transaction
// stores the report's text as received in modash_profile_cache, the slim entry in notes with
// mergeAnalytics (the userId is always stored), and prunes that platform's older cache rows.
// A paid report is never lost: if notes cannot be written, the report stays in the cache table
// and the answer carries it; the next refresh takes it from there instead of calling Modash.
import { NextResponse } from 'next/server';
import { z } from 'zod';
// The write path lives in the server build (the browser's module leaves it out).
import { analyticsProgress, mergeAnalytics, parseTimestamp, resolveUserId } from 'modash-flow/server';
import { db } from '@/lib/server/db';
import { fail, jsonBody, parse, route, USER_ID, wholeNumber } from '@/lib/server/http';
import { errorResponse, fetchProfile, ModashError, summary, type ModashReport } from '@/lib/server/modash';
import { platformOf } from '@/lib/server/platform';

export const dynamic = 'force-dynamic';

const Params = z.object({ id: wholeNumber(1, 2 ** 31 - 1) });
const Body = z.object({
  platform: z.string().max(32),
  useCase: z.enum(['roster', 'bulkRefresh', 'discovery']).optional(),
  force: z.boolean().optional(),
}).strict();

/** Cache rows kept per influencer platform (the one notes point to is never pruned). */
const KEEP_CACHE_ROWS = 3;
/** A report fetched this recently but not in notes (its notes write failed) is used instead of a new call. */
const ORPHAN_REUSE_MS = 10 * 60 * 1000;

interface Row { id: number; notes: string | null }

/** The cache ids notes point to (any platform, and the legacy entry). */
const referencedCacheIds = (notes: string | null) => new Set([...(notes ?? '').matchAll(/"cache_id"\s*:\s*"?(\d+)/g)].map((m) => Number(m[1])));

function pruneCache(ipId: number, notes: string | null): number {
  const keep = db().prepare('SELECT id FROM modash_profile_cache WHERE influencer_platform_id = ? ORDER BY id DESC LIMIT ?').all(ipId, KEEP_CACHE_ROWS) as { id: number }[];
  const protectedIds = new Set([...keep.map((r) => r.id), ...referencedCacheIds(notes)]);
  const older = db().prepare('SELECT id FROM modash_profile_cache WHERE influencer_platform_id = ?').all(ipId) as { id: number }[];
  const del = db().prepare('DELETE FROM modash_profile_cache WHERE id = ?');
  let n = 0;
  for (const { id } of older) if (!protectedIds.has(id)) n += del.run(id).changes;
  return n;
}

function writeNotes(id: number, text: string) {
  db().prepare('UPDATE influencers SET notes = ? WHERE id = ?').run(text, id);
}

export const POST = route<{ id: string }>(async (req, { staff, params }) => {
  const { id } = parse(Params, params);
  const body = await jsonBody(req, Body);
  const platform = platformOf(body.platform);
  const row = db().prepare('SELECT id, notes FROM influencers WHERE id = ?').get(id) as Row | undefined;
  if (!row) return fail(404, 'NOT_FOUND', 'No such influencer');
  const ip = db().prepare('SELECT id, username FROM influencer_platforms WHERE influencer_id = ? AND platform = ?').get(id, platform) as
    | { id: number; username: string } | undefined;
  if (!ip) return fail(404, 'PLATFORM_NOT_LISTED', `${platform} is not listed for this influencer`);
  const resolved = resolveUserId(row.notes, platform);
  // The write would be refused anyway: spend no Modash credit.
  if (resolved.problem) return fail(422, 'NOTES_UNREADABLE', 'Notes are unreadable; fix them before refreshing');
  if (resolved.userId !== null && !USER_ID.test(resolved.userId)) {
    return fail(422, 'INVALID_STORED_USER_ID', 'The userId stored in notes is not a Modash id; fix it before refreshing');
  }

  // A report paid for earlier whose notes write failed: newer than the entry's last refresh.
  const orphan = db().prepare('SELECT id, modash_user_id, payload, fetched_at FROM modash_profile_cache WHERE influencer_platform_id = ? ORDER BY id DESC LIMIT 1').get(ip.id) as
    | { id: number; modash_user_id: string; payload: string; fetched_at: string } | undefined;
  let fetched: { userId: string; report: ModashReport; reportText: string; lookedUp: boolean; cacheId?: string };
  const orphanAt = orphan ? parseTimestamp(orphan.fetched_at) : null;
  if (orphan && orphanAt !== null && Date.now() - orphanAt < ORPHAN_REUSE_MS && !referencedCacheIds(row.notes).has(orphan.id) && isNewerThanEntry(row.notes, platform, orphanAt)) {
    fetched = { userId: orphan.modash_user_id, report: JSON.parse(orphan.payload) as ModashReport, reportText: orphan.payload, lookedUp: false, cacheId: String(orphan.id) };
  } else {
    try {
      fetched = await fetchProfile(platform, resolved.userId, ip.username, req.signal);
    } catch (e) {
      if (e instanceof ModashError && e.lookedUpUserId) storeLookedUpId(id, platform, e.lookedUpUserId);
      return errorResponse(e);
    }
  }
  const { userId, report, reportText, lookedUp } = fetched;
  const p = report.profile;
  const now = new Date().toISOString();
  let out: { cacheId: string; text: string; warnings: string[]; migratedLegacy: boolean; pruned: number };
  try {
    out = db().transaction(() => {
      const current = db().prepare('SELECT notes FROM influencers WHERE id = ?').get(id) as { notes: string | null };
      const cacheId = fetched.cacheId ?? String(
        db().prepare('INSERT INTO modash_profile_cache (influencer_platform_id, modash_user_id, platform, payload, fetched_at) VALUES (?, ?, ?, ?, ?)')
          .run(ip.id, userId, platform, reportText, now).lastInsertRowid,
      );
      const merged = mergeAnalytics(current.notes, platform, {
        userId, username: p.username, followers: p.followers, engagementRate: p.engagementRate, avgViews: p.avgViews,
      }, { refreshedBy: staff.email, cacheId });
      const text = typeof merged.notes === 'string' ? merged.notes : JSON.stringify(merged.notes);
      writeNotes(id, text);
      const pruned = pruneCache(ip.id, text);
      return { cacheId, text, warnings: merged.warnings, migratedLegacy: merged.migratedLegacy, pruned };
    }).immediate();
  } catch (e) {
    // Notes could not be written (a concurrent writer, notes that became unreadable): keep
    // the paid report in the cache table and answer with it.
    console.error(`[refresh] notes of influencer ${id} not written; keeping the report in the cache table:`, e);
    let cacheId = fetched.cacheId ?? null;
    try {
      cacheId ??= String(db().transaction(() => db()
        .prepare('INSERT INTO modash_profile_cache (influencer_platform_id, modash_user_id, platform, payload, fetched_at) VALUES (?, ?, ?, ?, ?)')
        .run(ip.id, userId, platform, reportText, now).lastInsertRowid).immediate());
    } catch (e2) {
      console.error(`[refresh] the report for influencer ${id} could not be kept either:`, e2);
    }
    const current = db().prepare('SELECT notes FROM influencers WHERE id = ?').get(id) as { notes: string | null };
    return NextResponse.json({ success: true, notesWritten: false, userId, lookedUp, cacheId, notes: current.notes, warnings: [],
      migratedLegacy: false, profile: summary(p), rejectedLegacy: resolved.rejectedLegacy });
  }
  return NextResponse.json({ success: true, notesWritten: true, userId, lookedUp, cacheId: out.cacheId, notes: out.text, warnings: out.warnings,
    migratedLegacy: out.migratedLegacy, profile: summary(p), rejectedLegacy: resolved.rejectedLegacy, fromEarlierFetch: Boolean(fetched.cacheId) });
}, { write: true });

/** The platform's last refresh in notes is older than `at` (or unknown). */
function isNewerThanEntry(notes: string | null, platform: string, at: number): boolean {
  const t = analyticsProgress(notes, [platform]).platforms[0]?.lastRefreshed ?? null;
  return t === null || t < at;
}

/**
 * The username lookup succeeded but the report did not (a 429 after the retries, say): store
 * the id without claiming fresh analytics, so the next attempt goes straight to the report.
 */
function storeLookedUpId(id: number, platform: string, userId: string) {
  try {
    db().transaction(() => {
      const current = db().prepare('SELECT notes FROM influencers WHERE id = ?').get(id) as { notes: string | null };
      const merged = mergeAnalytics(current.notes, platform, { userId }, { markRefreshed: false });
      writeNotes(id, typeof merged.notes === 'string' ? merged.notes : JSON.stringify(merged.notes));
    }).immediate();
  } catch {
    // Notes that became unreadable meanwhile are refused, not replaced: report the Modash error.
  }
}
