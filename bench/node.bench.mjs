// Node: start-up, per-call cost of each export and the roster batch, against the plain-JS
// baseline (bench/seed-logic.mjs) in the same run. Usage: node bench/node.bench.mjs [--json]
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as js from './seed-logic.mjs';
import { median, perCall, rosterBatch, timestampBatch } from './cases.mjs';

const require = createRequire(import.meta.url);
const pkg = fileURLToPath(new URL('../pkg-node/modash_flow.js', import.meta.url));
const mf = require(pkg);

const startups = [];
for (let i = 0; i < 11; i++) {
  const out = execFileSync(process.execPath, ['-e', `const t0 = performance.now(); const m = require(${JSON.stringify(pkg)}); m.normalizePlatform('ig'); console.log(performance.now() - t0);`], { encoding: 'utf8' });
  startups.push(Number(out));
}
const result = { runtime: `node ${process.version}`, startupMs: +median(startups).toFixed(2), perCall: perCall(mf, js), timestampBatch: timestampBatch(mf, js), rosterBatch: rosterBatch(mf, js) };
if (process.argv.includes('--json')) console.log(JSON.stringify(result));
else console.log(JSON.stringify(result, null, 2));
