// GET /api/roster/batches: every batch of the team's work queue staff can see (lib/server/batches.ts).
// POST /api/roster/batches { items: [{ id, platform }] }: starts a batch (at most MAX_BATCH
// platforms; an unknown id or a platform the row lacks refuses it whole, nothing queued) and
// answers at once with the batch and how many were already queued.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { jsonBody, route } from '@/lib/server/http';
import { platformOf } from '@/lib/server/platform';
import { listBatches, MAX_BATCH, startBatch } from '@/lib/server/batches';

/** About 40 bytes an item: room for MAX_BATCH of them, and the count check says the rest. */
const MAX_BATCH_BODY_BYTES = 2 * 1024 * 1024;
const Body = z
  .object({
    items: z
      .array(
        z
          .object({
            id: z
              .number()
              .int()
              .min(1)
              .max(2 ** 31 - 1),
            platform: z.string().max(32),
          })
          .strict(),
      )
      .max(MAX_BATCH * 2, `at most ${MAX_BATCH} platforms`),
  })
  .strict();

export const GET = route(async () => NextResponse.json({ batches: await listBatches() }));

export const POST = route(
  async (req, { staff }) => {
    const body = await jsonBody(req, Body, MAX_BATCH_BODY_BYTES);
    const items = body.items.map((i) => ({ id: i.id, platform: platformOf(i.platform) }));
    return NextResponse.json(await startBatch(staff.email, items), { status: 201 });
  },
  { write: true },
);
