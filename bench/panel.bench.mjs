// What a panel waits for when it needs Modash, through the app's route (issue 36: the panel's
// refresh became a job of the work queue; this measures it against an app built from another
// tree, the baseline). For each of `--opens` stale influencer platforms (every third row of
// the seeded roster's stale ones), POST /api/roster/:id/refresh-analytics as a panel does,
// `--lanes` at a time, against the simulated Modash at latency scale 1 (reports 200-500 ms,
// lookups 500-1500 ms) without 429s. Prints p50 / p95 / max of the answer time and Modash
// calls per open. Run both sides in one go, alternating, so the machine's noise falls on both:
//   node bench/panel.bench.mjs --app /path/to/www-example --app /other/www-example [--rounds 2]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const apps = args.flatMap((a, k) => (a === '--app' ? [args[k + 1]] : []));
const num = (name, d) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : d);
const OPENS = num('opens', 60),
  LANES = num('lanes', 2),
  ROUNDS = num('rounds', 2);
if (!apps.length) {
  console.error('usage: node bench/panel.bench.mjs --app DIR [--app DIR] [--opens 60] [--lanes 2] [--rounds 2]');
  process.exit(2);
}
const q = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
};

async function once(dir, k) {
  const { startStack, sessionCookie, staffFetch } = await import(pathToFileURL(join(dir, 'tests/helpers.mjs')).href);
  const stack = await startStack({
    name: `panel-bench-${k}`,
    appPort: 3350 + k,
    simPort: 4350 + k,
    simEnv: { MODASH_SIM_LATENCY: '1', MODASH_SIM_429_RATE: '0' },
  });
  try {
    const api = staffFetch(stack.APP, await sessionCookie(stack.APP));
    const ids = (await (await api('/api/roster/ids?state=stale')).json()).ids.filter((_, i) => i % 3 === 0);
    const rows = (await (await api(`/api/roster/rows?ids=${ids.join(',')}`)).json()).rows;
    const opens = rows
      .flatMap((r) =>
        r.platforms
          .filter((p) => !p.modashGone)
          .slice(0, 1)
          .map((p) => ({ id: r.id, platform: p.platform })),
      )
      .slice(0, OPENS);
    await stack.sim.reset();
    const ms = [];
    let failed = 0;
    const queue = [...opens];
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        for (let o = queue.shift(); o; o = queue.shift()) {
          const t0 = performance.now();
          const res = await api(`/api/roster/${o.id}/refresh-analytics`, { body: { platform: o.platform, useCase: 'roster' } });
          await res.text();
          if (res.ok) ms.push(performance.now() - t0);
          else failed++;
        }
      }),
    );
    const s = await stack.sim.stats();
    return {
      opens: opens.length,
      failed,
      p50: Math.round(q(ms, 0.5)),
      p95: Math.round(q(ms, 0.95)),
      max: Math.round(Math.max(...ms)),
      callsPerOpen: Number(((s.report + s.lookup) / opens.length).toFixed(2)),
    };
  } finally {
    stack.stop();
  }
}

const results = apps.map(() => []);
for (let r = 0; r < ROUNDS; r++) {
  for (const [k, dir] of apps.entries()) {
    const out = await once(dir, k);
    results[k].push(out);
    console.error(`[panel] round ${r + 1}, ${dir}: ${JSON.stringify(out)}`);
  }
}
for (const [k, dir] of apps.entries()) {
  const xs = results[k];
  console.log(
    `| ${dir} | ${xs.map((x) => x.p50).join(' / ')} ms | ${xs.map((x) => x.p95).join(' / ')} ms | ${xs.map((x) => x.max).join(' / ')} ms | ${xs.map((x) => x.callsPerOpen).join(' / ')} | ${xs.map((x) => x.failed).join(' / ')} |`,
  );
}
