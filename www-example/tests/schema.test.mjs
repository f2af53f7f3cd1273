// The TypeScript types of the tables (lib/schema.d.mts) against the schema the migrations
// make, on SQLite and PostgreSQL: a fresh store is migrated, its tables are read back
// (Kysely's introspection) and written out as a TypeScript type, and tsc checks that it equals
// `Selectable<Tables[t]>` table by table, column by column (name, type, nullability). A column
// added by a migration but not to the types (or the other way round) fails here.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baseConfig } from '../lib/config.mjs';
import { openStore } from '../lib/store.mjs';
import { ROOT } from '../lib/procs.mjs';
import { admin } from './db.mjs';

const PG = baseConfig().MIGRATE_TEST_PG_URL;
const DIR = join(ROOT, 'data', 'schema-check');

/** A column's TypeScript type from the store's own type name. */
function tsType(c) {
  const t = c.dataType.toLowerCase();
  const base = /int|real|float|double|numeric|serial/.test(t) ? 'number' : /text|char|json/.test(t) ? 'string' : `unknown /* ${t} */`;
  // SQLite reports an INTEGER PRIMARY KEY (the rowid) as nullable; it never holds NULL.
  return c.isNullable && !c.isAutoIncrementing ? `${base} | null` : base;
}

async function migratedTypes(store) {
  await store.migrate();
  const tables = await store.db.introspection.getTables();
  return tables.map((t) => `  ${t.name}: { ${t.columns.map((c) => `${c.name}: ${tsType(c)};`).join(' ')} };`).join('\n');
}

function check(kind, migrated) {
  mkdirSync(DIR, { recursive: true });
  const file = join(DIR, `${kind}.ts`);
  writeFileSync(
    file,
    `import type { Selectable } from 'kysely';
import type { Tables } from '../../lib/schema.mjs';
type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends (<X>() => X extends B ? 1 : 2) ? true : false;
interface Migrated {
${migrated}
}
type Row<T extends keyof Tables> = { [K in keyof Selectable<Tables[T]>]: Selectable<Tables[T]>[K] };
export const sameTables: Equal<keyof Tables, keyof Migrated> = true;
export const sameColumns: { [T in keyof Tables & keyof Migrated]: Equal<Row<T>, Migrated[T]> } = {
${migrated
  .split('\n')
  .map((l) => `  ${l.trim().split(':')[0]}: true,`)
  .join('\n')}
};
`,
  );
  const r = spawnSync(
    join(ROOT, 'node_modules/.bin/tsc'),
    ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', file],
    { cwd: ROOT, encoding: 'utf8' },
  );
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}`, file };
}

after(() => rmSync(DIR, { recursive: true, force: true }));

test('lib/schema.d.mts is what scripts/schema-types.mjs generates from the migrations (never kept by hand)', async () => {
  const { generated } = await import('../scripts/schema-types.mjs');
  const { readFileSync } = await import('node:fs');
  const want = await generated();
  assert.equal(readFileSync(join(ROOT, 'lib', 'schema.d.mts'), 'utf8'), want, 'run npm run schema:types');
  // A migration's new column shows up in what is generated (the check sees it).
  assert.match(want, /modash_reports: \{ id: Generated<number>; at: number;/);
});

test('lib/schema.d.mts equals the migrated SQLite schema', async () => {
  const file = join(DIR, 'types.db');
  mkdirSync(DIR, { recursive: true });
  const s = openStore({ url: '', file });
  try {
    const r = check('sqlite', await migratedTypes(s));
    assert.ok(r.ok, r.out);
    // The check can fail: a column the types lack is caught.
    const broken = check('sqlite-broken', (await migratedTypes(s)).replace('request_id: string | null;', 'request_id: string | null; extra: number;'));
    assert.ok(!broken.ok && /sameColumns|not assignable/.test(broken.out), broken.out);
  } finally {
    await s.close();
  }
});

test('lib/schema.d.mts equals the migrated PostgreSQL schema', { skip: !PG && 'needs MIGRATE_TEST_PG_URL' }, async () => {
  await admin(PG, 'DROP DATABASE IF EXISTS mf_schema');
  await admin(PG, 'CREATE DATABASE mf_schema');
  const u = new URL(PG);
  u.pathname = '/mf_schema';
  const s = openStore({ url: u.toString() });
  try {
    const r = check('postgres', await migratedTypes(s));
    assert.ok(r.ok, r.out);
  } finally {
    await s.close();
  }
});
