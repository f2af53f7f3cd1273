// GET /api/roster/ids?q=&state=&platform=: every influencer id the view selects ("select all
// N that match"), at most 20,000.
import { NextResponse } from 'next/server';
import { parse, route } from '@/lib/server/http';
import { rosterIds } from '@/lib/server/roster';
import { ViewQuery, viewQueryOf } from '@/lib/server/roster-query';

export const GET = route(async (req) => {
  const q = parse(ViewQuery, viewQueryOf(new URL(req.url)));
  const ids = await rosterIds(q);
  return NextResponse.json({ ids, total: ids.length });
});
