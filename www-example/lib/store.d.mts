import type { Kysely, RawBuilder, SelectQueryBuilder } from 'kysely';
import type { Tables } from './schema.mjs';
export type { Tables } from './schema.mjs';
export type Db = Kysely<Tables>;
export interface Store {
  kind: 'sqlite' | 'postgres';
  /** Where it is (the file, or the URL without its password). */
  where: string;
  db: Db;
  /** The notes column as JSON text (PostgreSQL: its own text of the jsonb). */
  notesText: RawBuilder<string | null>;
  /** A JSON text value for the notes column. */
  notesValue: (text: string | null) => RawBuilder<unknown>;
  /** `SELECT … FOR UPDATE` on PostgreSQL, nothing on SQLite (the transaction already locks). */
  locking: boolean;
  /** `fn` in one write transaction: SQLite `BEGIN IMMEDIATE`, PostgreSQL a transaction whose
   * row reads lock with `forUpdate()`. */
  tx<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Brings the schema to the latest migration; the names of the migrations it ran. */
  migrate(): Promise<string[]>;
  close(): Promise<void>;
}
export function openStore(where?: { url?: string; file?: string; poolSize?: number }): Store;
export function notesTextOf(store: Store, column: string): RawBuilder<string | null>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function locked<Q extends SelectQueryBuilder<any, any, any>>(store: Store, q: Q): Q;
