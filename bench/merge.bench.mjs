// mergeAnalytics on notes carrying a 50 KB payload (in the entry being written and in another
// platform's entry), object and text forms, against the plain-JS baseline, interleaved in one
// run. Prints medians (µs per call) and ratios. Usage: node bench/merge.bench.mjs [rounds]
import { createRequire } from 'node:module';
import { mergeAnalyticsJs } from './baseline.mjs';
const require = createRequire(import.meta.url);
const { mergeAnalytics } = require('../pkg-node/modash_flow.js');

const payload = () => ({
  profile: { userId: '173560420', followers: 120000, engagementRate: 0.031, avgViews: 45000, fullname: 'Ana Example' },
  posts: Array.from({ length: 205 }, (_, i) => ({ id: `p${i}`, caption: 'é lorem ipsum '.repeat(12), likes: i * 31, created: '2025-01-15T10:00:00Z' })),
});
const notesObj = {
  crm: { owner: 'sam', tags: ['beauty', 'fr'] },
  modash_data: { userId: '173560420', platforms: {
    instagram: { userId: '173560420', cached_payload: payload() },
    tiktok: { userId: '6800000000000000001', cached_payload: payload() },
  } },
};
const text = JSON.stringify(notesObj);
const payloadKb = (Buffer.byteLength(JSON.stringify(payload())) / 1024).toFixed(1);
const fetched = { userId: '173560420', username: 'ana', followers: 120500, engagementRate: 0.032, avgViews: 46000 };
const opts = { now: Date.UTC(2025, 0, 15), refreshedBy: 'staff-1', cacheId: 'c-1' };

const cases = {
  'wasm, object': () => mergeAnalytics(notesObj, 'instagram', fetched, opts),
  'plain JS, object': () => mergeAnalyticsJs(notesObj, 'instagram', fetched, opts),
  'wasm, text': () => mergeAnalytics(text, 'instagram', fetched, opts),
  'plain JS, text': () => mergeAnalyticsJs(text, 'instagram', fetched, opts),
};
// Same answers first.
const a = mergeAnalytics(text, 'instagram', fetched, opts), b = mergeAnalyticsJs(text, 'instagram', fetched, opts);
if (JSON.stringify(JSON.parse(a.notes)) !== JSON.stringify(JSON.parse(b.notes))) throw new Error('wasm and baseline disagree');

const rounds = Number(process.argv[2] ?? 15);
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of Object.entries(cases)) {
    const n = 200;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    samples[name].push(Number(process.hrtime.bigint() - t0) / 1e3 / n);
  }
}
const median = (xs) => { const s = [...xs].sort((x, y) => x - y); return s[s.length >> 1]; };
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
console.log(`mergeAnalytics, notes ${(text.length / 1024).toFixed(0)} KB with two ${payloadKb} KB payloads, node ${process.version}, median of ${rounds} rounds x 200 calls`);
for (const [k, v] of Object.entries(m)) console.log(`  ${k.padEnd(18)} ${v.toFixed(1).padStart(8)} µs/call`);
console.log(`  ratio object: baseline/wasm = ${(m['plain JS, object'] / m['wasm, object']).toFixed(2)}x`);
console.log(`  ratio text:   baseline/wasm = ${(m['plain JS, text'] / m['wasm, text']).toFixed(2)}x`);
