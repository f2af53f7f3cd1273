// POST /api/roster/:id/refresh-analytics { platform }: fetches the Modash report (by the stored
// userId, or by username through one lookup), then in one transaction stores the full payload
// in modash_profile_cache and the slim entry in notes with mergeAnalytics (the userId is always
// stored). Modash's 429 and its Retry-After pass through to the client; a username lookup whose
// report then failed still stores the id (no freshness claimed), so a retry does not look up again.
import { NextResponse } from 'next/server';
// The write path lives in the server build (the browser's module leaves it out).
import { mergeAnalytics, normalizePlatform, resolveUserId } from 'modash-flow/server';
import { db } from '@/lib/server/db';
import { errorResponse, fetchProfile, ModashError, summary } from '@/lib/server/modash';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const body = (await req.json().catch(() => ({}))) as { platform?: string };
  let platform: string;
  try {
    platform = normalizePlatform(body.platform);
  } catch (e) {
    return NextResponse.json({ success: false, error: (e as Error).message, code: (e as { code?: string }).code }, { status: 400 });
  }
  const row = db().prepare('SELECT id, notes FROM influencers WHERE id = ?').get(id) as { id: number; notes: string | null } | undefined;
  if (!row) return NextResponse.json({ success: false, error: 'No such influencer', code: 'not_found' }, { status: 404 });
  const ip = db().prepare('SELECT id, username FROM influencer_platforms WHERE influencer_id = ? AND platform = ?').get(id, platform) as
    | { id: number; username: string } | undefined;
  if (!ip) return NextResponse.json({ success: false, error: `${platform} is not listed for this influencer`, code: 'platform_not_listed' }, { status: 404 });
  const resolved = resolveUserId(row.notes, platform);
  if (resolved.problem) {
    // The write would be refused anyway: spend no Modash credit.
    return NextResponse.json({ success: false, error: 'Notes are unreadable; fix them before refreshing', code: 'NOTES_UNREADABLE' }, { status: 422 });
  }
  try {
    const { userId, report, lookedUp } = await fetchProfile(platform, resolved.userId, ip.username);
    const p = report.profile;
    const out = db().transaction(() => {
      const current = db().prepare('SELECT notes FROM influencers WHERE id = ?').get(id) as { notes: string | null };
      const cacheId = String(
        db().prepare('INSERT INTO modash_profile_cache (influencer_platform_id, modash_user_id, platform, payload, fetched_at) VALUES (?, ?, ?, ?, ?)')
          .run(ip.id, userId, platform, JSON.stringify(report), new Date().toISOString()).lastInsertRowid,
      );
      const merged = mergeAnalytics(current.notes, platform, {
        userId, username: p.username, followers: p.followers, engagementRate: p.engagementRate, avgViews: p.avgViews,
      }, { refreshedBy: 'staff-demo', cacheId });
      const text = typeof merged.notes === 'string' ? merged.notes : JSON.stringify(merged.notes);
      db().prepare('UPDATE influencers SET notes = ? WHERE id = ?').run(text, id);
      return { cacheId, text, warnings: merged.warnings, migratedLegacy: merged.migratedLegacy };
    })();
    return NextResponse.json({ success: true, userId, lookedUp, cacheId: out.cacheId, notes: out.text, warnings: out.warnings,
      migratedLegacy: out.migratedLegacy, profile: summary(p), rejectedLegacy: resolved.rejectedLegacy });
  } catch (e) {
    if (e instanceof ModashError && e.lookedUpUserId) {
      // The username lookup succeeded but the report did not (a 429 after the retries, say):
      // store the id without claiming fresh analytics, so the next attempt (the client's
      // retry included) goes straight to the report instead of looking up again.
      const userId = e.lookedUpUserId;
      try {
        db().transaction(() => {
          const current = db().prepare('SELECT notes FROM influencers WHERE id = ?').get(id) as { notes: string | null };
          const merged = mergeAnalytics(current.notes, platform, { userId }, { markRefreshed: false });
          const text = typeof merged.notes === 'string' ? merged.notes : JSON.stringify(merged.notes);
          db().prepare('UPDATE influencers SET notes = ? WHERE id = ?').run(text, id);
        })();
      } catch {
        // Notes that became unreadable meanwhile are refused, not replaced: report the Modash error.
      }
    }
    return errorResponse(e);
  }
}
