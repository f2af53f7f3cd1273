// POST /api/roster/:id/refresh-analytics { platform, useCase?, force? }: the platform's
// analytics for the whole team (lib/server/refresh.ts): stored ones when fresh under the use
// case's TTL (roster by default; `force: true` is the deliberate "refresh now"), else one
// Modash report per influencer platform however many tabs and instances ask at once, through
// the team-scale gate, written losslessly into notes and the cache table.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { jsonBody, parse, route, wholeNumber } from '@/lib/server/http';
import { errorResponse, ModashError } from '@/lib/server/modash';
import { platformOf } from '@/lib/server/platform';
import { refresh } from '@/lib/server/refresh';
import { cohortOf } from '@/lib/server/rollout';

const Params = z.object({ id: wholeNumber(1, 2 ** 31 - 1) });
const Body = z.object({
  platform: z.string().max(32),
  useCase: z.enum(['roster', 'bulkRefresh', 'discovery']).default('roster'),
  force: z.boolean().default(false),
}).strict();

export const POST = route<RouteContext<'/api/roster/[id]/refresh-analytics'>>(async (req, { staff, params }) => {
  const { id } = parse(Params, params);
  const body = await jsonBody(req, Body);
  const platform = platformOf(body.platform);
  try {
    return NextResponse.json(await refresh({ id, platform, useCase: body.useCase, force: body.force, staffEmail: staff.email, cohort: cohortOf(staff.email), signal: req.signal }));
  } catch (e) {
    if (e instanceof ModashError) return errorResponse(e);
    throw e;
  }
}, { write: true });
