import 'server-only';
import { sql, type RawBuilder } from 'kysely';
import { knownPlatforms, resolveTtl } from 'modash-flow/server';
import { serverConfig } from './config';
import { GONE_CODES } from './modash-errors';
import { store } from './store';
import { notesTextOf } from '../store.mjs';
import { rememberedGone } from './refresh';
import { MAX_PAGE_SIZE, PAGE_SIZE, SORTS, STATES } from '../roster-view';

/** What Modash said lately about an account it has nothing for (the roster says so). */
export interface ModashGone {
  code: string;
  sentence: string;
  at: string;
}
/** Modash is preparing the account's report (`retry_later`): when the server asks again (epoch ms), or null when it will not. */
export interface ModashPending {
  retryAt: number | null;
  at: string;
}
export interface RosterPlatform {
  platform: string;
  username: string;
  modashGone: ModashGone | null;
  modashPending: ModashPending | null;
}
export interface RosterRow {
  id: number;
  name: string;
  notes: string | null;
  platforms: RosterPlatform[];
}
export interface RosterPage {
  total: number;
  page: number;
  pages: number;
  pageSize: number;
  rows: RosterRow[];
}

/** The roster's view, as the URL says it (`?q=&state=&platform=&sort=&page=`). */
export { SORTS, STATES };
export interface RosterView {
  page: number;
  pageSize: number;
  /** Part of a name or handle, any case. */
  q?: string;
  state?: (typeof STATES)[number];
  platform?: string;
  sort?: (typeof SORTS)[number];
}

const like = (s: string) => `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Whether an influencer platform `p` is in `state` now (lib/roster-state.mjs keeps the columns):
 * fresh / stale under the roster TTL of its platform, never synced, notes unreadable, or gone
 * or private on Modash (remembered within MODASH_GONE_RECHECK_DAYS).
 */
function inState(state: NonNullable<RosterView['state']>, now: number) {
  const cfg = serverConfig();
  // Numbers cast: PostgreSQL types a CASE of bare parameters as text.
  const num = (n: number) => sql`CAST(${n} AS DOUBLE PRECISION)`;
  const cutoff = sql`CASE p.platform ${sql.join(
    knownPlatforms().map((pl) => sql`WHEN ${pl} THEN ${num(now - resolveTtl(cfg.ttl!, 'roster', pl))}`),
    sql` `,
  )} ELSE ${num(now)} END`;
  switch (state) {
    case 'fresh':
      return sql<boolean>`p.notes_readable = 1 AND p.last_refreshed >= ${cutoff}`;
    case 'stale':
      return sql<boolean>`p.notes_readable = 1 AND p.last_refreshed < ${cutoff}`;
    case 'never-synced':
      return sql<boolean>`p.notes_readable = 1 AND p.last_refreshed IS NULL`;
    case 'unreadable':
      return sql<boolean>`p.notes_readable = 0`;
    case 'gone': {
      const since = new Date(now - cfg.MODASH_GONE_RECHECK_DAYS * 86_400_000).toISOString();
      return sql<boolean>`p.modash_status IN (${sql.join([...GONE_CODES])}) AND p.modash_status_at >= ${since}`;
    }
  }
}

/** The SQL condition on `i` (influencers) that selects the view's influencers. */
function viewWhere(view: RosterView, now: number) {
  const all: RawBuilder<unknown>[] = [];
  if (view.q) {
    const q = like(view.q.trim());
    all.push(
      sql`(LOWER(i.name) LIKE ${q} ESCAPE '\\' OR EXISTS (SELECT 1 FROM influencer_platforms p WHERE p.influencer_id = i.id AND LOWER(p.username) LIKE ${q} ESCAPE '\\'))`,
    );
  }
  if (view.state || view.platform) {
    const conds: RawBuilder<unknown>[] = [sql`p.influencer_id = i.id`];
    if (view.platform) conds.push(sql`p.platform = ${view.platform}`);
    if (view.state) conds.push(inState(view.state, now));
    all.push(sql`EXISTS (SELECT 1 FROM influencer_platforms p WHERE ${sql.join(conds, sql` AND `)})`);
  }
  const where = sql<boolean>`${all.length ? sql.join(all, sql` AND `) : sql`1 = 1`}`;
  return { where };
}

/** A page of the roster: the influencers the view selects, each with its notes as JSON text and its listed platforms. */
export async function rosterPage(view: RosterView, now = Date.now()): Promise<RosterPage> {
  const s = store();
  const { where } = viewWhere(view, now);
  const { n } = await s.db
    .selectFrom('influencers as i')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(where)
    .executeTakeFirstOrThrow();
  const total = Number(n);
  const pages = Math.max(1, Math.ceil(total / view.pageSize));
  const page = Math.min(pages, view.page);
  let q = s.db
    .selectFrom('influencers as i')
    .select(['i.id', 'i.name', notesTextOf(s, 'i.notes').as('notes')])
    .where(where);
  // Nulls last on both stores (SQLite sorts them first, PostgreSQL last, in DESC).
  if (view.sort === 'last-refreshed')
    q = q.orderBy(sql`COALESCE((SELECT MAX(p.last_refreshed) FROM influencer_platforms p WHERE p.influencer_id = i.id), -1)`, 'desc');
  else if (view.sort === 'followers')
    q = q.orderBy(sql`COALESCE((SELECT MAX(p.followers) FROM influencer_platforms p WHERE p.influencer_id = i.id), -1)`, 'desc');
  else if (view.sort === 'name') q = q.orderBy('i.name');
  const rows = await q
    .orderBy('i.id')
    .limit(view.pageSize)
    .offset((page - 1) * view.pageSize)
    .execute();
  return { total, page, pages, pageSize: view.pageSize, rows: await withPlatforms(rows) };
}

/** Rows with their listed platforms and what Modash said of each. */
async function withPlatforms(rows: { id: number; name: string; notes: string | null }[]): Promise<RosterRow[]> {
  const s = store();
  const plats = rows.length
    ? await s.db
        .selectFrom('influencer_platforms')
        .select(['influencer_id', 'platform', 'username', 'modash_status', 'modash_status_at', 'modash_retry_at'])
        .where(
          'influencer_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('id')
        .execute()
    : [];
  const byId = new Map<number, RosterPlatform[]>();
  for (const p of plats) {
    const gone = rememberedGone(p, p.platform);
    const modashGone = gone ? { code: gone.code, sentence: gone.sentence, at: p.modash_status_at ?? '' } : null;
    const modashPending = p.modash_status === 'retry_later' ? { retryAt: p.modash_retry_at, at: p.modash_status_at ?? '' } : null;
    byId.set(p.influencer_id, [...(byId.get(p.influencer_id) ?? []), { platform: p.platform, username: p.username, modashGone, modashPending }]);
  }
  return rows.map((r) => ({ id: r.id, name: r.name, notes: r.notes, platforms: byId.get(r.id) ?? [] }));
}

/** The view from URL search parameters; what is not understood is left out (never an error page). */
export function viewOf(params: Record<string, string | string[] | undefined>): RosterView {
  const one = (k: string) => (typeof params[k] === 'string' ? (params[k] as string) : undefined);
  const whole = (k: string, min: number, max: number, d: number) => {
    const v = one(k);
    const n = v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : NaN;
    return n >= min && n <= max ? n : d;
  };
  const q = one('q')?.trim().slice(0, 100);
  const state = one('state');
  const platform = one('platform');
  const sort = one('sort');
  return {
    page: whole('page', 1, 1_000_000, 1),
    pageSize: whole('pageSize', 1, MAX_PAGE_SIZE, PAGE_SIZE),
    ...(q ? { q } : {}),
    ...(state && (STATES as readonly string[]).includes(state) ? { state: state as RosterView['state'] } : {}),
    ...(platform && (knownPlatforms() as string[]).includes(platform) ? { platform } : {}),
    ...(sort && (SORTS as readonly string[]).includes(sort) ? { sort: sort as RosterView['sort'] } : {}),
  };
}

/** Every influencer id the view selects (for "select all that match"), at most `limit`. */
export async function rosterIds(view: RosterView, limit = 20_000, now = Date.now()): Promise<number[]> {
  const { where } = viewWhere(view, now);
  const rows = await store().db.selectFrom('influencers as i').select('i.id').where(where).orderBy('i.id').limit(limit).execute();
  return rows.map((r) => r.id);
}

/** The rows of these influencers (a selection across pages), in id order. */
export async function rosterRows(ids: number[]): Promise<RosterRow[]> {
  if (!ids.length) return [];
  const s = store();
  const rows = await s.db
    .selectFrom('influencers as i')
    .select(['i.id', 'i.name', notesTextOf(s, 'i.notes').as('notes')])
    .where('i.id', 'in', ids)
    .orderBy('i.id')
    .execute();
  return withPlatforms(rows);
}
