// POST /api/roster/:id/refresh-analytics { platform, useCase?, force? }: the platform's
// analytics for the whole team: stored ones when fresh under the use case's TTL (roster by
// default; `force: true` is the deliberate "refresh now"), else the platform's job in the
// team's work queue (lib/server/queue.ts: one job per influencer platform however many tabs
// and instances ask, run here at once at interactive priority through the team-scale gate),
// waited for. A browser that leaves stops only the waiting: a report Modash was asked for is
// stored, logged and charged.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { jsonBody, parse, route, wholeNumber } from '@/lib/server/http';
import { errorResponse, ModashError } from '@/lib/server/modash';
import { platformOf } from '@/lib/server/platform';
import { refreshNow } from '@/lib/server/queue';
import { answerWithoutModash } from '@/lib/server/refresh';

const Params = z.object({ id: wholeNumber(1, 2 ** 31 - 1) });
const Body = z
  .object({
    platform: z.string().max(32),
    useCase: z.enum(['roster', 'bulkRefresh', 'discovery']).default('roster'),
    force: z.boolean().default(false),
  })
  .strict();

export const POST = route<RouteContext<'/api/roster/[id]/refresh-analytics'>>(
  async (req, { staff, params }) => {
    const { id } = parse(Params, params);
    const body = await jsonBody(req, Body);
    const platform = platformOf(body.platform);
    try {
      const checked = await answerWithoutModash({ id, platform, useCase: body.useCase, force: body.force });
      if (checked.answer) return NextResponse.json(checked.answer);
      return NextResponse.json(
        await refreshNow({
          influencerId: id,
          influencerPlatformId: checked.ip.id,
          platform,
          useCase: body.useCase,
          force: body.force,
          staffEmail: staff.email,
          signal: req.signal,
        }),
      );
    } catch (e) {
      if (e instanceof ModashError) return errorResponse(e);
      throw e;
    }
  },
  { write: true },
);
