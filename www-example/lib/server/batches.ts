// Batches of the work queue (lib/server/queue.ts): what one staff member started from the
// roster ("Refresh stale"). Starting one records the batch and its jobs in one transaction and
// returns at once; the workers of every instance run them; every signed-in colleague reads the
// same progress from the jobs' rows (done, failed with the server's sentence, in preparation,
// cancelled, left, and why the rest waits), until someone dismisses the finished batch. Rows
// already queued (by a colleague, a panel, the refresher) are not queued twice: the answer says
// how many. Cancel cancels the batch's queued jobs, never a call in flight.
import 'server-only';
import { HttpError } from './http';
import { serverConfig } from './config';
import { PENDING, PRIORITIES, wake, withEnqueue } from './queue';
import { store } from './store';
import type { BatchView } from '../api-types';

/** The most platforms one batch may hold. */
export const MAX_BATCH = 20_000;
/** Rows per statement when a batch is written or read (both stores' parameter limits are far above). */
const CHUNK = 500;
/** A finished batch nobody dismissed is shown this long. */
const SHOWN_MS = 7 * 86_400_000;
/** Failures listed per batch (the count says how many there are). */
const FAILURES_SHOWN = 200;

export interface BatchItem {
  id: number;
  platform: string;
}
export type { BatchView };

const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, k) => xs.slice(k * CHUNK, (k + 1) * CHUNK));

/** The influencer platforms of `items`, refused whole (404) when an id or a platform is not on the roster. */
async function platformRows(items: BatchItem[]) {
  const { db } = store();
  const ids = [...new Set(items.map((i) => i.id))];
  const found = new Map<string, { ipId: number }>();
  const known = new Set<number>();
  for (const part of chunks(ids)) {
    for (const r of await db.selectFrom('influencer_platforms').select(['id', 'influencer_id', 'platform']).where('influencer_id', 'in', part).execute()) {
      found.set(`${r.influencer_id}:${r.platform}`, { ipId: Number(r.id) });
      known.add(Number(r.influencer_id));
    }
    for (const r of await db.selectFrom('influencers').select('id').where('id', 'in', part).execute()) known.add(Number(r.id));
  }
  const unknown = ids.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new HttpError(
      404,
      'UNKNOWN_INFLUENCER',
      `No influencer with id ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}: nothing was queued`,
    );
  }
  const unlisted = items.filter((i) => !found.has(`${i.id}:${i.platform}`));
  if (unlisted.length) {
    const u = unlisted[0];
    throw new HttpError(
      404,
      'PLATFORM_NOT_LISTED',
      `${u.platform} is not listed for influencer ${u.id}${unlisted.length > 1 ? ` (and ${unlisted.length - 1} more like it)` : ''}: nothing was queued`,
    );
  }
  return items.map((i) => ({ ...i, ipId: found.get(`${i.id}:${i.platform}`)!.ipId }));
}

/** Starts a batch of bulk jobs for `items` (each influencer platform once). */
export async function startBatch(staffEmail: string, given: BatchItem[]): Promise<{ batch: BatchView; added: number; alreadyQueued: number }> {
  const items = [...new Map(given.map((i) => [`${i.id}:${i.platform}`, i])).values()];
  if (items.length === 0) throw new HttpError(400, 'EMPTY_BATCH', 'Nothing to refresh: the batch names no platform');
  if (items.length > MAX_BATCH)
    throw new HttpError(
      400,
      'BATCH_TOO_LARGE',
      `A batch holds at most ${MAX_BATCH.toLocaleString('en')} platforms (this one: ${items.length.toLocaleString('en')}); nothing was queued`,
    );
  const rows = await platformRows(items);
  const now = Date.now();
  const { id, added } = await withEnqueue(async (tx) => {
    const batch = await tx
      .insertInto('modash_batches')
      .values({ started_by: staffEmail, started_at: now, asked: rows.length, already_queued: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const batchId = Number(batch.id);
    let n = 0;
    for (const part of chunks(rows)) {
      const ipIds = part.map((r) => r.ipId);
      const pending = new Set(
        (
          await tx
            .selectFrom('modash_jobs')
            .select('influencer_platform_id')
            .where('influencer_platform_id', 'in', ipIds)
            .where('state', 'in', [...PENDING])
            .execute()
        ).map((r) => Number(r.influencer_platform_id)),
      );
      // A queued warm or scheduled job of these rows now runs at the batch's priority.
      await tx
        .updateTable('modash_jobs')
        .set({ priority: PRIORITIES.bulk })
        .where('influencer_platform_id', 'in', ipIds)
        .where('state', '=', 'queued')
        .where('priority', '>', PRIORITIES.bulk)
        .execute();
      const fresh = part.filter((r) => !pending.has(r.ipId));
      if (fresh.length) {
        await tx
          .insertInto('modash_jobs')
          .values(
            fresh.map((r) => ({
              influencer_id: r.id,
              influencer_platform_id: r.ipId,
              platform: r.platform,
              priority: PRIORITIES.bulk,
              run_at: now,
              state: 'queued',
              batch_id: batchId,
              asked_by: staffEmail,
              cause: 'bulkRefresh',
              use_case: 'bulkRefresh',
              force: 0,
              created_at: now,
            })),
          )
          .execute();
      }
      n += fresh.length;
    }
    await tx
      .updateTable('modash_batches')
      .set({ already_queued: rows.length - n })
      .where('id', '=', batchId)
      .execute();
    return { id: batchId, added: n };
  });
  wake();
  const [batch] = await batchViews([id]);
  return { batch, added, alreadyQueued: rows.length - added };
}

/** The batches staff see: every one not dismissed, started within the last week, newest first. */
export async function listBatches(): Promise<BatchView[]> {
  const ids = (
    await store()
      .db.selectFrom('modash_batches')
      .select('id')
      .where('dismissed_at', 'is', null)
      .where('started_at', '>=', Date.now() - SHOWN_MS)
      .orderBy('id', 'desc')
      .limit(20)
      .execute()
  ).map((r) => Number(r.id));
  return batchViews(ids);
}

async function batchViews(ids: number[]): Promise<BatchView[]> {
  if (!ids.length) return [];
  const { db } = store();
  const batches = await db.selectFrom('modash_batches').selectAll().where('id', 'in', ids).orderBy('id', 'desc').execute();
  const counts = await db
    .selectFrom('modash_jobs')
    .select(['batch_id', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('batch_id', 'in', ids)
    .groupBy(['batch_id', 'state'])
    .execute();
  const waits = await db
    .selectFrom('modash_jobs')
    .select(['batch_id', 'message', 'code', 'run_at'])
    .where('batch_id', 'in', ids)
    .where('state', '=', 'queued')
    .where('code', 'is not', null)
    .orderBy('run_at')
    .execute();
  const failures = await db
    .selectFrom('modash_jobs as j')
    .innerJoin('influencers as i', 'i.id', 'j.influencer_id')
    .select(['j.batch_id', 'j.influencer_id', 'i.name', 'j.platform', 'j.message', 'j.code'])
    .where('j.batch_id', 'in', ids)
    .where('j.state', '=', 'failed')
    .orderBy('j.id')
    .execute();
  const rps = serverConfig().MODASH_GATE_RPS;
  return batches.map((b) => {
    const id = Number(b.id);
    const by = (state: string) => Number(counts.find((c) => Number(c.batch_id) === id && c.state === state)?.n ?? 0);
    const v = { done: by('done'), failed: by('failed'), preparing: by('preparing'), cancelled: by('cancelled'), queued: by('queued'), running: by('running') };
    const left = v.queued + v.running;
    const total = Object.values(v).reduce((a, x) => a + x, 0);
    const now = Date.now();
    const wait = waits.find((w) => Number(w.batch_id) === id);
    return {
      id,
      startedBy: b.started_by,
      startedAt: Number(b.started_at),
      asked: Number(b.asked),
      alreadyQueued: Number(b.already_queued),
      total,
      ...v,
      left,
      active: left > 0,
      secondsLeft: Math.ceil(left / rps + (wait && Number(wait.run_at) > now ? (Number(wait.run_at) - now) / 1000 : 0)),
      waiting: left > 0 && wait ? wait.message : null,
      waitingCode: left > 0 && wait ? wait.code : null,
      cancelledAt: b.cancelled_at === null ? null : Number(b.cancelled_at),
      cancelledBy: b.cancelled_by,
      failures: failures
        .filter((f) => Number(f.batch_id) === id)
        .slice(0, FAILURES_SHOWN)
        .map((f) => ({ id: Number(f.influencer_id), name: f.name, platform: f.platform, message: f.message ?? 'failed', code: f.code })),
    };
  });
}

async function batchOrThrow(id: number) {
  const b = await store().db.selectFrom('modash_batches').selectAll().where('id', '=', id).executeTakeFirst();
  if (!b) throw new HttpError(404, 'NO_SUCH_BATCH', `There is no batch ${id}`);
  return b;
}

/** Cancels the batch's queued jobs (a job running now finishes: Modash was asked already). 409 when nothing is left to cancel. */
export async function cancelBatch(id: number, staffEmail: string): Promise<{ cancelled: number; batch: BatchView }> {
  await batchOrThrow(id);
  const now = Date.now();
  const r = await store().tx(async (tx) => {
    const u = await tx
      .updateTable('modash_jobs')
      .set({ state: 'cancelled', finished_at: now, message: `Cancelled by ${staffEmail}` })
      .where('batch_id', '=', id)
      .where('state', '=', 'queued')
      .executeTakeFirst();
    const n = Number(u.numUpdatedRows);
    if (n > 0) await tx.updateTable('modash_batches').set({ cancelled_at: now, cancelled_by: staffEmail }).where('id', '=', id).execute();
    return n;
  });
  if (r === 0) throw new HttpError(409, 'BATCH_FINISHED', `Batch ${id} has nothing queued left to cancel`);
  const [batch] = await batchViews([id]);
  return { cancelled: r, batch };
}

/** Hides a finished batch for everyone (its failures with it). 409 while it still runs. */
export async function dismissBatch(id: number): Promise<void> {
  await batchOrThrow(id);
  const [batch] = await batchViews([id]);
  if (batch.active) throw new HttpError(409, 'BATCH_RUNNING', `Batch ${id} is still running: cancel it first`);
  await store().db.updateTable('modash_batches').set({ dismissed_at: Date.now() }).where('id', '=', id).execute();
}
