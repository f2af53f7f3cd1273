// Shared by the test files: the test staff account and how to sign in (a browser context, or
// a cookie for plain fetch calls). The seed uses SEED_STAFF_PASSWORD for both demo accounts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export const STAFF = { email: 'ana@agency.example', password: 'test-password-0123456789' };
export const OTHER_STAFF = { email: 'ben@agency.example', password: STAFF.password };
/** Environment for the seed and the app under test. */
export const AUTH_ENV = { SESSION_SECRET: 'test-session-secret-0123456789-abcdefghij', SEED_STAFF_PASSWORD: STAFF.password };
export const BROWSER_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

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
  return (path, { body, method = body === undefined ? 'GET' : 'POST', headers = {} } = {}) =>
    fetch(`${app}${path}`, {
      method,
      headers: { Cookie: cookie, ...(method === 'GET' ? {} : { 'Content-Type': 'application/json', Origin: app }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
}

/**
 * The app under test, the one way every test file starts it: the store (a SQLite file
 * data/<name>.db, or with `pg` (an admin URL) a fresh PostgreSQL database <name>), migrated and
 * seeded (`--reset`), the simulated Modash service, and `instances` app processes (`next start`,
 * or `next dev`) on appPort, appPort + 1, … `kill(k)` ends instance k at once (SIGKILL),
 * `restartApp(k, env)` starts it again (same build, new environment), `stop()` ends everything
 * and removes the SQLite file and its credentials.
 */
export async function startStack({
  name,
  appPort,
  simPort,
  rosterSize = null,
  simEnv = {},
  appEnv = {},
  dev = false,
  beforeStart = null,
  instances = 1,
  pg = null,
  quiet = !process.env.STACK_LOUD,
}) {
  const { execFileSync } = await import('node:child_process');
  const { rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { ROOT, start, stop, waitForHttp } = await import('../lib/procs.mjs');
  const { admin } = await import('./db.mjs');
  const { childEnv } = await import('../lib/config.mjs');
  const DB = pg ? null : join(ROOT, 'data', `${name}.db`);
  let dbUrl = null;
  if (pg) {
    await admin(pg, `DROP DATABASE IF EXISTS ${name}`);
    await admin(pg, `CREATE DATABASE ${name}`);
    const u = new URL(pg);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
  }
  const storeEnv = pg ? { DATABASE_URL: dbUrl } : { DATABASE_FILE: DB, DATABASE_URL: '' };
  const APPS = Array.from({ length: instances }, (_, k) => `http://127.0.0.1:${appPort + k}`);
  const APP = APPS[0],
    SIM = `http://127.0.0.1:${simPort}`;
  // A stack an earlier, killed run left behind would answer instead of this one: refuse to start.
  const { connect } = await import('node:net');
  const inUse = (port) =>
    new Promise((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => {
        c.destroy();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
  for (const port of [simPort, ...APPS.map((_, k) => appPort + k)]) {
    // (A stack of this run that was just stopped frees its port within moments.)
    for (let k = 0; await inUse(port); k++) {
      if (k >= 50) throw new Error(`port ${port} still answers after 10 s (a stack left by an earlier run?): stop it before starting ${name}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const size = rosterSize === null ? {} : { ROSTER_SIZE: String(rosterSize) };
  execFileSync(process.execPath, [join(ROOT, 'scripts/seed.mjs'), pg ? `--reset=${name}` : '--reset'], {
    env: childEnv({ ...AUTH_ENV, ...size, ...storeEnv }),
    stdio: 'ignore',
  });
  beforeStart?.(DB);
  const sim = start('sim', process.execPath, ['scripts/modash-sim.mjs'], { MODASH_SIM_PORT: String(simPort), ...size, ...simEnv }, { quiet });
  const startApp = (k, env = {}) =>
    start(
      `next-${k}`,
      join(ROOT, 'node_modules/.bin/next'),
      [dev ? 'dev' : 'start', '-H', '127.0.0.1', '-p', String(appPort + k)],
      // The warm refresher spends credits in the background: off unless a test turns it on.
      { ...AUTH_ENV, ...storeEnv, MODASH_API_BASE: SIM, MODASH_WARM_REFRESH: '0', ...appEnv, ...env },
      { quiet },
    );
  const apps = APPS.map((_, k) => startApp(k));
  await waitForHttp(`${SIM}/__sim/stats`);
  for (const app of APPS) await waitForHttp(`${app}/login`, dev ? 120000 : 60000);
  const exited = (p) => (p.child.exitCode !== null || p.child.signalCode !== null ? null : new Promise((r) => p.child.once('exit', r)));
  return {
    APP,
    APPS,
    SIM,
    DB,
    dbUrl,
    storeEnv,
    apps,
    sim: {
      stats: () => fetch(`${SIM}/__sim/stats`).then((r) => r.json()),
      reset: () => fetch(`${SIM}/__sim/reset`, { method: 'POST' }),
      config: (c) => fetch(`${SIM}/__sim/config`, { method: 'POST', body: JSON.stringify(c) }),
    },
    /** Ends instance k at once, as a crash or an out-of-memory kill does. */
    kill(k) {
      try {
        process.kill(-apps[k].child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    },
    /** Stops instance k and starts it again with `env` added (no new build). */
    async restartApp(k, env = {}) {
      const done = exited(apps[k]);
      stop(apps[k]);
      await done;
      apps[k] = startApp(k, env);
      await waitForHttp(`${APPS[k]}/login`, dev ? 120000 : 60000);
    },
    stop() {
      [sim, ...apps].forEach(stop);
      if (DB) for (const x of ['', '-wal', '-shm']) rmSync(DB + x, { force: true });
      rmSync(join(ROOT, 'data', `${name}-credentials.txt`), { force: true });
    },
  };
}

/** Polls `check` every 100 ms until it gives something truthy (returned); fails naming `what` after `tries`. */
export async function until(what, check, tries = 600) {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never: ${what}`);
}

const AXE_SOURCE = readFileSync(new URL('../node_modules/axe-core/axe.min.js', import.meta.url), 'utf8');

/** axe-core's serious and critical violations on the page as it is now (WCAG 2 A and AA rules). */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}
