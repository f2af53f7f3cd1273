// lib/lease.mjs on its own: a live holder keeps renewing, a lost lease or the longest hold
// stops the renewals, a release that fails is tried again until the store answers. Together
// with the team gate (gateStep's 'renew'): a dead holder's place is free after one lease, a
// live holder's never is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { keepAlive, releaseSurely } from '../lib/lease.mjs';
import { createSharedGate } from '../lib/shared-gate.mjs';

const require = createRequire(import.meta.url);
const { gateStep } = require('../../pkg-node/modash_flow.js');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (cond) => {
  while (!cond()) await sleep(5);
};

test('keepAlive renews until stopped, survives a failing renewal, stops when the lease is lost', async () => {
  let n = 0;
  const stop = keepAlive(
    async () => {
      n++;
      if (n === 2) throw new Error('store unreachable');
      return true;
    },
    { everyMs: 5, leaseMs: 15, maxMs: 60_000 },
  );
  await until(() => n >= 5);
  stop();
  const at = n;
  await sleep(30);
  assert.equal(n, at, 'no renewal after stop()');

  let lost = 0,
    m = 0;
  keepAlive(
    async () => {
      m++;
      return m < 3;
    },
    { everyMs: 5, leaseMs: 15, maxMs: 60_000, onLost: () => lost++ },
  );
  await until(() => lost === 1);
  await sleep(30);
  assert.equal(m, 3, 'no renewal after the lease was lost');
});

test('keepAlive never carries a lease past maxMs', async () => {
  let n = 0;
  // Leases of 10 ms, held at most 35 ms: renewals at about 10 and 20 ms (each to +10 ms), none
  // that would reach past 35 ms.
  keepAlive(
    async () => {
      n++;
      return true;
    },
    { everyMs: 10, leaseMs: 10, maxMs: 35 },
  );
  await sleep(120);
  assert.ok(n >= 1 && n <= 2, `renewed ${n} times within 35 ms of hold`);
});

test('releaseSurely tries a failed release again until it goes through', async () => {
  let tries = 0;
  const lines = [];
  const logger = { warn: (_o, msg) => lines.push(msg), info: (o, msg) => lines.push(`${o.lease} ${msg}`) };
  const first = await releaseSurely(
    async () => {
      tries++;
      if (tries < 3) throw new Error('ECONNREFUSED');
    },
    { everyMs: 5, logger, what: 'test lease' },
  );
  assert.equal(first, false, 'the first attempt failed');
  await until(() => tries === 3);
  await sleep(20);
  assert.equal(tries, 3, 'no attempt after it went through');
  assert.match(lines.join('\n'), /test lease released after the store came back/);
  assert.equal(await releaseSurely(async () => {}), true);
});

test('the team gate: a live holder keeps its place past the lease; a dead one loses it after one lease', async () => {
  let state = null;
  const transact = async (fn) => {
    const [s, r] = fn(state);
    state = JSON.parse(JSON.stringify(s));
    return r;
  };
  const options = { requestsPerSecond: 1000, burst: 10, maxConcurrent: 1, leaseMs: 60 };
  const gate = createSharedGate({ gateStep, transact, options });
  // The live holder's call takes 5 leases; it renews (every 3 s by default: here every 20 ms).
  let released = false;
  const live = gate.run(
    'report',
    'bulk',
    async () => {
      await sleep(300);
      released = true;
      return { value: 'live' };
    },
    { maxHoldMs: 10_000 },
  );
  // Two and a half leases later the live holder still holds its place.
  await sleep(150);
  const probe = gateStep(state, { op: 'acquire', id: 'probe', priority: 'interactive', cost: 0 }, Date.now(), options);
  assert.deepEqual([probe.admit, probe.blocked], [false, 'concurrency'], 'the live place was not taken');
  state = gateStep(probe.state, { op: 'cancel', id: 'probe' }, Date.now(), options).state;
  assert.equal(released, false);
  assert.equal((await live).value, 'live');
  // A holder that dies: admitted, never renewed nor released (its process is gone).
  const died = Date.now();
  state = gateStep(state, { op: 'acquire', id: 'dead', priority: 'bulk', cost: 0 }, died, options).state;
  assert.equal(state.inFlight.length, 1);
  const next = await gate.run('report', 'interactive', async () => ({ value: 'next' }), { maxWaitMs: 5000 });
  assert.equal(next.value, 'next');
  assert.ok(Date.now() - died >= options.leaseMs, 'admitted only once the dead lease had run out');
});
