// GET /api/modash/cache/:id: the cached full payload (404 when missing).
import { NextResponse } from 'next/server';
import { db } from '@/lib/server/db';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const row = db().prepare('SELECT id, modash_user_id, platform, payload, fetched_at FROM modash_profile_cache WHERE id = ?').get(id) as
    | { id: number; modash_user_id: string; platform: string; payload: string; fetched_at: string } | undefined;
  if (!row) return NextResponse.json({ success: false, error: 'Cache not found' }, { status: 404 });
  return new NextResponse(
    `{"success":true,"cacheId":"${row.id}","platform":${JSON.stringify(row.platform)},"userId":${JSON.stringify(row.modash_user_id)},"fetchedAt":${JSON.stringify(row.fetched_at)},"data":${row.payload}}`,
    { headers: { 'Content-Type': 'application/json' } },
  );
}
