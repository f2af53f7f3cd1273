// One-time migrations, safe to stop (even kill -9) and re-run at any moment: every row is
// changed in its own transaction, so it is either wholly old or wholly new.
//
//   node scripts/migrate.mjs backfill-user-ids [--dry-run] [--limit N] [--batch N] [--rate R] [--rollback [--force]]
//   node scripts/migrate.mjs move-payloads     [--dry-run] [--limit N] [--batch N] [--rollback [--force]]
//
// backfill-user-ids: every influencer platform without a usable per-platform userId gets one:
//   from the legacy fields where the legacy rule applies (no API call), else by a username
//   search through a request gate at --rate requests/s (default 0.5: one every 2 s) with
//   retries on 429, keeping only an account whose username equals the one asked for
//   (pickExactMatch); a 404 or a search without an exact match is recorded in
//   modash_backfill_log and not tried again. Each changed row's previous notes are kept in
//   the log; --rollback restores them.
// move-payloads: every cached_payload in notes moves to modash_profile_cache, its JSON text
//   byte for byte; notes keep a cache_id. The original notes are kept in notes_backup first;
//   --rollback restores them exactly and deletes the cache rows the migration created.
// Both rollbacks skip (and list) a row whose notes changed since the migration wrote them (a
// refresh, a later backfill): newer data is never overwritten, unless --force.
// Store: the app's (lib/store.mjs: SQLite, or PostgreSQL when DATABASE_URL is set), migrated
// to the latest schema first. Modash: MODASH_API_BASE and MODASH_API_KEY (lib/config.mjs).
import { createHash } from 'node:crypto';
import { writeRosterState } from '../lib/roster-state.mjs';
import { createRequire } from 'node:module';
import { baseConfig } from '../lib/config.mjs';
import { locked, notesTextOf, openStore } from '../lib/store.mjs';
import { createSharedGate, creditCosts, gateFor, storeTransact } from '../lib/shared-gate.mjs';
import { listedUsers, logModashCall, modashGet } from '../lib/modash-http.mjs';

const require = createRequire(import.meta.url);
const mf = require('../../pkg-node/modash_flow.js');

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const o = { command, dryRun: false, rollback: false, force: false, limit: Infinity, batch: 100, rate: 0.5 };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--dry-run') o.dryRun = true;
    else if (a === '--rollback') o.rollback = true;
    else if (a === '--force') o.force = true;
    else if (['--limit', '--batch', '--rate'].includes(a)) {
      const v = Number(rest[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      o[a.slice(2)] = v;
    } else throw new Error(`unknown option ${a}`);
  }
  if (!['backfill-user-ids', 'move-payloads'].includes(command)) throw new Error('command: backfill-user-ids | move-payloads');
  return o;
}

/** A progress bar with rate and ETA on a terminal; plain lines otherwise. */
function progress(label, total) {
  const t0 = Date.now();
  const tty = process.stdout.isTTY;
  let last = 0;
  return (done, extra = '') => {
    const now = Date.now();
    const secs = (now - t0) / 1000;
    const rate = done / Math.max(secs, 0.001);
    const eta = total > done && rate > 0 ? Math.ceil((total - done) / rate) : 0;
    const line = `${label} ${done}/${total} ${rate.toFixed(1)}/s ETA ${eta}s ${extra}`;
    if (tty) {
      const w = 30,
        fill = Math.round((w * done) / Math.max(total, 1));
      process.stdout.write(`\r[${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${line}\x1b[K`);
      if (done >= total) process.stdout.write('\n');
    } else if (done >= total || now - last > 2000) {
      last = now;
      console.log(line);
    }
  };
}

const bytes = (s) => (s == null ? 0 : Buffer.byteLength(s));
/** sha256 of notes text as the store gives it back (null notes have their own digest). */
const digest = (text) =>
  createHash('sha256')
    .update(text == null ? '\u0000null' : String(text))
    .digest('hex');
const config = baseConfig();
/** The notes text of a row, as the store gives it back (PostgreSQL: its own text of the jsonb). */
const notesOf = async (store, db, id, lock = false) => {
  const q = db.selectFrom('influencers').select(store.notesText.as('notes')).where('id', '=', id);
  return (await (lock ? locked(store, q) : q).executeTakeFirst())?.notes ?? null;
};
const countOf = async (db, table) =>
  Number(
    (
      await db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
/** Writes notes and, in the same transaction, what the roster filters on (lib/roster-state.mjs). */
const setNotes = async (store, db, id, text) => {
  await db
    .updateTable('influencers')
    .set({ notes: store.notesValue(text) })
    .where('id', '=', id)
    .execute();
  await writeRosterState(db, mf, id, text);
};

async function movePayloads(store, o) {
  const report = {
    command: 'move-payloads',
    backend: store.kind,
    dryRun: o.dryRun,
    rowsSeen: 0,
    changed: 0,
    payloadsMoved: 0,
    skipped: {},
    bytesBefore: 0,
    bytesAfter: 0,
  };
  const skip = (why) => {
    report.skipped[why] = (report.skipped[why] ?? 0) + 1;
  };
  const total = Math.min(o.limit, await countOf(store.db, 'influencers'));
  const tick = progress('move-payloads', total);
  let after = 0,
    batchNo = 0;
  while (report.rowsSeen < total) {
    const ids = await store.db
      .selectFrom('influencers')
      .select('id')
      .where('id', '>', after)
      .orderBy('id')
      .limit(Math.min(o.batch, total - report.rowsSeen))
      .execute();
    if (!ids.length) break;
    for (const { id } of ids) {
      after = id;
      report.rowsSeen++;
      await store
        .tx(async (db) => {
          const text = await notesOf(store, db, id, true);
          report.bytesBefore += bytes(text);
          if (text == null) {
            report.bytesAfter += 0;
            return skip('no notes');
          }
          let first;
          try {
            first = mf.slimNotes(text);
          } catch (e) {
            report.bytesAfter += bytes(text);
            if (e.code === 'NOTES_UNREADABLE') {
              skip('malformed notes (left untouched)');
              report.malformed ??= [];
              report.malformed.push(id);
              return;
            }
            throw e;
          }
          if (!first.payloads.length) {
            report.bytesAfter += bytes(text);
            return skip('nothing to move');
          }
          if (o.dryRun) {
            report.changed++;
            report.payloadsMoved += first.payloads.length;
            report.bytesAfter += first.bytesAfter;
            return;
          }
          // Keep the original once: a re-run after a crash keeps the first backup.
          await db
            .insertInto('notes_backup')
            .values({ influencer_id: id, notes: store.notesValue(text), migrated_at: new Date().toISOString() })
            .onConflict((oc) => oc.column('influencer_id').doNothing())
            .execute();
          const cacheIds = {};
          const created = [];
          for (const p of first.payloads) {
            const ip = await db
              .selectFrom('influencer_platforms')
              .select('id')
              .where('influencer_id', '=', id)
              .where('platform', '=', p.platform)
              .executeTakeFirst();
            if (!ip) throw Object.assign(new Error(`influencer ${id}: ${p.platform} is not listed in influencer_platforms`), { code: 'PLATFORM_NOT_LISTED' });
            const c = await db
              .insertInto('modash_profile_cache')
              .values({
                // The payload's own text (exact bytes), never a re-serialisation of the parsed value.
                influencer_platform_id: ip.id,
                modash_user_id: p.userId ?? '',
                platform: p.platform,
                payload: p.payloadText ?? JSON.stringify(p.payload),
                fetched_at: new Date().toISOString(),
              })
              .returning('id')
              .executeTakeFirstOrThrow();
            cacheIds[p.source === 'legacy' ? 'legacy' : p.platform] = String(c.id);
            created.push(Number(c.id));
          }
          const second = mf.slimNotes(text, { cacheIds });
          await setNotes(store, db, id, second.notes);
          const written = await notesOf(store, db, id);
          const prev = await db.selectFrom('notes_backup').select('cache_ids').where('influencer_id', '=', id).executeTakeFirstOrThrow();
          await db
            .updateTable('notes_backup')
            .set({ cache_ids: JSON.stringify([...JSON.parse(prev.cache_ids), ...created]), written_digest: digest(written) })
            .where('influencer_id', '=', id)
            .execute();
          report.changed++;
          report.payloadsMoved += first.payloads.length;
          report.bytesAfter += second.bytesAfter;
        })
        .catch((e) => {
          if (e.code !== 'PLATFORM_NOT_LISTED') throw e;
          skip('payload platform not listed (left untouched)');
        });
      tick(report.rowsSeen, `${report.payloadsMoved} payloads`);
      if (config.MIGRATE_ROW_DELAY_MS) await new Promise((r) => setTimeout(r, config.MIGRATE_ROW_DELAY_MS));
    }
    batchNo++;
    if (!process.stdout.isTTY) console.log(`batch ${batchNo} done (${report.rowsSeen} rows)`);
  }
  return report;
}

async function rollback(store, o) {
  const report = {
    command: 'move-payloads --rollback',
    backend: store.kind,
    dryRun: o.dryRun,
    force: o.force,
    restored: 0,
    cacheRowsDeleted: 0,
    skippedChanged: [],
  };
  const rows = await store.db.selectFrom('notes_backup').select('influencer_id').orderBy('influencer_id').execute();
  const tick = progress('rollback', Math.min(rows.length, o.limit));
  let seen = 0;
  for (const { influencer_id: id } of rows.slice(0, Number.isFinite(o.limit) ? o.limit : undefined)) {
    await store.tx(async (db) => {
      const b = await db
        .selectFrom('notes_backup')
        .select([store.notesText.as('notes'), 'cache_ids', 'written_digest'])
        .where('influencer_id', '=', id)
        .executeTakeFirstOrThrow();
      // Changed since the migration wrote it (or written before digests were kept): skipped.
      if (!o.force && b.written_digest !== digest(await notesOf(store, db, id, true))) {
        report.skippedChanged.push(id);
        return;
      }
      report.restored++;
      if (o.dryRun) return;
      await setNotes(store, db, id, b.notes);
      for (const c of JSON.parse(b.cache_ids))
        report.cacheRowsDeleted += Number((await db.deleteFrom('modash_profile_cache').where('id', '=', c).executeTakeFirst()).numDeletedRows);
      await db.deleteFrom('notes_backup').where('influencer_id', '=', id).execute();
    });
    tick(++seen);
  }
  if (report.skippedChanged.length)
    console.log(
      `rollback: ${report.skippedChanged.length} row(s) changed since the migration and were left as they are (--force restores them anyway): ${report.skippedChanged.join(', ')}`,
    );
  return report;
}

/** backfill-user-ids --rollback: the logged previous notes back, newest change first. */
async function backfillRollback(store, o) {
  const report = { command: 'backfill-user-ids --rollback', backend: store.kind, dryRun: o.dryRun, force: o.force, restored: 0, skippedChanged: [] };
  const rows = await store.db
    .selectFrom('modash_backfill_log')
    .select(['influencer_platform_id as ip', 'influencer_id as id'])
    .where('status', '=', 'stored')
    .orderBy('at', 'desc')
    .orderBy('influencer_platform_id', 'desc')
    .execute();
  for (const { ip, id } of rows.slice(0, Number.isFinite(o.limit) ? o.limit : undefined)) {
    await store.tx(async (db) => {
      const l = await db
        .selectFrom('modash_backfill_log')
        .select(['notes_before', 'written_digest'])
        .where('influencer_platform_id', '=', ip)
        .executeTakeFirstOrThrow();
      if (!o.force && l.written_digest !== digest(await notesOf(store, db, id, true))) {
        report.skippedChanged.push(id);
        return;
      }
      report.restored++;
      if (o.dryRun) return;
      await setNotes(store, db, id, l.notes_before);
      await db.deleteFrom('modash_backfill_log').where('influencer_platform_id', '=', ip).execute();
    });
  }
  if (report.skippedChanged.length)
    console.log(
      `rollback: ${report.skippedChanged.length} row(s) changed since the backfill and were left as they are (--force restores them anyway): ${report.skippedChanged.join(', ')}`,
    );
  return report;
}

/** What the call log records of a backfill lookup (besides its platform, status and latency). */
const CALL = { kind: 'lookup', waitedMs: 0, waited429: false, credits: 0, staff: 'backfill', useCase: 'backfill', cohort: null };

async function backfill(store, o) {
  const CREDIT_COST_LOOKUP = config.MODASH_CREDIT_COST_LOOKUP;
  const base = config.MODASH_API_BASE.replace(/\/$/, '');
  const key = config.MODASH_API_KEY;
  const gate = mf.createRequestGate({
    requestsPerSecond: o.rate,
    burst: 1,
    maxConcurrent: 1,
    retry: { maxRetries: 5, maxRetryAfterMs: config.MODASH_MAX_RETRY_AFTER_S * 1000 },
  });
  // Every lookup also takes its place in the team's shared gate, last in line: the app's
  // panels and bulk refreshes on the same key go first, and the key's pace holds for all.
  // The backfill looks usernames up: the lookups' gate, shared with the routes' lookups.
  const lookupGate = gateFor(config, 'lookup');
  const shared = createSharedGate({
    gateStep: mf.gateStep,
    transact: storeTransact(store, lookupGate.key),
    options: lookupGate.options,
    costs: creditCosts(config),
  });
  const report = {
    command: 'backfill-user-ids',
    backend: store.kind,
    dryRun: o.dryRun,
    rowsSeen: 0,
    changed: 0,
    fromLegacy: 0,
    fromLookup: 0,
    apiCalls: 0,
    skipped: {},
  };
  const skip = (why) => {
    report.skipped[why] = (report.skipped[why] ?? 0) + 1;
  };
  const total = Math.min(o.limit, await countOf(store.db, 'influencer_platforms'));
  const tick = progress('backfill-user-ids', total);
  let after = 0;
  // Writes one row's id and logs the change: the notes before it and a digest of what was written.
  const store1 = async (ipId, id, platform, fetched, detail) =>
    store.tx(async (db) => {
      const before = await notesOf(store, db, id, true);
      const merged = mf.mergeAnalytics(before, platform, fetched, { markRefreshed: false });
      const text = typeof merged.notes === 'string' ? merged.notes : JSON.stringify(merged.notes);
      await setNotes(store, db, id, text);
      const written = await notesOf(store, db, id);
      const row = {
        influencer_platform_id: ipId,
        status: 'stored',
        detail,
        at: new Date().toISOString(),
        influencer_id: id,
        notes_before: before,
        written_digest: digest(written),
      };
      await db
        .insertInto('modash_backfill_log')
        .values(row)
        .onConflict((oc) =>
          oc.column('influencer_platform_id').doUpdateSet({
            status: 'stored',
            detail: row.detail,
            at: row.at,
            influencer_id: id,
            notes_before: before,
            written_digest: row.written_digest,
          }),
        )
        .execute();
      return merged;
    });
  while (report.rowsSeen < total) {
    const batch = await store.db
      .selectFrom('influencer_platforms as ip')
      .innerJoin('influencers as i', 'i.id', 'ip.influencer_id')
      .leftJoin('modash_backfill_log as l', 'l.influencer_platform_id', 'ip.id')
      .select(['ip.id as ip_id', 'ip.influencer_id as id', 'ip.platform', 'ip.username', notesTextOf(store, 'i.notes').as('notes'), 'l.status'])
      .where('ip.id', '>', after)
      .orderBy('ip.id')
      .limit(Math.min(o.batch, total - report.rowsSeen))
      .execute();
    if (!batch.length) break;
    for (const r of batch) {
      after = r.ip_id;
      report.rowsSeen++;
      tick(report.rowsSeen, `${report.apiCalls} API calls`);
      if (r.status === 'not-found') {
        skip('not found on Modash (recorded earlier)');
        continue;
      }
      if (r.status === 'no-exact-match') {
        skip('no exact match on Modash (recorded earlier)');
        continue;
      }
      const res = mf.resolveUserId(r.notes, r.platform);
      if (res.problem) {
        skip('malformed notes (left untouched)');
        continue;
      }
      if (res.source === 'platform') {
        skip('already has a userId');
        continue;
      }
      if (res.source === 'legacy') {
        if (!o.dryRun) await store1(r.ip_id, r.id, r.platform, {}, 'legacy');
        report.changed++;
        report.fromLegacy++;
        continue;
      }
      if (o.dryRun) {
        report.changed++;
        report.fromLookup++;
        continue;
      }
      report.apiCalls++;
      const out = await gate.run(
        null,
        async () =>
          (
            await shared.run(
              'lookup',
              'backfill',
              async () => {
                // The app's transport (its timeout) and call log (the metrics page counts these).
                const t1 = Date.now();
                let res2, res2Text;
                try {
                  ({ res: res2, text: res2Text } = await modashGet(base, key, `/v1/${r.platform}/users?query=${encodeURIComponent(r.username)}&limit=5`, {
                    timeoutMs: config.MODASH_TIMEOUT_MS,
                  }));
                } catch (e) {
                  await logModashCall(store, { ...CALL, platform: r.platform, status: e.kind === 'timeout' ? 504 : 503, latencyMs: Date.now() - t1 });
                  throw Object.assign(new Error(e.message), { status: null });
                }
                await logModashCall(store, {
                  ...CALL,
                  platform: r.platform,
                  status: res2.status,
                  latencyMs: Date.now() - t1,
                  credits: res2.ok ? CREDIT_COST_LOOKUP : 0,
                });
                if (!res2.ok) {
                  const ra = res2.headers.get('retry-after');
                  // The module's Retry-After reader: delta-seconds or an HTTP-date alike.
                  throw Object.assign(new Error(`Modash API error (${res2.status})`), {
                    status: res2.status,
                    retryAfter: ra,
                    retryAfterMs: res2.status === 429 ? mf.parseRetryAfter(ra) : null,
                  });
                }
                return { value: JSON.parse(res2Text) };
              },
              { maxWaitMs: 10 * 60 * 1000 },
            )
          ).value,
      );
      report.apiCalls += out.retriesUsed;
      // A search lists look-alikes: only the account with exactly this username is stored.
      const pick = out.success ? mf.pickExactMatch(listedUsers(out.data), r.username) : null;
      if (pick && pick.userId === null) {
        await store.db
          .insertInto('modash_backfill_log')
          .values({
            influencer_platform_id: r.ip_id,
            status: 'no-exact-match',
            detail: JSON.stringify({ username: r.username, closest: pick.closest }),
            at: new Date().toISOString(),
            influencer_id: r.id,
          })
          .onConflict((oc) => oc.column('influencer_platform_id').doNothing())
          .execute();
        skip('no exact match on Modash (recorded)');
        continue;
      }
      if (out.status === 404) {
        await store.db
          .insertInto('modash_backfill_log')
          .values({ influencer_platform_id: r.ip_id, status: 'not-found', detail: r.username, at: new Date().toISOString() })
          .onConflict((oc) => oc.column('influencer_platform_id').doNothing())
          .execute();
        skip('not found on Modash (recorded)');
        continue;
      }
      if (!out.success) {
        skip(`lookup failed (${out.status ?? 'network'}; retried next run)`);
        continue;
      }
      await store1(r.ip_id, r.id, r.platform, { userId: pick.userId, username: pick.username }, 'lookup');
      report.changed++;
      report.fromLookup++;
    }
  }
  return report;
}

const o = parseArgs(process.argv.slice(2));
const t0 = Date.now();
const store = openStore();
let report;
try {
  await store.migrate();
  report =
    o.command === 'backfill-user-ids'
      ? o.rollback
        ? await backfillRollback(store, o)
        : await backfill(store, o)
      : o.rollback
        ? await rollback(store, o)
        : await movePayloads(store, o);
} finally {
  await store.close();
}
report.seconds = (Date.now() - t0) / 1000;
if (report.malformed?.length > 20) report.malformed = [...report.malformed.slice(0, 20), `… ${report.malformed.length - 20} more`];
if (report.bytesBefore) report.reduction = `${(100 * (1 - report.bytesAfter / report.bytesBefore)).toFixed(1)}%`;
console.log(`REPORT ${JSON.stringify(report)}`);
