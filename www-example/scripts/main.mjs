// The example app's main job: check the configuration, migrate and seed the store (seeded only
// when empty), start the simulated Modash service and the Next.js app (production build),
// print the URL; Ctrl-C stops both. Every variable it and the app read: lib/config.mjs (and
// .env.example). The store is seeded only when empty; `--reset` (SEED_RESET=1) starts over.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { childEnv, environment, loadConfig, VARIABLES } from '../lib/config.mjs';
import { credentialsFile } from '../lib/credentials.mjs';
import { ROOT, start, stop, waitForHttp } from '../lib/procs.mjs';

// A bad value stops here, before anything starts, naming the variable, its value and what is accepted.
let config;
try {
  config = loadConfig(environment(), { ttlConfigFromEnv: createRequire(import.meta.url)('../../pkg-node/modash_flow.js').ttlConfigFromEnv });
} catch (e) {
  console.error(`[main] ${e.message}`);
  process.exit(2);
}
const port = config.PORT;
const simPort = config.MODASH_SIM_PORT;
// The real Modash when MODASH_API_BASE names another service than the simulated one's default.
const useReal = config.MODASH_API_BASE !== VARIABLES.MODASH_API_BASE.default;

// Seeds an empty store only: a restart keeps the staff's work (`--reset` starts over).
execFileSync(process.execPath, [join(ROOT, 'scripts/seed.mjs'), ...process.argv.slice(2).filter((a) => a.startsWith('--reset'))], { stdio: 'inherit' });
if (!existsSync(join(ROOT, '.next', 'BUILD_ID')) || config.REBUILD !== '0') {
  console.log('[main] next build');
  execFileSync(join(ROOT, 'node_modules/.bin/next'), ['build'], { cwd: ROOT, stdio: 'inherit', env: childEnv({ NEXT_TELEMETRY_DISABLED: '1' }) });
}
// The session cookie's secret: SESSION_SECRET, else one made on first run and kept in the
// data folder (so sessions survive a restart), readable by this user only.
const secretFile = join(dirname(config.DATABASE_FILE), 'session-secret');
let sessionSecret = config.SESSION_SECRET;
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
  procs.push(
    start('modash-sim', process.execPath, ['scripts/modash-sim.mjs'], {
      MODASH_SIM_PORT: String(simPort),
      MODASH_SIM_429_RATE: String(config.MAIN_SIM_429_RATE),
    }),
  );
}
// Bound to 127.0.0.1 unless HOST opens it up (e.g. HOST=0.0.0.0 behind a proxy).
const host = config.HOST;
procs.push(
  start('next', join(ROOT, 'node_modules/.bin/next'), ['start', '-H', host, '-p', String(port)], {
    SESSION_SECRET: sessionSecret,
    ...(useReal ? {} : { MODASH_API_BASE: `http://127.0.0.1:${simPort}` }),
  }),
);
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
for (const p of procs)
  p.child.on('exit', (code) => {
    console.log(`[main] ${p.name} exited (${code}); stopping`);
    shutdown();
  });
await waitForHttp(`http://127.0.0.1:${port}/api/roster?pageSize=1`);
const credentials = credentialsFile();
const logins = existsSync(credentials)
  ? readFileSync(credentials, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
  : [];
console.log(
  `\n[main] Sign in with one of the demo staff accounts (email, password; kept in ${credentials}):\n${logins.map((l) => `         ${l}`).join('\n') || '         (no credentials file: the accounts were made with SEED_STAFF_PASSWORD)'}`,
);
console.log(
  `[main] Staff app ready: http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}/staff/roster  (Modash: ${useReal ? config.MODASH_API_BASE : `simulated on http://127.0.0.1:${simPort}`}; Ctrl-C stops both)\n`,
);
