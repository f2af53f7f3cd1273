// This checkout's module against a baseline checkout's (say the previous main in a git
// worktree), in one run, calls interleaved: single calls (BENCHMARKS.md, "Per call"), then the
// roster batches and a timestamp column.
//   node bench/vs-baseline.mjs <baseline checkout> [--browser] [--json]
// Node: both `pkg-node/` builds (run scripts/build.sh in each checkout first). --browser: both
// browser modules (wasm-pack's `web` target without the write path, wasm-opt -Oz, like pkg/)
// built here into each checkout's target/bench-web, loaded into one headless Chromium page.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vsBaseline } from './cases.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BASE = resolve(process.argv[2] ?? '');
if (!process.argv[2] || !existsSync(BASE)) throw new Error('usage: node bench/vs-baseline.mjs <baseline checkout> [--browser] [--json]');
let out;
if (!process.argv.includes('--browser')) {
  const require = createRequire(import.meta.url);
  out = { runtime: `node ${process.version}`, ...vsBaseline(require(join(ROOT, 'pkg-node/modash_flow.js')), require(join(BASE, 'pkg-node/modash_flow.js'))) };
} else {
  for (const dir of [ROOT, BASE]) {
    const dest = join(dir, 'target', 'bench-web');
    execFileSync('wasm-pack', ['build', '--release', '--target', 'web', '--out-dir', dest, '--out-name', 'modash_flow', '--no-default-features'], { cwd: dir, stdio: 'ignore' });
    for (const f of readdirSync(dest).filter((f) => f.endsWith('.wasm'))) execFileSync(join(ROOT, 'node_modules/.bin/wasm-opt'), ['-Oz', join(dest, f), '-o', join(dest, f)]);
  }
  const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const [root, rel] = url.startsWith('/base/') ? [BASE, url.slice(5)] : [ROOT, url];
    const path = normalize(join(root, rel));
    if (!path.startsWith(root) || !existsSync(path)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { chromium } = await import('../www-example/node_modules/playwright-core/index.mjs');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/bench/page.html`);
    out = await page.evaluate(async () => {
      const load = async (prefix) => {
        const glue = await import(`${prefix}/target/bench-web/modash_flow.js`);
        glue.initSync({ module: await (await fetch(`${prefix}/target/bench-web/modash_flow_bg.wasm`)).arrayBuffer() });
        return glue;
      };
      const [mf, base] = [await load(''), await load('/base')];
      const cases = await import('/bench/cases.mjs');
      return { runtime: navigator.userAgent.match(/Chrome\/[\d.]+/)[0], ...cases.vsBaseline(mf, base) };
    });
  } finally {
    await browser.close();
    server.close();
  }
}
if (process.argv.includes('--json')) console.log(JSON.stringify(out));
else {
  console.log(out.runtime, '(this checkout, the baseline, baseline/this)');
  for (const [k, v] of Object.entries(out.perCall)) console.log(`${k.padEnd(40)} ${String(v.nowNs).padStart(8)} ns ${String(v.baselineNs).padStart(8)} ns  ${v.speedup}x`);
  for (const [k, v] of Object.entries(out.batches)) console.log(`${k.padEnd(40)} ${String(v.nowMs).padStart(8)} ms ${String(v.baselineMs).padStart(8)} ms  ${v.speedup}x`);
}
