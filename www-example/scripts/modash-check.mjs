// `npm run modash:check`: does the configured Modash key work? Asks GET /v1/user/info once (it
// costs no credit: help.modash.io, "API cheat sheet: limits, filters & metrics") and prints
// the plan, the credits left and the limits the answer gives, or what Modash answered instead.
// Exit status 0 when the key works, 1 when it does not, 2 when Modash could not be reached.
import { pathToFileURL } from 'node:url';
import { baseConfig } from '../lib/config.mjs';
import { readUserInfo } from '../lib/modash-user-info.mjs';
import { modashGet } from '../lib/modash-http.mjs';

/** The check's outcome: { ok, exitCode, lines } (printed by the command). */
export async function checkModashKey(config = baseConfig()) {
  const base = config.MODASH_API_BASE.replace(/\/$/, '');
  let res, text;
  try {
    // The app's one transport (lib/modash-http.mjs): its timeout, the key sent one way.
    ({ res, text } = await modashGet(base, config.MODASH_API_KEY, '/v1/user/info', { timeoutMs: config.MODASH_TIMEOUT_MS }));
  } catch (e) {
    return { ok: false, exitCode: 2, lines: [`Modash could not be reached at ${base}: ${e.message}`] };
  }
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* shown below */
  }
  if (!res.ok) {
    const code = typeof body?.code === 'string' ? body.code : null;
    const why =
      code === 'api_token_invalid' ? 'the key was refused (api_token_invalid): check MODASH_API_KEY' : `Modash answered ${res.status}${code ? ` ${code}` : ''}`;
    return { ok: false, exitCode: 1, lines: [`${base}: ${why}`, ...(typeof body?.message === 'string' ? [`Modash says: ${body.message}`] : [])] };
  }
  if (typeof body !== 'object' || body === null)
    return { ok: false, exitCode: 1, lines: [`${base}: /v1/user/info answered something that is not a JSON object`] };
  const info = readUserInfo(body);
  const limits = info.rateLimits
    ? Object.entries(info.rateLimits)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')
    : 'not in the answer';
  return {
    ok: true,
    exitCode: 0,
    lines: [
      `${base}: the key works (no credit was spent)`,
      `plan: ${info.plan ?? 'not in the answer'}`,
      `credits left: ${info.credits ?? 'not in the answer'}${info.rawRequests === null ? '' : ` · RAW API requests left: ${info.rawRequests}`}`,
      `rate limits: ${limits}`,
      `this app: reports at ${config.MODASH_GATE_RPS}/s, lookups ${config.MODASH_LOOKUP_RPS > 0 ? `at ${config.MODASH_LOOKUP_RPS}/s on their own limit` : 'with the reports'}, a daily budget of ${config.MODASH_DAILY_CREDITS} credits`,
    ],
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = await checkModashKey();
  for (const l of out.lines) (out.ok ? process.stdout : process.stderr).write(`${l}\n`);
  process.exit(out.exitCode);
}
