// GET /api/roster?page=1&pageSize=50: a page of the roster with each influencer's raw notes
// text and listed platforms (the badge is computed in the browser by modash-flow).
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { db } from '@/lib/server/db';
import { parse, route, wholeNumber } from '@/lib/server/http';

export const dynamic = 'force-dynamic';

const Query = z.object({
  page: wholeNumber(1, 1_000_000).default(1),
  pageSize: wholeNumber(1, 200).default(50),
});

export const GET = route((req) => {
  const url = new URL(req.url);
  const q = parse(Query, Object.fromEntries(['page', 'pageSize'].flatMap((k) => (url.searchParams.has(k) ? [[k, url.searchParams.get(k)]] : []))));
  const total = (db().prepare('SELECT COUNT(*) AS n FROM influencers').get() as { n: number }).n;
  const pages = Math.max(1, Math.ceil(total / q.pageSize));
  const page = Math.min(pages, q.page);
  const rows = db()
    .prepare('SELECT id, name, notes FROM influencers ORDER BY id LIMIT ? OFFSET ?')
    .all(q.pageSize, (page - 1) * q.pageSize) as { id: number; name: string; notes: string | null }[];
  const plats = db().prepare('SELECT influencer_id AS id, platform, username FROM influencer_platforms WHERE influencer_id BETWEEN ? AND ? ORDER BY id')
    .all(rows[0]?.id ?? 0, rows.at(-1)?.id ?? -1) as { id: number; platform: string; username: string }[];
  const byId = new Map<number, { platform: string; username: string }[]>();
  for (const p of plats) byId.set(p.id, [...(byId.get(p.id) ?? []), { platform: p.platform, username: p.username }]);
  return NextResponse.json({ total, page, pages, pageSize: q.pageSize, rows: rows.map((r) => ({ ...r, platforms: byId.get(r.id) ?? [] })) });
});
