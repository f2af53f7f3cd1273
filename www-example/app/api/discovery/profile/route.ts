// POST /api/discovery/profile { platform, userId?, username? }: a Modash profile by userId, or
// by username through a lookup; the answer always carries the userId so callers store it.
import { NextResponse } from 'next/server';
import { normalizePlatform } from 'modash-flow';
import { errorResponse, fetchProfile, summary } from '@/lib/server/modash';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  const body = (await req.json().catch(() => ({}))) as { platform?: string; userId?: string | number; username?: string };
  let platform: string;
  try {
    platform = normalizePlatform(body.platform);
  } catch (e) {
    return NextResponse.json({ success: false, error: (e as Error).message, code: (e as { code?: string }).code }, { status: 400 });
  }
  try {
    const userId = body.userId != null && String(body.userId).trim() ? String(body.userId).trim() : null;
    const { userId: id, report, lookedUp } = await fetchProfile(platform, userId, body.username ?? null);
    return NextResponse.json({ success: true, data: { ...summary(report.profile), userId: id, platform, lookedUp } });
  } catch (e) {
    return errorResponse(e);
  }
}
