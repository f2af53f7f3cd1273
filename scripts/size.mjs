// Prints raw and gzipped bytes of what a browser downloads from the package: the .wasm and
// the JS glue (every .js file, snippets included). Usage: node scripts/size.mjs [pkg] [--json]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'pkg';
const files = [];
(function walk(d) {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(wasm|js)$/.test(f)) files.push(p);
  }
})(dir);
const sum = { wasm: { raw: 0, gz: 0 }, js: { raw: 0, gz: 0 } };
for (const f of files) {
  const b = readFileSync(f);
  const kind = f.endsWith('.wasm') ? 'wasm' : 'js';
  sum[kind].raw += b.length;
  sum[kind].gz += gzipSync(b, { level: 9 }).length;
}
const total = { raw: sum.wasm.raw + sum.js.raw, gz: sum.wasm.gz + sum.js.gz };
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ ...sum, total }));
} else {
  const kb = (n) => (n / 1024).toFixed(1) + ' KB';
  console.log(`size ${dir}: wasm ${kb(sum.wasm.raw)} (${kb(sum.wasm.gz)} gz), JS glue ${kb(sum.js.raw)} (${kb(sum.js.gz)} gz), total ${kb(total.gz)} gz`);
}
