import type { Kysely } from 'kysely';
import type { Tables } from './schema.mjs';
import type { Store } from './store.mjs';
/** The module's readers the state is computed with. */
export interface StateReaders {
  analyticsProgress(notes: string | null, platforms: string[]): { problem: string | null; platforms: { lastRefreshed: number | null }[] };
  notesEntry(notes: string | null, platform: string): { followers: number | null };
}
export function rosterState(mf: StateReaders, notesText: string | null, platform: string): { notes_readable: number; last_refreshed: number | null; followers: number | null };
export function writeRosterState(db: Kysely<Tables>, mf: StateReaders, id: number, notesText: string | null): Promise<void>;
export function backfillRosterState(store: Store, mf: StateReaders, batch?: number): Promise<number>;
