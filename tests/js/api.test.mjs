// Tests the optimised Node build (pkg-node/, after wasm-opt) through its real JS glue:
// the package loads, every export answers, errors are Error objects with codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const mf = require('../../pkg-node/modash_flow.js');
const NOW = Date.UTC(2025, 0, 15, 10);

test('exports the whole read-path API', () => {
  for (const name of ['normalizePlatform', 'legacyUserIdApplies', 'resolveUserId', 'defaultTtlConfig', 'ttlConfigFromEnv',
    'resolveTtl', 'parseTimestamp', 'cacheAge', 'isFresh', 'cacheAgeLabel', 'analyticsProgress', 'analyticsProgressBatch', 'notesEntry']) {
    assert.equal(typeof mf[name], 'function', name);
  }
});

test('resolveUserId: per platform, legacy, trap, unreadable', () => {
  const notes = { modash_data: { userId: '111', platform: 'tiktok', platforms: { instagram: { userId: 173560420 } } } };
  assert.deepEqual(mf.resolveUserId(notes, 'IG'), {
    platform: 'instagram', userId: '173560420', source: 'platform', needsMigration: false,
    rejectedLegacy: { userId: '111', legacyPlatform: 'tiktok', reason: 'platform-mismatch' }, problem: null,
  });
  assert.equal(mf.resolveUserId(JSON.stringify(notes), 'tt').source, 'legacy');
  assert.equal(mf.resolveUserId('{', 'tt').problem, 'notes-unreadable');
});

test('notesEntry: the stored fields of one platform, checked, from an object or text', () => {
  const notes = { modash_data: { platforms: { tiktok: { userId: ' 7 ', username: 'ana', cache_id: '12', followers: 1200, engagementRate: 'x', last_refreshed: '2025-01-15T10:00:00Z' } } } };
  const want = { platform: 'tiktok', userId: '7', username: 'ana', lastRefreshed: 1736935200000, cacheId: '12', followers: 1200, engagementRate: null, avgViews: null, avgLikes: null, hasPayload: false };
  assert.deepEqual(mf.notesEntry(notes, 'TikTok'), want);
  assert.deepEqual(mf.notesEntry(JSON.stringify(notes), 'tt'), want);
  assert.equal(mf.notesEntry(notes, 'ig').cacheId, null);
});

test('errors are Error objects with a stable code', () => {
  assert.throws(() => mf.normalizePlatform('myspace'), (e) => e instanceof Error && e.code === 'UNSUPPORTED_PLATFORM' && /myspace/.test(e.message));
  assert.throws(() => mf.isFresh(null, -1), (e) => e instanceof Error && e.code === 'INVALID_TTL');
  assert.throws(() => mf.analyticsProgress(null, 'ig'), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => mf.resolveTtl(mf.defaultTtlConfig(), 'hourly'), (e) => e.code === 'INVALID_USE_CASE');
  // The module keeps working after errors.
  assert.equal(mf.normalizePlatform('YT'), 'youtube');
});

test('ttlConfigFromEnv reads process.env without an argument', () => {
  process.env.MODASH_CACHE_TTL_HOURS = '2';
  try {
    const { config, warnings } = mf.ttlConfigFromEnv();
    assert.equal(config.base, 2 * 3600000);
    assert.equal(config.roster, 2 * 3600000);
    assert.deepEqual(warnings, []);
  } finally {
    delete process.env.MODASH_CACHE_TTL_HOURS;
  }
});

test('timestamps, ages and labels', () => {
  assert.equal(mf.parseTimestamp('2025-01-15 10:00:00.123456+00'), NOW + 123);
  assert.equal(mf.parseTimestamp(new Date(NOW)), NOW);
  assert.equal(mf.parseTimestamp('2025-02-30T00:00:00Z'), null);
  assert.equal(mf.cacheAge('2025-01-15T09:00:00Z', NOW), 3600000);
  assert.equal(mf.isFresh('2025-01-15T09:00:00Z', 3600000, NOW), true);
  assert.equal(mf.cacheAgeLabel('2025-01-15T07:00:00Z', { now: NOW }), '3h ago');
  assert.equal(mf.cacheAgeLabel('2025-01-14T07:00:00Z', { now: NOW, style: 'long' }), 'yesterday');
  assert.equal(mf.cacheAgeLabel('2025-01-14T07:00:00Z', { now: NOW, style: 'long', locale: 'fr' }), 'hier');
});

test('analyticsProgressBatch equals analyticsProgress per row', () => {
  const rows = [
    { notes: { modash_data: { platforms: { tiktok: { last_refreshed: '2025-01-15T09:00:00Z' } } } }, platforms: ['tiktok', 'ig'] },
    { notes: 'not json', platforms: ['youtube'] },
    { notes: null, platforms: ['facebook'] },
  ];
  const batch = mf.analyticsProgressBatch(rows, { now: NOW });
  assert.deepEqual(batch, rows.map((r) => mf.analyticsProgress(r.notes, r.platforms, { now: NOW })));
  assert.equal(batch[0].tooltip, 'Analytics synced for 1/2 platform(s) (refreshed 1h ago)');
  assert.equal(batch[1].problem, 'notes-unreadable');
  assert.equal(batch[2].platforms[0].problem, 'unsupported-platform');
});
