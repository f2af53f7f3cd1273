// The work queue (issue 36) for BENCHMARKS.md: a batch of N influencer platforms (default 500),
// every listed platform of the roster's first rows, started through the API and run by the
// server's workers at the team's pace, against the simulated Modash (no 429s of its own, its
// report limit off so the gate's pace is what is measured). Prints the reports bought, repeats,
// and the wall time against Modash calls ÷ MODASH_GATE_RPS (the pace the gate allows).
// Usage: node bench/queue.bench.mjs [--size 500] [--pg URL] [--instances 2] [--rps 4]
import { openStore } from '../www-example/lib/store.mjs';
import { sessionCookie, staffFetch, startStack, until } from '../www-example/tests/helpers.mjs';
import { rows, sql } from '../www-example/tests/db.mjs';

const arg = (name, d) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : d);
const size = Number(arg('size', 500));
const pg = arg('pg', null);
const instances = Number(arg('instances', pg ? 2 : 1));
const rps = Number(arg('rps', 4));
const stack = await startStack({
  name: pg ? 'mf_queue_bench' : 'queue-bench',
  pg,
  instances,
  appPort: 3340,
  simPort: 4340,
  rosterSize: Math.ceil(size / 1.6) + 40,
  simEnv: { MODASH_SIM_LATENCY: '0.2', MODASH_SIM_429_RATE: '0', MODASH_SIM_REPORT_RPS: '0', MODASH_SIM_LOOKUP_RPS: '0' },
  appEnv: { MODASH_GATE_RPS: String(rps), MODASH_GATE_BURST: '1', MODASH_DAILY_CREDITS: '100000' },
});
const store = openStore(pg ? { url: stack.dbUrl } : { url: '', file: stack.DB });
try {
  const api = staffFetch(stack.APP, await sessionCookie(stack.APP));
  const all = [];
  for (let page = 1; all.length < size; page++) {
    const r = await (await api(`/api/roster?page=${page}&pageSize=200`)).json();
    if (!r.rows.length) break;
    for (const x of r.rows) for (const p of x.platforms) if (!p.modashGone) all.push({ id: x.id, platform: p.platform });
  }
  const items = all.slice(0, size);
  await stack.sim.reset();
  const t0 = Date.now();
  const started = await (await api('/api/roster/batches', { body: { items } })).json();
  const answeredMs = Date.now() - t0;
  const batch = await until(
    'the batch finished',
    async () => {
      const b = (await (await api('/api/roster/batches')).json()).batches.find((x) => x.id === started.batch.id);
      return b && !b.active ? b : null;
    },
    36_000,
  );
  const wallS = (Date.now() - t0) / 1000;
  const log = (await stack.sim.stats()).log;
  const reports = log.filter((c) => c.kind === 'report' && c.status === 200);
  const keys = new Map();
  for (const c of reports) keys.set(`${c.platform}:${c.key}`, (keys.get(`${c.platform}:${c.key}`) ?? 0) + 1);
  const repeats = [...keys.values()].reduce((n, v) => n + v - 1, 0);
  const calls = log.filter((c) => c.kind === 'report' || c.kind === 'lookup').length;
  const [c] = await rows(store, sql`SELECT COUNT(*) AS n, SUM(latency_ms) AS modash, SUM(waited_ms) AS waited FROM modash_calls`);
  const [j] = await rows(store, sql`SELECT COUNT(*) AS n FROM modash_jobs WHERE batch_id = ${started.batch.id}`);
  const out = {
    store: pg ? `PostgreSQL, ${instances} instance(s)` : 'SQLite, 1 instance',
    platforms: items.length,
    answeredMs,
    jobs: Number(j.n),
    done: batch.done,
    failed: batch.failed,
    preparing: batch.preparing,
    reportsBought: reports.length,
    modashCalls: calls,
    repeats,
    wallS: Number(wallS.toFixed(1)),
    paceS: Number((calls / rps).toFixed(1)),
    wallOverPace: Number((wallS / (calls / rps)).toFixed(2)),
    modashMsPerCall: Math.round(Number(c.modash) / Number(c.n)),
  };
  console.log(JSON.stringify(out));
} finally {
  await store.close();
  stack.stop();
}
