// Wasm memory (64 KB pages) over many settled requests: the retry loop and the request gate
// must give back what each wait held. Node, with the GC run between rounds:
//   node --expose-gc bench/memory.bench.mjs [pkg-node dir ...]   (default: this checkout's)
// Each round: 20,000 gate runs (one in three with a key) and 20,000 failed retryRequest calls
// (a 404, not retried). A leak shows as pages growing round after round.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const dirs = process.argv.slice(2).map((d) => resolve(d));
if (dirs.length === 0) dirs.push(fileURLToPath(new URL('../pkg-node', import.meta.url)));
const settle = () => new Promise((r) => setTimeout(r, 50));
for (const dir of dirs) {
  // The Node glue keeps its instance to itself: catch it as it is made.
  const Instance = WebAssembly.Instance;
  let instance;
  WebAssembly.Instance = function (module, imports) { instance = new Instance(module, imports); return instance; };
  const mf = require(`${dir}/modash_flow.js`);
  WebAssembly.Instance = Instance;
  const pages = () => instance.exports.memory.buffer.byteLength / 65536;
  const gate = mf.createRequestGate({ requestsPerSecond: 1e9, burst: 1e9, maxConcurrent: 1000 });
  const ok = () => Promise.resolve('x');
  const notFound = () => Promise.reject(new Error('Modash API error (404)'));
  const out = [];
  for (let round = 0; round <= 6; round++) {
    for (let i = 0; i < (round === 0 ? 1000 : 20000); i++) {
      await gate.run(i % 3 ? null : 'k', ok);
      await mf.retryRequest(notFound);
    }
    if (global.gc) { global.gc(); await settle(); global.gc(); await settle(); }
    out.push(pages());
  }
  console.log(JSON.stringify({ dir, gc: !!global.gc, pagesAfterWarmUpThenEachRound: out }));
}
