// GET /api/roster?page=&pageSize=&q=&state=&platform=&sort=: a page of the roster as the view
// selects it (lib/server/roster.ts), each influencer's raw notes text and listed platforms (the
// badge is computed in the browser by modash-flow). Values that are not understood are 400.
import { NextResponse } from 'next/server';
import { parse, route } from '@/lib/server/http';
import { rosterPage } from '@/lib/server/roster';
import { ViewQuery, viewQueryOf } from '@/lib/server/roster-query';

export const GET = route(async (req) => {
  const q = parse(ViewQuery, viewQueryOf(new URL(req.url)));
  return NextResponse.json(await rosterPage(q));
});
