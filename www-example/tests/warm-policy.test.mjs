// The warm roster's rule (lib/warm-policy.mjs) with an injected clock: the order, the share of
// the budget, what is skipped, what counts as due.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmAllowance, warmOldAllowance, warmPicks, warmReason } from '../lib/warm-policy.mjs';

const H = 3_600_000,
  D = 24 * H;
const NOW = Date.UTC(2026, 11, 6, 12);
const O = { now: NOW, maxAgeMs: 30 * D, ttlMs: 12 * H, openedWithinMs: 7 * D };
const row = (id, o = {}) => ({ id, hasIdentity: true, lastRefreshed: NOW - H, gone: false, pending: false, unreadable: false, openedAt: null, ...o });

test('the order: never synced, then too old (oldest first), then due of recently opened influencers (latest open first)', () => {
  const rows = [
    row(1, { lastRefreshed: NOW - 2 * D, openedAt: NOW - 3 * D }), // due
    row(2, { lastRefreshed: NOW - 40 * D }), // too old
    row(3, { lastRefreshed: null }), // never synced
    row(4, { lastRefreshed: NOW - 31 * D }), // too old, younger
    row(5, { lastRefreshed: NOW - 13 * H, openedAt: NOW - H }), // due, opened later
    row(6), // fresh
    row(7, { lastRefreshed: NOW - 2 * D }), // stale but not opened lately: not due
    row(0, { lastRefreshed: null }), // never synced, lower id
    row(8, { hasData: false }), // refreshed lately (a legacy record) but nothing to show
  ];
  assert.deepEqual(
    warmPicks(rows, O, 100).map((p) => [p.row.id, p.reason]),
    [
      [0, 'never-synced'],
      [3, 'never-synced'],
      [8, 'never-synced'],
      [2, 'too-old'],
      [4, 'too-old'],
      [5, 'due'],
      [1, 'due'],
    ],
  );
  assert.deepEqual(
    warmPicks(rows, O, 4).map((p) => p.row.id),
    [0, 3, 8, 2],
    'the limit keeps the head of the order',
  );
});

test('skipped: gone or private, in preparation, unreadable notes, nothing to ask Modash with', () => {
  for (const o of [{ gone: true }, { pending: true }, { unreadable: true }, { hasIdentity: false }]) {
    assert.equal(warmReason(row(1, { lastRefreshed: null, ...o }), O), null, JSON.stringify(o));
    assert.equal(warmReason(row(1, { lastRefreshed: NOW - 90 * D, ...o }), O), null);
  }
});

test('due: older than the TTL and opened within the window, judged on the injected clock', () => {
  const r = row(1, { lastRefreshed: NOW - 12 * H - 1, openedAt: NOW - 7 * D });
  assert.equal(warmReason(r, O), 'due');
  assert.equal(warmReason(r, { ...O, now: NOW + 1 }), null, 'the open is a millisecond too old');
  assert.equal(warmReason({ ...r, lastRefreshed: NOW - 12 * H }, O), null, 'not older than the TTL');
  assert.equal(warmReason(row(1, { lastRefreshed: NOW - 30 * D }), O), null, 'exactly the maximum age is not too old');
  assert.equal(warmReason(row(1, { lastRefreshed: NOW - 30 * D }), { ...O, now: NOW + 1 }), 'too-old');
});

test('the share of the budget is never exceeded, nor the budget itself', () => {
  assert.equal(warmAllowance({ daily: 1000, spentToday: 0, warmSpentToday: 0, share: 0.5 }), 500);
  assert.equal(warmAllowance({ daily: 1000, spentToday: 700, warmSpentToday: 200, share: 0.5 }), 300);
  assert.equal(warmAllowance({ daily: 1000, spentToday: 950, warmSpentToday: 100, share: 0.5 }), 50, 'what staff left');
  assert.equal(warmAllowance({ daily: 1000, spentToday: 600, warmSpentToday: 600, share: 0.5 }), 0, 'over its share: nothing');
  assert.equal(warmAllowance({ daily: 3, spentToday: 0, warmSpentToday: 0, share: 0.5 }), 1, 'whole credits, rounded down');
  // Spending one at a time against the allowance never passes the share.
  for (const [daily, share] of [
    [1000, 0.5],
    [7, 0.3],
    [20, 1],
    [0, 0.5],
  ]) {
    let warm = 0,
      staff = 0;
    for (let step = 0; step < 3000; step++) {
      if (step % 3 === 0 && staff + warm < daily) staff++;
      else if (warmAllowance({ daily, spentToday: staff + warm, warmSpentToday: warm, share }) > 0) warm++;
    }
    assert.ok(warm <= Math.floor(daily * share) && warm + staff <= daily, `${daily} x ${share}: ${warm} warm, ${staff} staff`);
  }
});

test('rows that are merely old get their own, smaller share of the day (issue 38)', () => {
  const rows = [
    row(1, { lastRefreshed: null }),
    row(2, { lastRefreshed: NOW - 40 * D }),
    row(3, { lastRefreshed: NOW - 35 * D }),
    row(4, { lastRefreshed: NOW - 31 * D }),
  ];
  assert.deepEqual(
    warmPicks(rows, O, 100, 1).map((p) => [p.row.id, p.reason]),
    [
      [1, 'never-synced'],
      [2, 'too-old'],
    ],
    'one too-old row, the oldest; never-synced rows are not counted against it',
  );
  assert.equal(warmPicks(rows, O, 100, 0).length, 1);
  assert.equal(warmOldAllowance({ daily: 1000, oldSpentToday: 0, share: 0.003 }), 3);
  assert.equal(warmOldAllowance({ daily: 1000, oldSpentToday: 2, share: 0.003 }), 1);
  assert.equal(warmOldAllowance({ daily: 1000, oldSpentToday: 9, share: 0.003 }), 0, 'never below zero');
});
