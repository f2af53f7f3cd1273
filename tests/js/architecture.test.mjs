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

const wasmDir = join(ROOT, 'src/wasm');
const rsFiles = readdirSync(wasmDir).filter((f) => f.endsWith('.rs'));
const read = (f) => readFileSync(join(wasmDir, f), 'utf8');

test('the boundary files use each other as ARCHITECTURE.md\'s table says', () => {
  const doc = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const table = doc.slice(doc.indexOf('| file in `src/wasm/` | uses |'));
  const said = new Map();
  for (const line of table.split('\n').slice(2).map((l) => l.trim())) {
    if (!line.startsWith('|')) break;
    const [files, uses] = line.split('|').slice(1, 3).map((c) => [...c.matchAll(/`([\w.]+\.rs)`/g)].map((m) => m[1]));
    for (const f of files) said.set(f, uses.sort());
  }
  assert.deepEqual([...said.keys()].sort(), rsFiles.sort(), 'every file of src/wasm/ is in the table, and only those');
  for (const f of rsFiles) {
    const used = [...new Set([...read(f).matchAll(/\bsuper::(\w+)/g)].map((m) => `${m[1]}.rs`))].filter((u) => u !== 'mod.rs' && rsFiles.includes(u)).sort();
    assert.deepEqual(used, said.get(f), `src/wasm/${f}`);
  }
});

test('the core holds no JsValue and imports no wasm; the boundary reads JS values one way', () => {
  // (src/lib.rs declares the boundary module: the one file of the core that names it. The
  // event loops call JS callbacks and wait on JS timers: wasm-only, beside the boundary.)
  const core = files(join(ROOT, 'src')).filter((f) => f.endsWith('.rs') && !/^src\/(wasm|event_loop)\//.test(f) && f !== 'src/lib.rs');
  for (const f of core) {
    const text = readFileSync(join(ROOT, f), 'utf8');
    assert.doesNotMatch(text, /\bJsValue\b|\bwasm_bindgen\b|\bweb_sys\b|crate::wasm\b/, f);
    if (f !== 'src/decimal.rs') assert.doesNotMatch(text, /\bjs_sys\b/, f);
  }
  // The event loops sequence; every JS value they read or build goes through the boundary.
  const loops = files(join(ROOT, 'src/event_loop'));
  assert.ok(loops.length >= 3, loops.join());
  for (const f of loops) {
    assert.doesNotMatch(readFileSync(join(ROOT, f), 'utf8'), /\bjs::(set|get)\b|\bObj\b|\bsafe_get\b|\bdyn_into\b|\bReflect::/, `${f} converts: move it to src/wasm/`);
  }
  for (const f of rsFiles) {
    assert.doesNotMatch(read(f), /\bReflect::/, `src/wasm/${f} reads or writes JS properties through js.rs`);
    assert.doesNotMatch(read(f), /inline_js/, `src/wasm/${f}: JS goes into src/wasm/js/`);
  }
});
