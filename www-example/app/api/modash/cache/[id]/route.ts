// GET /api/modash/cache/:id: the cached full payload, as stored (404 when missing), and its
// figures as the module reads them (`figures`: the browser never walks Modash's shape itself).
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { fail, parse, route, wholeNumber } from '@/lib/server/http';
import { store } from '@/lib/server/store';
import { figuresOf, summary } from '@/lib/server/modash';

const Params = z.object({ id: wholeNumber(1, 2 ** 31 - 1) });

export const GET = route<RouteContext<'/api/modash/cache/[id]'>>(async (_req, { params }) => {
  const { id } = parse(Params, params);
  const row = await store()
    .db.selectFrom('modash_profile_cache')
    .select(['id', 'modash_user_id', 'platform', 'payload', 'fetched_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return fail(404, 'NOT_FOUND', 'No such cached report');
  let figures = null;
  try {
    figures = summary(figuresOf(row.platform, row.payload));
  } catch {
    /* a stored body that is no report: no figures */
  }
  return new NextResponse(
    `{"success":true,"cacheId":"${row.id}","platform":${JSON.stringify(row.platform)},"userId":${JSON.stringify(row.modash_user_id)},"fetchedAt":${JSON.stringify(row.fetched_at)},"figures":${JSON.stringify(figures)},"data":${row.payload}}`,
    { headers: { 'Content-Type': 'application/json' } },
  );
});
