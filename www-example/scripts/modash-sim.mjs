// A simulated Modash API on its own port, answering as Modash documents it (docs.modash.io,
// help.modash.io; the documented answers are kept as fixtures in tests/fixtures/modash/, whose
// SOURCES.md names the document of each): profile reports by userId in each platform's
// documented shape, the username lookup ("List users"), /v1/user/info with credits that go down
// as reports are bought, errors as { error: true, code, message }, and per-endpoint limits
// (reports MODASH_SIM_REPORT_RPS, default 2 a second; lookups MODASH_SIM_LOOKUP_RPS, default 10)
// answered 429 with Retry-After (MODASH_SIM_RETRY_AFTER seconds, default 1). Latencies follow
// the seed plan (lookup 500-1500 ms, report 200-500 ms) times MODASH_SIM_LATENCY (default 1). A
// share of answers (MODASH_SIM_429_RATE, default 0) is 429 besides.
// Test hooks: GET /__sim/stats (call counters and a log), POST /__sim/config, POST /__sim/reset.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { baseConfig } from '../lib/config.mjs';
import { account, goneFromModash, influencer, lookAlikes, report, rng, ROSTER_SIZE, PLATFORMS } from '../lib/roster-data.mjs';

/**
 * A report's JSON text as Modash sends it. Besides the profile it carries values that a parse
 * and a stringify would rewrite (a 20-digit number, 1e400, -0, 1.50, an escaped é): whoever
 * stores the report must store this text, not its re-serialisation.
 */
export const EXACT_FIELDS = '"exact":{"big":12345678901234567890,"huge":1e400,"negz":-0,"dec":1.50,"e":"\\u00e9"}';
export const reportText = (acc) => `{${EXACT_FIELDS},${JSON.stringify(report(acc)).slice(1)}`;

/**
 * Modash's documented error messages by code (docs.modash.io, "Error codes"); an error answer
 * is a non-200 status with `{ error: true, code, message }` (the same page). The docs do not
 * say which status goes with which code: a test picks it.
 */
export const DOC_ERRORS = {
  api_token_invalid: 'A valid API token is needed. Please visit the account developer section.',
  bad_request: 'Url query parameter undefined or has a bad format',
  handle_not_found: "No public account was found by that handle. It's possible the influencer has been removed or has a private account.",
  account_not_found: 'Requested account does not exist',
  account_removed: 'Requested account was removed',
  private_account: 'Requested account is private',
  empty_audience: 'We have no audience for this account.',
  retry_later: 'We are currently processing the data for this account. Please try again in 5-10 minutes.',
  not_enough_credits: 'You have ran out of credits. Contact support for further information.',
  internal_server_error: 'Our server is experiencing problems processing your request. We have been notified and will look into this.',
  entity_not_found: 'Requested entity does not exist',
  media_not_found: 'Media ID not found',
  // The older table's codes ("Modash.io API (Legacy)", its error table).
  invalid_body_params: 'You have sent invalid body parameters. Please verify your request using the documentation.',
  feature_not_available: 'This feature is not available for your account. Contact us for enabling the feature.',
  no_result: 'No result found for this query, try changing filters and please verify your request using the documentation.',
  page_limit: 'You have reached the maximum page limit.',
};

/** The account answer's template (tests/fixtures/modash/user-info.json). */
const USER_INFO = JSON.parse(readFileSync(new URL('../../tests/fixtures/modash/user-info.json', import.meta.url), 'utf8'));

export function createSim(options = {}) {
  const config = {
    latency: Number(options.latency ?? baseConfig().MODASH_SIM_LATENCY),
    rate429: Number(options.rate429 ?? baseConfig().MODASH_SIM_429_RATE),
    retryAfter: Number(options.retryAfter ?? baseConfig().MODASH_SIM_RETRY_AFTER),
    force429: 0, // the next N report/lookup answers are 429
    force429Kind: null, // 'report' or 'lookup': force429 applies to that kind only
    burstLimit: 0, // > 0: answer 429 when more than this many calls (of any kind) started in the last second
    // Per-endpoint limits (calls a second; 0: none): reports at the tier's ~2 (help.modash.io,
    // "API cheat sheet"), the users list at 10 (the older cheat sheet's table).
    // true: lookups count against the reports' limit (the newer cheat sheet: only topics and
    // hashtags have a higher one), in one window with them.
    sharedLimit: false,
    limits: {
      report: Number(options.reportRps ?? baseConfig().MODASH_SIM_REPORT_RPS),
      lookup: Number(options.lookupRps ?? baseConfig().MODASH_SIM_LOOKUP_RPS),
    },
    credits: Number(options.credits ?? baseConfig().MODASH_SIM_CREDITS), // the account's credits: one per report bought
    userInfoShape: 'billing', // 'billing' (figures under `billing`) or 'top': the docs do not show the answer's shape
    authStatus: 0, // 401 or 403: refuse the API key on every call (as Modash does for a bad key)
    hang: false, // true: accept calls and never answer (a hung upstream)
    // Answers to force, by `${platform}:${userId or search query}`, or by kind ('report',
    // 'lookup') for every call of it: { code, status } answers Modash's documented error body
    // for that code; { status, raw } answers `raw` as the body (text that is not JSON, say).
    errors: {},
    // Usernames the users list leaves out (a creator who joined Modash's index after the list's
    // monthly update): their reports answer, by id and by handle.
    unlisted: [],
  };
  // Every account by id, and per platform the list a search walks (most followers first).
  const byId = new Map(),
    searchable = Object.fromEntries(PLATFORMS.map((p) => [p, []]));
  for (let i = 0; i < Number(options.size ?? ROSTER_SIZE); i++) {
    for (const p of influencer(i, 0).platforms) {
      const accounts = [...(goneFromModash(i) ? [] : [account(i, p)]), ...lookAlikes(i, p)];
      for (const a of accounts) {
        byId.set(`${p}:${a.userId}`, a);
        searchable[p].push(a);
      }
    }
  }
  for (const p of PLATFORMS) searchable[p].sort((a, b) => b.followers - a.followers);
  // Reports by handle (`/v1/{platform}/profile/@{handle}/report`, as public integrations ask).
  const byHandle = new Map([...byId.values()].map((a) => [`${a.platform}:${a.username.toLowerCase()}`, a]));
  let stats, random;
  const reset = () => {
    stats = { report: 0, lookup: 0, rateLimited: 0, notFound: 0, ok: 0, log: [] };
    random = rng(42);
  };
  reset();
  const starts = [],
    startsByKind = { report: [], lookup: [] };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://sim');
    if (url.pathname === '/__sim/stats') return send(res, 200, stats);
    if (url.pathname === '/__sim/reset' && req.method === 'POST') {
      reset();
      return send(res, 200, { ok: true });
    }
    if (url.pathname === '/__sim/config' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      Object.assign(config, JSON.parse(body || '{}'));
      return send(res, 200, config);
    }
    if (url.pathname === '/v1/user/info') {
      // No credit, not rate limited (the older cheat sheet lists user-info so).
      stats.info = (stats.info ?? 0) + 1;
      if (config.authStatus) return send(res, config.authStatus, { error: true, code: 'api_token_invalid', message: DOC_ERRORS.api_token_invalid });
      const body = structuredClone(USER_INFO);
      body.billing.credits = config.credits;
      return send(res, 200, config.userInfoShape === 'top' ? { error: false, ...body.billing } : body);
    }
    const m = url.pathname.match(/^\/v1\/(instagram|tiktok|youtube)\/(?:profile\/([^/]+)\/report|users)$/);
    // (An endpoint this simulator does not serve: not a Modash answer, so its code is ours.)
    if (!m) return send(res, 404, { error: true, code: 'not_found', message: 'Unknown endpoint' });
    const [, platform, rawId] = m;
    const kind = rawId ? 'report' : 'lookup';
    const key = rawId ? decodeURIComponent(rawId) : (url.searchParams.get('query') ?? '');
    stats[kind]++;
    // `delivered`: the answer reached an open connection (a caller killed mid-call never got it).
    const entry = { kind, platform, key, at: Date.now(), status: 0, delivered: false };
    stats.log.push(entry);
    res.on('finish', () => {
      entry.delivered = !req.socket.destroyed;
    });
    const now = Date.now();
    starts.push(now);
    while (starts.length && starts[0] < now - 1000) starts.shift();
    const mine = startsByKind[kind];
    mine.push(now);
    while (mine.length && mine[0] < now - 1000) mine.shift();
    if (config.hang) {
      entry.status = -1;
      return;
    }
    if (config.authStatus) {
      entry.status = config.authStatus;
      return send(res, config.authStatus, {
        error: true,
        code: 'api_token_invalid',
        message: 'The API token is invalid or has no access (internal detail: key ****ated)',
      });
    }
    const [lo, hi] = kind === 'lookup' ? [500, 1500] : [200, 500];
    await sleep((lo + random() * (hi - lo)) * config.latency);
    const answer = config.errors[`${platform}:${key}`] ?? config.errors[kind];
    if (answer) {
      entry.status = answer.status;
      if (answer.raw !== undefined) {
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        return res.end(answer.raw);
      }
      return send(
        res,
        answer.status,
        { error: true, code: answer.code, message: DOC_ERRORS[answer.code] ?? answer.code },
        answer.retryAfter === undefined ? {} : { 'Retry-After': String(answer.retryAfter) },
      );
    }
    const forced = config.force429 > 0 && (!config.force429Kind || config.force429Kind === kind);
    const limited =
      forced ||
      (config.burstLimit > 0 && starts.length > config.burstLimit) ||
      (config.limits[kind] > 0 && mine.length > config.limits[kind]) ||
      (config.sharedLimit &&
        config.limits.report > 0 &&
        [...startsByKind.report, ...startsByKind.lookup].filter((t) => t > now - 1000).length > config.limits.report) ||
      random() < config.rate429;
    if (limited) {
      if (forced) config.force429--;
      stats.rateLimited++;
      entry.status = 429;
      // help.modash.io ("API cheat sheet: limits, filters & metrics"): a rate limit is HTTP 429.
      // The docs show no body or code for it: this body is ours, and the app decides a 429 by
      // its status and Retry-After alone (lib/server/modash-errors.ts), whatever the body says.
      return send(res, 429, { error: true, code: 'rate_limited', message: 'Too many requests' }, { 'Retry-After': String(config.retryAfter) });
    }
    if (kind === 'report') {
      const acc = key.startsWith('@') ? byHandle.get(`${platform}:${key.slice(1).toLowerCase()}`) : byId.get(`${platform}:${key}`);
      if (!acc) {
        stats.notFound++;
        entry.status = 404;
        return send(res, 404, { error: true, code: 'account_not_found', message: DOC_ERRORS.account_not_found });
      }
      // A report costs the account a credit; with none left, Modash's not_enough_credits (the
      // docs do not name its status: 403 here).
      if (config.credits < 1) {
        entry.status = 403;
        return send(res, 403, { error: true, code: 'not_enough_credits', message: DOC_ERRORS.not_enough_credits });
      }
      config.credits--;
      stats.ok++;
      entry.status = 200;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(reportText(acc));
    }
    // A search, as Modash's: every account whose username contains the query, most followers
    // first, `limit` of them (default 5, at most 50).
    const q = key.trim().replace(/^@/, '').toLowerCase();
    const limit = Math.min(50, Math.max(1, Number(url.searchParams.get('limit')) || 5));
    const users = q ? searchable[platform].filter((a) => a.username.toLowerCase().includes(q) && !config.unlisted.includes(a.username)).slice(0, limit) : [];
    if (!users.length) {
      stats.notFound++;
      entry.status = 404;
      return send(res, 404, { error: true, code: 'handle_not_found', message: DOC_ERRORS.handle_not_found });
    }
    stats.ok++;
    entry.status = 200;
    // The answer's members are the ones this app reads (userId, username) and the docs' "List
    // users" names; the docs' example was not readable from here (tests/fixtures/modash/SOURCES.md).
    // YouTube channels are listed by `handle` (public integrations read `username || handle`;
    // tests/fixtures/modash/users.youtube.json), the other platforms by `username`.
    return send(res, 200, {
      error: false,
      users: users.map((a) =>
        platform === 'youtube'
          ? { userId: a.userId, handle: a.username, followers: a.followers, isVerified: false }
          : { userId: a.userId, username: a.username, followers: a.followers, isVerified: false },
      ),
    });
  });
  // Longer than clients' idle pools, so a pooled connection is never closed under a request.
  server.keepAliveTimeout = 120000;
  return { server, config, stats: () => stats };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = baseConfig().MODASH_SIM_PORT;
  const { server, config } = createSim();
  server.listen(port, '127.0.0.1', () => {
    console.log(`[modash-sim] http://127.0.0.1:${port} (latency x${config.latency}, 429 share ${config.rate429}, platforms ${PLATFORMS.join('/')})`);
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
}
