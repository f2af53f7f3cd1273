// POST /api/roster/batches/:id/dismiss: hides a finished batch and its failure list for the
// whole team. 404 for no such batch, 409 while it still runs.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { parse, route, wholeNumber } from '@/lib/server/http';
import { dismissBatch } from '@/lib/server/batches';

const Params = z.object({ id: wholeNumber(1, 2 ** 31 - 1) });

export const POST = route<RouteContext<'/api/roster/batches/[id]/dismiss'>>(
  async (_req, { params }) => {
    const { id } = parse(Params, params);
    await dismissBatch(id);
    return NextResponse.json({ success: true });
  },
  { write: true },
);
