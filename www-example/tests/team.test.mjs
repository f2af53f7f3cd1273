// The team load test (tests/team-scenario.mjs): three `next start` instances on one
// PostgreSQL store, six staff browser contexts, a simulated Modash limiting to 2 calls a second.
// Needs a PostgreSQL server (MIGRATE_TEST_PG_URL, which scripts/test.sh starts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseConfig } from '../lib/config.mjs';
import { openStore } from '../lib/store.mjs';
import { row, sql } from './db.mjs';
import { account } from '../lib/roster-data.mjs';
import { reportText } from '../scripts/modash-sim.mjs';
import { teamScenario } from './team-scenario.mjs';

const PG = baseConfig().MIGRATE_TEST_PG_URL;

test('a team on one Modash key, three instances on PostgreSQL: no 429 from our pace, no report twice, no write lost, panels fresh within 3 s under bulk load', async () => {
  assert.ok(PG, 'needs PostgreSQL: MIGRATE_TEST_PG_URL (scripts/test.sh starts one)');
  const r = await teamScenario({ instances: 3, pgUrl: PG, db: 'mf_team' });
  console.log(`# team figures (3 instances): ${JSON.stringify({ ...r, notes206: undefined })}`);
  assert.deepEqual(r.errors, []);
  assert.equal(r.rateLimited, 0, 'the service saw no 429: every instance kept one pace');
  assert.equal(r.repeatedReports, 0, 'no report for the same (platform, userId) twice');
  for (const b of r.bulk) assert.equal(b.done + b.failed, b.total);
  assert.ok(
    r.bulk.every((b) => b.done >= b.total - 2),
    JSON.stringify(r.bulk),
  );
  assert.deepEqual(r.bothStatus, [200, 200]);
  const platforms = JSON.parse(r.notes206).modash_data.platforms;
  for (const p of ['instagram', 'tiktok']) {
    assert.ok(Date.now() - Date.parse(platforms[p].last_refreshed) < 10 * 60e3, `${p} refreshed and kept: ${JSON.stringify(platforms[p])}`);
  }
  assert.equal(r.panelFailures, 0);
  assert.ok(Math.max(...r.panelWaits) < 3000, `panels under bulk load showed fresh data in ${r.panelWaits.join(', ')} ms`);
  assert.ok(r.sameTabWait !== null && r.sameTabWait < 3000, `a panel in the bulk refresh's own tab: ${r.sameTabWait} ms`);
  // On PostgreSQL too, a refresh stores Modash's body byte for byte (20-digit numbers, 1e400,
  // -0, 1.50, an escaped é): the cache row of influencer 206's Instagram report.
  const u = new URL(PG);
  u.pathname = '/mf_team';
  const s = openStore({ url: u.toString() });
  try {
    const cacheId = platforms.instagram.cache_id;
    const cached = await row(s, sql`SELECT payload FROM modash_profile_cache WHERE id = ${Number(cacheId)}`);
    assert.equal(cached.payload, reportText(account(205, 'instagram')));
  } finally {
    await s.close();
  }
});

test('the embedded default (SQLite, one next start) with six tabs: no 429 from our pace, no report twice', async () => {
  const r = await teamScenario({ instances: 1, pgUrl: null, db: 'mf-team-sqlite', basePort: 3250, simPort: 4250 });
  console.log(`# team figures (1 instance, SQLite): ${JSON.stringify({ ...r, notes206: undefined })}`);
  assert.deepEqual(r.errors, []);
  assert.equal(r.rateLimited, 0);
  assert.equal(r.repeatedReports, 0);
  assert.equal(r.panelFailures, 0);
  assert.ok(Math.max(...r.panelWaits) < 3000, `panels showed fresh data in ${r.panelWaits.join(', ')} ms`);
});
