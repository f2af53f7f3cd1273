// Prints raw and gzipped bytes of what a browser downloads from the package: the .wasm and
// the JS glue (every .js file, snippets included; not the `server/` subpath, which only route
// handlers import). Usage: node scripts/size.mjs [pkg] [--json]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dir = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'pkg';
const files = [];
(function walk(d) {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) { if (!(d === dir && f === 'server')) walk(p); }
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
const budgetFile = process.argv.includes('--budget') ? process.argv[process.argv.indexOf('--budget') + 1] : null;
if (budgetFile) {
  // The size budget is a test: the gzipped total must not grow past the figure in BENCHMARKS.md.
  const m = readFileSync(budgetFile, 'utf8').match(/size budget:\s*([\d.]+)\s*KB/i);
  if (!m) { console.log(`# fail 1\nno "Size budget: N KB" line in ${budgetFile}`); process.exit(1); }
  const budget = Number(m[1]) * 1024;
  const ok = total.gz <= budget;
  console.log(`size budget: ${(total.gz / 1024).toFixed(1)} KB gzipped (wasm + JS glue) against a budget of ${m[1]} KB: ${ok ? 'within' : 'OVER'}`);
  console.log(ok ? '# pass 1' : '# fail 1');
  process.exit(ok ? 0 : 1);
}
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ ...sum, total }));
} else {
  const kb = (n) => (n / 1024).toFixed(1) + ' KB';
  console.log(`size ${dir}: wasm ${kb(sum.wasm.raw)} (${kb(sum.wasm.gz)} gz), JS glue ${kb(sum.js.raw)} (${kb(sum.js.gz)} gz), total ${kb(total.gz)} gz`);
}
