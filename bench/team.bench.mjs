// The team scenario (www-example/tests/team-scenario.mjs) for BENCHMARKS.md: one and three
// `next start` instances on PostgreSQL, and the embedded default (SQLite, one instance); six
// staff browser contexts each time against a simulated Modash limited to 2 calls a second.
// Usage: node bench/team.bench.mjs [--json]   (needs a PostgreSQL: eval $(bash scripts/pg.sh start))
import { teamScenario } from '../www-example/tests/team-scenario.mjs';

const pg = process.env.DATABASE_URL || process.env.MIGRATE_TEST_PG_URL;
if (!pg) { console.error('Set DATABASE_URL to a PostgreSQL server (eval $(bash scripts/pg.sh start))'); process.exit(2); }
const runs = [
  ['SQLite, 1 instance', { instances: 1, pgUrl: null, db: 'mf-team-bench', basePort: 3260, simPort: 4260 }],
  ['PostgreSQL, 1 instance', { instances: 1, pgUrl: pg, db: 'mf_team_bench1', basePort: 3261, simPort: 4261 }],
  ['PostgreSQL, 3 instances', { instances: 3, pgUrl: pg, db: 'mf_team_bench3', basePort: 3262, simPort: 4265 }],
  // The same team without the server's shared gate (single flight and server freshness stay):
  // what the pace alone is worth.
  ['PostgreSQL, 3 instances, shared gate off', { instances: 3, pgUrl: pg, db: 'mf_team_bench_off', basePort: 3266, simPort: 4266, env: { MODASH_SERVER_GATE: 'off' } }],
];
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const rows = [];
for (const [name, o] of runs.filter(([n]) => !only || n.includes(only))) {
  const r = await teamScenario(o);
  rows.push({ name, ...r, notes206: undefined });
  console.error(`[team] ${name}: ${r.calls} calls, ${r.rateLimited} 429s, ${r.repeatedReports} repeated, ${r.seconds.toFixed(1)} s`);
}
if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 2));
else {
  console.log('| setup | Modash calls (lookups + reports) | share answered 429 | reports repeated for the same (platform, userId) | refreshes per minute | panel wait under bulk load, p50 / p95 (same tab) | bulk jobs done / total | wall time |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const done = r.bulk.reduce((n, b) => n + b.done, 0), total = r.bulk.reduce((n, b) => n + b.total, 0);
    console.log(`| ${r.name} | ${r.calls} (${r.lookups} + ${r.reports}) | ${(100 * r.share429).toFixed(1)}% | ${r.repeatedReports} | ${r.refreshesPerMinute.toFixed(1)} | ${r.panelP50 ?? '-'} / ${r.panelP95 ?? '-'} ms (${r.sameTabWait ?? 'never fresh'}${r.sameTabWait === null ? '' : ' ms'})${r.panelFailures ? `, ${r.panelFailures} of 6 never fresh` : ''} | ${done} / ${total} | ${r.seconds.toFixed(0)} s |`);
  }
}
