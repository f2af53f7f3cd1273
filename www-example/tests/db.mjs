// Raw queries for tests, on the app's own store (lib/store.mjs): Kysely's `sql` template, its
// parameters bound, whichever the dialect.
import { sql } from 'kysely';
import { openStore } from '../lib/store.mjs';

export { sql };
/** The rows of a raw query. */
export const rows = async (s, q) => (await q.execute(s.db)).rows;
/** Its first row. */
export const row = async (s, q) => (await rows(s, q))[0];
/** Runs `text` (no parameters: DROP/CREATE DATABASE) on the server `url` points at. */
export async function admin(url, text) {
  const s = openStore({ url });
  try {
    await sql.raw(text).execute(s.db);
  } finally {
    await s.close();
  }
}
