// The work queue (issue 36) for BENCHMARKS.md: a batch of N influencer platforms (default 500),
// every listed platform of the roster's first rows, started through the API and run by the
// server's workers at the team's pace, against the simulated Modash (no 429s of its own, its
// report limit off so the gate's pace is what is measured). Prints the reports bought, repeats,
// and the wall time against reports ÷ MODASH_GATE_RPS (the pace the gate allows; lookups have
// their own). With `--rps 1000 --latency 0` Modash costs nothing and the wall time per job is
// the queue's own overhead (claim, refresh's reads and writes, settle) at MODASH_WORKERS at once.
// Usage: node bench/queue.bench.mjs [--size 500] [--pg URL] [--instances 2] [--rps 4] [--latency 0.2] [--kill-after 30]
import { openStore } from '../www-example/lib/store.mjs';
import { sessionCookie, staffFetch, startStack, until } from '../www-example/tests/helpers.mjs';
import { rows, sql } from '../www-example/tests/db.mjs';

const arg = (name, d) => (process.argv.includes(`--${name}`) ? process.argv[process.argv.indexOf(`--${name}`) + 1] : d);
const size = Number(arg('size', 500));
const pg = arg('pg', null);
const instances = Number(arg('instances', pg ? 2 : 1));
const rps = Number(arg('rps', 4));
const latency = arg('latency', '0.2');
/** Kill instance 0 (SIGKILL) this many seconds into the batch (the fault run; needs --instances 2). */
const killAfter = arg('kill-after', null);
const stack = await startStack({
  name: pg ? 'mf_queue_bench' : 'queue-bench',
  pg,
  instances,
  appPort: 3340,
  simPort: 4340,
  rosterSize: Math.ceil(size / 1.6) + 40,
  simEnv: { MODASH_SIM_LATENCY: latency, MODASH_SIM_429_RATE: '0', MODASH_SIM_REPORT_RPS: '0', MODASH_SIM_LOOKUP_RPS: '0' },
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
  let reader = api;
  if (killAfter !== null) {
    await new Promise((r) => setTimeout(r, Number(killAfter) * 1000));
    stack.kill(0);
    reader = staffFetch(stack.APPS[1], await sessionCookie(stack.APPS[1]));
  }
  const batch = await until(
    'the batch finished',
    async () => {
      const b = (await (await reader('/api/roster/batches')).json()).batches.find((x) => x.id === started.batch.id);
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
    store: `${pg ? `PostgreSQL, ${instances} instance(s)` : 'SQLite, 1 instance'}${killAfter !== null ? `, instance 0 killed at ${killAfter} s` : ''}`,
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
    // Reports pace the batch (lookups have their own limit: MODASH_LOOKUP_RPS).
    paceS: Number((reports.length / rps).toFixed(1)),
    wallOverPace: Number((wallS / (reports.length / rps)).toFixed(3)),
    msPerJob: Number(((wallS * 1000) / items.length).toFixed(1)),
    modashMsPerCall: Math.round(Number(c.modash) / Number(c.n)),
  };
  console.log(JSON.stringify(out));
} finally {
  await store.close();
  stack.stop();
}
