// retryRequest in the optimised Node build, against a real local HTTP server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { retryRequest } = require('../../pkg-node/modash_flow.js');

test('a 429 with Retry-After: 1, then 200, through fetch', async () => {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    if (hits === 1) { res.writeHead(429, { 'Retry-After': '1' }); res.end(); return; }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ userId: '173560420' }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/v1/instagram/profile/173560420/report`;
  const seen = [];
  const t0 = Date.now();
  try {
    const r = await retryRequest(({ signal }) => fetch(url, { signal }), {
      signal: new AbortController().signal,
      onRetry: (i) => seen.push(`Rate limited, retrying in ${Math.ceil(i.delayMs / 1000)} s (${i.attempt}/${i.maxRetries})`),
    });
    assert.equal(r.success, true);
    assert.equal(r.retriesUsed, 1);
    assert.deepEqual(await r.data.json(), { userId: '173560420' });
    assert.ok(Date.now() - t0 >= 999);
    assert.deepEqual(seen, ['Rate limited, retrying in 1 s (1/3)']);
    assert.equal(hits, 2);
  } finally {
    server.close();
  }
});

test('bad options reject with INVALID_OPTION before any call', async () => {
  let calls = 0;
  await assert.rejects(retryRequest(() => { calls++; }, { backoffMultiplier: 0 }), (e) => e instanceof Error && e.code === 'INVALID_OPTION' && /backoffMultiplier/.test(e.message));
  assert.equal(calls, 0);
});
