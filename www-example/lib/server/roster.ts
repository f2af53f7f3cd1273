import 'server-only';
import { store } from './store';
import { rememberedGone } from './refresh';

/** What Modash said lately about an account it has nothing for (the roster says so). */
export interface ModashGone { code: string; sentence: string; at: string }
/** Modash is preparing the account's report (`retry_later`): when the server asks again (epoch ms), or null when it will not. */
export interface ModashPending { retryAt: number | null; at: string }
export interface RosterPlatform { platform: string; username: string; modashGone: ModashGone | null; modashPending: ModashPending | null }
export interface RosterRow { id: number; name: string; notes: string | null; platforms: RosterPlatform[] }
export interface RosterPage { total: number; page: number; pages: number; pageSize: number; rows: RosterRow[] }

/** A page of the roster: each influencer's notes as JSON text and its listed platforms. */
export async function rosterPage(pageNo: number, pageSize: number): Promise<RosterPage> {
  const s = store();
  const { n } = await s.db.selectFrom('influencers').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const total = Number(n);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const page = Math.min(pages, pageNo);
  const rows = await s.db.selectFrom('influencers').select(['id', 'name', s.notesText.as('notes')]).orderBy('id').limit(pageSize).offset((page - 1) * pageSize).execute();
  const plats = rows.length
    ? await s.db.selectFrom('influencer_platforms').select(['influencer_id', 'platform', 'username', 'modash_status', 'modash_status_at', 'modash_retry_at'])
      .where('influencer_id', 'in', rows.map((r) => r.id)).orderBy('id').execute()
    : [];
  const byId = new Map<number, RosterPlatform[]>();
  for (const p of plats) {
    const gone = rememberedGone(p, p.platform);
    const modashGone = gone ? { code: gone.code, sentence: gone.sentence, at: p.modash_status_at ?? '' } : null;
    const modashPending = p.modash_status === 'retry_later' ? { retryAt: p.modash_retry_at, at: p.modash_status_at ?? '' } : null;
    byId.set(p.influencer_id, [...(byId.get(p.influencer_id) ?? []), { platform: p.platform, username: p.username, modashGone, modashPending }]);
  }
  return { total, page, pages, pageSize, rows: rows.map((r) => ({ id: r.id, name: r.name, notes: r.notes, platforms: byId.get(r.id) ?? [] })) };
}
