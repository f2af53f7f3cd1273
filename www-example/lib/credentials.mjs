// Where the seed writes the demo staff passwords: next to the SQLite file, named after it
// (data/staff.db -> data/staff-credentials.txt), or data/<database>-credentials.txt on PostgreSQL.
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseConfig } from './config.mjs';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'data');

export function credentialsFile({ file = baseConfig().DATABASE_FILE, url = baseConfig().DATABASE_URL ?? '' } = {}) {
  if (url) return join(DATA, `${decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres'}-credentials.txt`);
  return join(dirname(file), `${basename(file).replace(/\.db$/, '')}-credentials.txt`);
}
