// Starting and stopping the two servers (the simulated Modash service and Next.js), each in
// its own process group so that stopping one stops everything it started.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnv } from './config.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function start(name, cmd, args, env, { quiet = false } = {}) {
  const child = spawn(cmd, args, { cwd: ROOT, env: childEnv({ NEXT_TELEMETRY_DISABLED: '1', ...env }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const onData = (d) => {
    out += d;
    if (!quiet) process.stdout.write(`[${name}] ${d}`.replace(/\n(?=.)/g, `\n[${name}] `));
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return { child, name, output: () => out };
}

export function stop(proc) {
  try {
    process.kill(-proc.child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}

export async function waitForHttp(url, timeoutMs = 60000) {
  const t0 = Date.now();
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
