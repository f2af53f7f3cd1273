// Per call, this build against another build of the module (the baseline) in one run, calls
// interleaved: node bench/per-call-vs.mjs <baseline pkg-node dir> [--json]
// (BENCHMARKS.md, "Per call": the baseline is the previous main built with scripts/build.sh.)
import { createRequire } from 'node:module';
import { bench, makeRoster } from './cases.mjs';

const require = createRequire(import.meta.url);
const mf = require(new URL('../pkg-node/modash_flow.js', import.meta.url).pathname);
const base = require(`${process.argv[2]}/modash_flow.js`);
const NOW = Date.UTC(2025, 0, 15, 10);
const notes = makeRoster(1)[0].notes;
const text = JSON.stringify(notes);
const cfg = mf.defaultTtlConfig();
const calls = {
  'normalizePlatform (tiktok)': (m) => m.normalizePlatform('tiktok'),
  'normalizePlatform ( TikTok )': (m) => m.normalizePlatform(' TikTok '),
  'resolveUserId (object)': (m) => m.resolveUserId(notes, 'tiktok'),
  'resolveUserId (text)': (m) => m.resolveUserId(text, 'tiktok'),
  parseTimestamp: (m) => m.parseTimestamp('2025-01-15T07:00:00.123Z'),
  cacheAgeLabel: (m) => m.cacheAgeLabel('2025-01-15T07:00:00Z', { now: NOW }),
  isFresh: (m) => m.isFresh('2025-01-15T07:00:00Z', 43200000, NOW),
  resolveTtl: (m) => m.resolveTtl(cfg, 'roster', 'tiktok'),
  'analyticsProgress (object)': (m) => m.analyticsProgress(notes, ['instagram', 'tiktok'], { now: NOW }),
};
const out = {};
for (const [name, f] of Object.entries(calls)) {
  for (let i = 0; i < 20000; i++) { f(mf); f(base); } // past the JIT's tiers
  const r = bench({ now: () => f(mf), before: () => f(base) }, { reps: 5000, rounds: 9 });
  out[name] = { nowNs: Math.round(r.now), baselineNs: Math.round(r.before), speedup: +(r.before / r.now).toFixed(2) };
}
if (process.argv.includes('--json')) console.log(JSON.stringify(out));
else for (const [k, v] of Object.entries(out)) console.log(k.padEnd(30), String(v.nowNs).padStart(6), String(v.baselineNs).padStart(6), `${v.speedup}x`);
