// POST /api/metrics/panel-open: the browser's beacon after a panel showed its data (time to
// first data, time to fresh data, where the data came from, whether a username lookup was
// needed, how it ended). The staff member and the rollout group are the server's own.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { jsonBody, route } from '@/lib/server/http';
import { logPanelOpen } from '@/lib/server/metrics';
import { platformOf } from '@/lib/server/platform';
import { cohortOf } from '@/lib/server/rollout';

const ms = z.number().finite().min(0).max(3_600_000).nullable();
const Body = z
  .object({
    influencerId: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1),
    platform: z.string().max(32),
    firstDataMs: ms,
    freshDataMs: ms,
    source: z.enum(['cache', 'notes', 'modash']).nullable(),
    lookup: z.boolean(),
    outcome: z.enum(['fresh', 'stale', 'error']),
  })
  .strict();

export const POST = route(
  async (req, { staff }) => {
    const b = await jsonBody(req, Body);
    const r = await logPanelOpen({ ...b, platform: platformOf(b.platform), staff: staff.email, cohort: cohortOf(staff.email) });
    return NextResponse.json({ success: true, ...r });
  },
  { write: true },
);
