import 'server-only';
import { store } from './store';

export interface RosterRow { id: number; name: string; notes: string | null; platforms: { platform: string; username: string }[] }
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
    ? await s.db.selectFrom('influencer_platforms').select(['influencer_id', 'platform', 'username'])
      .where('influencer_id', 'in', rows.map((r) => r.id)).orderBy('id').execute()
    : [];
  const byId = new Map<number, { platform: string; username: string }[]>();
  for (const p of plats) byId.set(p.influencer_id, [...(byId.get(p.influencer_id) ?? []), { platform: p.platform, username: p.username }]);
  return { total, page, pages, pageSize, rows: rows.map((r) => ({ id: r.id, name: r.name, notes: r.notes, platforms: byId.get(r.id) ?? [] })) };
}
