// A simulated Modash API on its own port, answering like the real one for the roster's
// accounts: profile reports by userId, user lookup by username, errors as
// { error: true, code, message }. Latencies follow the seed plan (lookup 500-1500 ms, report
// 200-500 ms) times MODASH_SIM_LATENCY (default 1). A share of answers (MODASH_SIM_429_RATE,
// default 0) is 429 with Retry-After (MODASH_SIM_RETRY_AFTER seconds, default 1).
// Test hooks: GET /__sim/stats (call counters and a log), POST /__sim/config, POST /__sim/reset.
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { account, influencer, report, rng, ROSTER_SIZE, PLATFORMS } from '../lib/roster-data.mjs';

export function createSim(options = {}) {
  const config = {
    latency: Number(options.latency ?? process.env.MODASH_SIM_LATENCY ?? 1),
    rate429: Number(options.rate429 ?? process.env.MODASH_SIM_429_RATE ?? 0),
    retryAfter: Number(options.retryAfter ?? process.env.MODASH_SIM_RETRY_AFTER ?? 1),
    force429: 0,          // the next N report/lookup answers are 429
    force429Kind: null,   // 'report' or 'lookup': force429 applies to that kind only
    burstLimit: 0,        // > 0: answer 429 when more than this many calls started in the last second
  };
  const byId = new Map(), byName = new Map();
  for (let i = 0; i < Number(options.size ?? ROSTER_SIZE); i++) {
    for (const p of influencer(i, 0).platforms) {
      const a = account(i, p);
      byId.set(`${p}:${a.userId}`, a);
      byName.set(`${p}:${a.username.toLowerCase()}`, a);
    }
  }
  let stats, random;
  const reset = () => {
    stats = { report: 0, lookup: 0, rateLimited: 0, notFound: 0, ok: 0, log: [] };
    random = rng(42);
  };
  reset();
  const starts = [];
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://sim');
    if (url.pathname === '/__sim/stats') return send(res, 200, stats);
    if (url.pathname === '/__sim/reset' && req.method === 'POST') { reset(); return send(res, 200, { ok: true }); }
    if (url.pathname === '/__sim/config' && req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      Object.assign(config, JSON.parse(body || '{}'));
      return send(res, 200, config);
    }
    const m = url.pathname.match(/^\/v1\/(instagram|tiktok|youtube)\/(?:profile\/([^/]+)\/report|users)$/);
    if (!m) return send(res, 404, { error: true, code: 'not_found', message: 'Unknown endpoint' });
    const [, platform, rawId] = m;
    const kind = rawId ? 'report' : 'lookup';
    const key = rawId ? decodeURIComponent(rawId) : (url.searchParams.get('query') ?? '');
    stats[kind]++;
    const entry = { kind, platform, key, at: Date.now(), status: 0 };
    stats.log.push(entry);
    const now = Date.now();
    starts.push(now);
    while (starts.length && starts[0] < now - 1000) starts.shift();
    const [lo, hi] = kind === 'lookup' ? [500, 1500] : [200, 500];
    await sleep((lo + random() * (hi - lo)) * config.latency);
    const forced = config.force429 > 0 && (!config.force429Kind || config.force429Kind === kind);
    const limited = forced || (config.burstLimit > 0 && starts.length > config.burstLimit) || random() < config.rate429;
    if (limited) {
      if (forced) config.force429--;
      stats.rateLimited++;
      entry.status = 429;
      return send(res, 429, { error: true, code: 'rate_limited', message: 'Too many requests' }, { 'Retry-After': String(config.retryAfter) });
    }
    if (kind === 'report') {
      const acc = byId.get(`${platform}:${key}`);
      if (!acc) { stats.notFound++; entry.status = 404; return send(res, 404, { error: true, code: 'account_not_found', message: `No ${platform} account ${key}` }); }
      stats.ok++; entry.status = 200;
      return send(res, 200, report(acc));
    }
    const acc = byName.get(`${platform}:${key.replace(/^@/, '').toLowerCase()}`);
    if (!acc) { stats.notFound++; entry.status = 404; return send(res, 404, { error: true, code: 'handle_not_found', message: `No ${platform} user ${key}` }); }
    stats.ok++; entry.status = 200;
    return send(res, 200, { error: false, users: [{ userId: acc.userId, username: acc.username, followers: acc.followers, isVerified: false }].slice(0, Number(url.searchParams.get('limit') ?? 1)) });
  });
  // Longer than clients' idle pools, so a pooled connection is never closed under a request.
  server.keepAliveTimeout = 120000;
  return { server, config, stats: () => stats };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.MODASH_SIM_PORT ?? 4010);
  const { server, config } = createSim();
  server.listen(port, '127.0.0.1', () => {
    console.log(`[modash-sim] http://127.0.0.1:${port} (latency x${config.latency}, 429 share ${config.rate429}, platforms ${PLATFORMS.join('/')})`);
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
}
