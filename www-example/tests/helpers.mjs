// Shared by the test files: the test staff account and how to sign in (a browser context, or
// a cookie for plain fetch calls). The seed uses SEED_STAFF_PASSWORD for both demo accounts.
import assert from 'node:assert/strict';

export const STAFF = { email: 'ana@agency.example', password: 'test-password-0123456789' };
export const OTHER_STAFF = { email: 'ben@agency.example', password: STAFF.password };
/** Environment for the seed and the app under test. */
export const AUTH_ENV = { SESSION_SECRET: 'test-session-secret-0123456789-abcdefghij', SEED_STAFF_PASSWORD: STAFF.password };
export const BROWSER_ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A browser context signed in as `who` (its pages share the session cookie). */
export async function signedInContext(browser, app, who = STAFF, options = {}) {
  const context = await browser.newContext(options);
  const r = await context.request.post(`${app}/api/auth/login`, { data: who, headers: { Origin: app } });
  assert.equal(r.status(), 200, await r.text());
  return context;
}

/** The session cookie (`name=value`) for plain fetch calls. */
export async function sessionCookie(app, who = STAFF) {
  const r = await fetch(`${app}/api/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: app }, body: JSON.stringify(who) });
  assert.equal(r.status, 200, await r.text());
  return r.headers.get('set-cookie').split(';')[0];
}

/** fetch as a signed-in page of the app would: the cookie, and for writes JSON from the app's origin. */
export function staffFetch(app, cookie) {
  return (path, { body, method = body === undefined ? 'GET' : 'POST', headers = {} } = {}) => fetch(`${app}${path}`, {
    method,
    headers: { Cookie: cookie, ...(method === 'GET' ? {} : { 'Content-Type': 'application/json', Origin: app }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/**
 * The app under test on its own ports and SQLite file: seeded (`--reset`), the simulated Modash
 * service and `next start` (or `next dev`), signed-in test accounts. `stop()` ends both and
 * removes the file and its credentials.
 */
export async function startStack({ name, appPort, simPort, rosterSize = null, simEnv = {}, appEnv = {}, dev = false, beforeStart = null }) {
  const { execFileSync } = await import('node:child_process');
  const { rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { ROOT, start, stop, waitForHttp } = await import('../lib/procs.mjs');
  const DB = join(ROOT, 'data', `${name}.db`);
  const APP = `http://127.0.0.1:${appPort}`, SIM = `http://127.0.0.1:${simPort}`;
  const size = rosterSize === null ? {} : { ROSTER_SIZE: String(rosterSize) };
  execFileSync(process.execPath, [join(ROOT, 'scripts/seed.mjs'), '--reset'], { env: { ...process.env, ...AUTH_ENV, ...size, DATABASE_FILE: DB }, stdio: 'ignore' });
  beforeStart?.(DB);
  const procs = [
    start('sim', process.execPath, ['scripts/modash-sim.mjs'], { MODASH_SIM_PORT: String(simPort), ...size, ...simEnv }, { quiet: true }),
    start('next', join(ROOT, 'node_modules/.bin/next'), [dev ? 'dev' : 'start', '-H', '127.0.0.1', '-p', String(appPort)],
      { ...AUTH_ENV, DATABASE_FILE: DB, MODASH_API_BASE: SIM, ...appEnv }, { quiet: true }),
  ];
  await waitForHttp(`${SIM}/__sim/stats`);
  await waitForHttp(`${APP}/login`, dev ? 120000 : 60000);
  return {
    APP, SIM, DB,
    sim: {
      stats: () => fetch(`${SIM}/__sim/stats`).then((r) => r.json()),
      reset: () => fetch(`${SIM}/__sim/reset`, { method: 'POST' }),
      config: (c) => fetch(`${SIM}/__sim/config`, { method: 'POST', body: JSON.stringify(c) }),
    },
    stop() {
      procs.forEach(stop);
      for (const s of ['', '-wal', '-shm']) rmSync(DB + s, { force: true });
      rmSync(DB.replace(/\.db$/, '-credentials.txt'), { force: true });
    },
  };
}
