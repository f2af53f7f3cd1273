// The example app's main job: seed the SQLite store when it is empty, start the simulated Modash service and
// the Next.js app (production build), print the URL; Ctrl-C stops both.
// Env: PORT (3000), MODASH_SIM_PORT (4010), MODASH_SIM_LATENCY, MODASH_SIM_429_RATE (0.1),
// MODASH_API_BASE + MODASH_API_KEY (use the real Modash API instead of the simulation),
// ROSTER_SIZE (240), DATABASE_FILE (data/staff.db), NEXT_PUBLIC_MODASH_CACHE_TTL_* (TTLs),
// HOST (127.0.0.1). The store is seeded only when empty; `--reset` (SEED_RESET=1) starts over.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { credentialsFile, DEFAULT_DB } from '../lib/db.mjs';
import { ROOT, start, stop, waitForHttp } from '../lib/procs.mjs';

const port = Number(process.env.PORT ?? 3000);
const simPort = Number(process.env.MODASH_SIM_PORT ?? 4010);
const useReal = Boolean(process.env.MODASH_API_BASE && process.env.MODASH_API_KEY);

// Seeds an empty store only: a restart keeps the staff's work (`--reset` starts over).
execFileSync(process.execPath, [join(ROOT, 'scripts/seed.mjs'), ...process.argv.slice(2).filter((a) => a.startsWith('--reset'))], { stdio: 'inherit' });
if (!existsSync(join(ROOT, '.next', 'BUILD_ID')) || process.env.REBUILD !== '0') {
  console.log('[main] next build');
  execFileSync(join(ROOT, 'node_modules/.bin/next'), ['build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
}
// The session cookie's secret: SESSION_SECRET, else one made on first run and kept in the
// data folder (so sessions survive a restart), readable by this user only.
const secretFile = join(dirname(process.env.DATABASE_FILE || DEFAULT_DB), 'session-secret');
let sessionSecret = process.env.SESSION_SECRET;
if (!sessionSecret) {
  if (!existsSync(secretFile)) {
    mkdirSync(dirname(secretFile), { recursive: true });
    writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
    console.log(`[main] session secret created in ${secretFile}`);
  }
  sessionSecret = readFileSync(secretFile, 'utf8').trim();
}
const procs = [];
if (!useReal) {
  procs.push(start('modash-sim', process.execPath, ['scripts/modash-sim.mjs'], { MODASH_SIM_PORT: String(simPort), MODASH_SIM_429_RATE: process.env.MODASH_SIM_429_RATE ?? '0.1' }));
}
// Bound to 127.0.0.1 unless HOST opens it up (e.g. HOST=0.0.0.0 behind a proxy).
const host = process.env.HOST || '127.0.0.1';
procs.push(start('next', join(ROOT, 'node_modules/.bin/next'), ['start', '-H', host, '-p', String(port)],
  { SESSION_SECRET: sessionSecret, ...(useReal ? {} : { MODASH_API_BASE: `http://127.0.0.1:${simPort}` }) }));
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  procs.forEach(stop);
  // Wait (a little) for both to exit, so that a restart finds its ports free.
  await Promise.race([
    Promise.all(procs.map((p) => (p.child.exitCode !== null || p.child.signalCode !== null ? null : new Promise((r) => p.child.on('exit', r))))),
    new Promise((r) => setTimeout(r, 5000)),
  ]);
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
for (const p of procs) p.child.on('exit', (code) => { console.log(`[main] ${p.name} exited (${code}); stopping`); shutdown(); });
await waitForHttp(`http://127.0.0.1:${port}/api/roster?pageSize=1`);
const credentials = credentialsFile();
const logins = existsSync(credentials) ? readFileSync(credentials, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')) : [];
console.log(`\n[main] Sign in with one of the demo staff accounts (email, password; kept in ${credentials}):\n${logins.map((l) => `         ${l}`).join('\n') || '         (no credentials file: the accounts were made with SEED_STAFF_PASSWORD)'}`);
console.log(`[main] Staff app ready: http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}/staff/roster  (Modash: ${useReal ? process.env.MODASH_API_BASE : `simulated on http://127.0.0.1:${simPort}`}; Ctrl-C stops both)\n`);
