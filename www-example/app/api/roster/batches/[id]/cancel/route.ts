// POST /api/roster/batches/:id/cancel: cancels the batch's queued jobs (never a call in flight:
// Modash was asked, its answer is stored). 404 for no such batch, 409 when nothing is left.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { parse, route, wholeNumber } from '@/lib/server/http';
import { cancelBatch } from '@/lib/server/batches';

const Params = z.object({ id: wholeNumber(1, 2 ** 31 - 1) });

export const POST = route<RouteContext<'/api/roster/batches/[id]/cancel'>>(
  async (_req, { staff, params }) => {
    const { id } = parse(Params, params);
    return NextResponse.json(await cancelBatch(id, staff.email));
  },
  { write: true },
);
