// GET /api/roster/rows?ids=1,2,3: these influencers' rows (a selection across pages, for the
// bulk refresh), at most 200 a call.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { parse, route } from '@/lib/server/http';
import { rosterRows } from '@/lib/server/roster';

const Query = z
  .object({
    ids: z
      .string()
      .regex(/^\d{1,10}(,\d{1,10}){0,199}$/, 'must be up to 200 comma-separated ids')
      .transform((s) => s.split(',').map(Number)),
  })
  .strict();

export const GET = route(async (req) => {
  const url = new URL(req.url);
  const { ids } = parse(Query, Object.fromEntries(url.searchParams));
  return NextResponse.json({ rows: await rosterRows(ids) });
});
