// ARCHITECTURE.md true to the tree: every file it names (a `path/like.rs` in backticks) is a
// file of the repository, named by its path or by the end of it (`modash-errors.ts` beside
// `lib/server/modash.ts`). A file renamed or removed without the document fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
const SKIP = new Set(['node_modules', 'target', '.git', '.next', 'pkg', 'pkg-node', 'data', 'artifacts']);

function files(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) files(p, out);
    else out.push(relative(ROOT, p));
  }
  return out;
}

test('every file ARCHITECTURE.md names exists', () => {
  const tree = files(ROOT);
  const doc = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const named = [...doc.matchAll(/`([\w./[\]-]+\.(?:rs|ts|tsx|mjs|mts|js|md|sh|json|toml))`/g)].map((m) => m[1]);
  assert.ok(named.length > 20, `${named.length} files named`);
  const missing = [...new Set(named)].filter((n) => !tree.some((f) => f === n || f.endsWith(`/${n}`)));
  assert.deepEqual(missing, []);
});
