// Shortens the names the browser module imports from its own JS glue: wasm-bindgen names them
// `__wbg_<name>_<16 hex digits>`, and each name sits twice in what every browser downloads
// (the wasm's import section and the glue's export list), the hex digits barely compressible.
// Usage: node scripts/short-imports.mjs <dir> (after wasm-opt and esbuild, see build.sh).
// Renames each import of `./modash_flow_bg.js` in modash_flow_bg.wasm to `$<n>` and the one
// matching export of modash_flow_bg.js; fails if a name is not there exactly once.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
const wasmPath = join(dir, 'modash_flow_bg.wasm');
const jsPath = join(dir, 'modash_flow_bg.js');
const wasm = readFileSync(wasmPath);
let js = readFileSync(jsPath, 'utf8');

const uleb = (buf, at) => { let n = 0, shift = 0, b; do { b = buf[at++]; n |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80); return [n >>> 0, at]; };
const ulebBytes = (n) => { const out = []; do { let b = n & 0x7f; n >>>= 7; if (n) b |= 0x80; out.push(b); } while (n); return Buffer.from(out); };
const str = (s) => { const b = Buffer.from(s, 'utf8'); return Buffer.concat([ulebBytes(b.length), b]); };

const MODULE = './modash_flow_bg.js';
const parts = [wasm.subarray(0, 8)];
let at = 8, renamed = 0;
while (at < wasm.length) {
  const id = wasm[at];
  const [size, body] = uleb(wasm, at + 1);
  const end = body + size;
  if (id !== 2) { parts.push(wasm.subarray(at, end)); at = end; continue; }
  const [count, first] = uleb(wasm, body);
  const out = [ulebBytes(count)];
  let p = first;
  for (let i = 0; i < count; i++) {
    const [mlen, m0] = uleb(wasm, p); const module = wasm.subarray(m0, m0 + mlen).toString('utf8'); p = m0 + mlen;
    const [flen, f0] = uleb(wasm, p); const field = wasm.subarray(f0, f0 + flen).toString('utf8'); p = f0 + flen;
    const descStart = p;
    const kind = wasm[p++];
    if (kind === 0) [, p] = uleb(wasm, p); // func: type index
    else if (kind === 1) { p++; const flags = wasm[p++]; [, p] = uleb(wasm, p); if (flags & 1) [, p] = uleb(wasm, p); } // table
    else if (kind === 2) { const flags = wasm[p++]; [, p] = uleb(wasm, p); if (flags & 1) [, p] = uleb(wasm, p); } // memory
    else if (kind === 3) p += 2; // global: valtype, mutability
    else if (kind === 4) { p++; [, p] = uleb(wasm, p); } // tag
    else throw new Error(`import kind ${kind} not known`);
    let name = field;
    if (module === MODULE) {
      name = `$${(renamed++).toString(36)}`;
      const re = new RegExp(`(?<![\\w$])${field.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
      const hits = js.match(re)?.length ?? 0;
      if (hits !== 1) throw new Error(`${field}: ${hits} occurrences in ${jsPath}, expected 1 (its export)`);
      js = js.replace(re, name);
    }
    out.push(str(module), str(name), wasm.subarray(descStart, p));
  }
  if (p !== end) throw new Error('import section not read to its end');
  const section = Buffer.concat(out);
  parts.push(Buffer.from([2]), ulebBytes(section.length), section);
  at = end;
}
writeFileSync(wasmPath, Buffer.concat(parts));
writeFileSync(jsPath, js);
console.log(`short-imports: ${renamed} imports of ${MODULE} renamed in ${dir}`);
