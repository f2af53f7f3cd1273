// GET /api/roster?page=1&pageSize=50: a page of the roster with each influencer's raw notes
// text and listed platforms (the badge is computed in the browser by modash-flow).
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { parse, route, wholeNumber } from '@/lib/server/http';
import { rosterPage } from '@/lib/server/roster';

const Query = z.object({
  page: wholeNumber(1, 1_000_000).default(1),
  pageSize: wholeNumber(1, 200).default(50),
});

export const GET = route(async (req) => {
  const url = new URL(req.url);
  const q = parse(Query, Object.fromEntries(['page', 'pageSize'].flatMap((k) => (url.searchParams.has(k) ? [[k, url.searchParams.get(k)]] : []))));
  return NextResponse.json(await rosterPage(q.page, q.pageSize));
});
