// Headless Debian Chromium: start-up (instantiate + init + first call, the fetch excluded),
// per-call cost and the roster batch, against the plain-JS baseline, on wasm-pack's `web`
// build of the browser module (no write path, optimised with npm's binaryen wasm-opt -Oz, like pkg/). Usage: node bench/browser.bench.mjs [--json]
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '../www-example/node_modules/playwright-core/index.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'target', 'bench-web');
execFileSync('wasm-pack', ['build', '--release', '--target', 'web', '--out-dir', OUT, '--out-name', 'modash_flow', '--no-default-features'], { cwd: ROOT, stdio: 'ignore' });
for (const f of readdirSync(OUT).filter((f) => f.endsWith('.wasm'))) {
  execFileSync(join(ROOT, 'node_modules/.bin/wasm-opt'), ['-Oz', join(OUT, f), '-o', join(OUT, f)]);
}
const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const server = http.createServer((req, res) => {
  const path = normalize(join(ROOT, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!path.startsWith(ROOT) || !existsSync(path)) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('pageerror', e));
  await page.goto(`${base}/bench/page.html`);
  const result = await page.evaluate(async () => {
    const glue = await import('/target/bench-web/modash_flow.js');
    const bytes = await (await fetch('/target/bench-web/modash_flow_bg.wasm')).arrayBuffer();
    const t0 = performance.now();
    glue.initSync({ module: bytes });
    glue.normalizePlatform('ig');
    const startupMs = performance.now() - t0;
    const js = await import('/bench/seed-logic.mjs');
    const cases = await import('/bench/cases.mjs');
    return { runtime: navigator.userAgent.match(/Chrome\/[\d.]+/)[0], startupMs: +startupMs.toFixed(2), perCall: cases.perCall(glue, js), timestampBatch: cases.timestampBatch(glue, js), rosterBatch: cases.rosterBatch(glue, js) };
  });
  console.log(process.argv.includes('--json') ? JSON.stringify(result) : JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  server.close();
}
