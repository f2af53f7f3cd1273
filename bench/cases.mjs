// Benchmark cases shared by the Node and Chromium runners: the module (`mf`) and the plain-JS
// baseline (`js`) on the same inputs, interleaved, medians of rounds.
export function makeRoster(n, { payloadShare = 0, now = Date.UTC(2025, 0, 15, 10) } = {}) {
  const iso = (h) => new Date(now - h * 3600e3).toISOString();
  const payload = { profile: { followers: 1, recentPosts: Array.from({ length: 260 }, (_, k) => ({ id: `p${k}`, text: 'A caption long enough to look like one #ad #collab', likes: k * 7, created: '2025-01-01T00:00:00.000Z' })) } };
  const rows = [];
  for (let i = 0; i < n; i++) {
    const notes = { crm: { owner: 'sam' }, modash_data: { platforms: {
      instagram: { userId: String(100000000 + i), followers: 1000 + i, last_refreshed: iso(i % 30), cache_id: String(i) },
      tiktok: { userId: `68${String(i).padStart(17, '0')}`, last_refreshed: iso((i * 7) % 48) },
    } } };
    if (payloadShare && i % Math.round(1 / payloadShare) === 0) notes.modash_data.platforms.instagram.cached_payload = payload;
    rows.push({ notes, platforms: i % 3 ? ['instagram', 'tiktok'] : ['ig', 'tt', 'youtube'] });
  }
  return rows;
}

export function median(xs) { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; }

/** Times each named function `reps` times a round, `rounds` rounds, interleaved; ns per call. */
export function bench(fns, { reps = 1000, rounds = 9, now = () => performance.now() } = {}) {
  const samples = Object.fromEntries(Object.keys(fns).map((k) => [k, []]));
  // Warm up to the steady state (a hook calls these on every render): V8 optimises a function
  // after some thousands of calls, and the JS reader/builder of the module is JS too.
  // Single calls (reps >= 1000) get 10,000 warm-up calls; batches, whose calls are long, 50.
  const warm = reps >= 1000 ? 10000 : Math.min(reps, 50);
  for (const f of Object.values(fns)) for (let i = 0; i < warm; i++) f();
  for (let r = 0; r < rounds; r++) {
    for (const [k, f] of Object.entries(fns)) {
      const t0 = now();
      for (let i = 0; i < reps; i++) f();
      samples[k].push(((now() - t0) * 1e6) / reps);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

export function perCall(mf, js) {
  const NOW = Date.UTC(2025, 0, 15, 10);
  const notes = makeRoster(1)[0].notes;
  const text = JSON.stringify(notes);
  const cfg = mf.defaultTtlConfig();
  const pairs = {
    normalizePlatform: [() => mf.normalizePlatform(' TikTok '), () => js.normalizePlatform(' TikTok ')],
    'resolveUserId (object)': [() => mf.resolveUserId(notes, 'tiktok'), () => js.resolveUserId(notes, 'tiktok')],
    'resolveUserId (text)': [() => mf.resolveUserId(text, 'tiktok'), () => js.resolveUserId(text, 'tiktok')],
    parseTimestamp: [() => mf.parseTimestamp('2025-01-15T07:00:00.123Z'), () => js.parseTimestamp('2025-01-15T07:00:00.123Z')],
    cacheAgeLabel: [() => mf.cacheAgeLabel('2025-01-15T07:00:00Z', { now: NOW }), () => js.cacheAgeLabel('2025-01-15T07:00:00Z', NOW)],
    isFresh: [() => mf.isFresh('2025-01-15T07:00:00Z', 43200000, NOW), () => { const t = js.parseTimestamp('2025-01-15T07:00:00Z'); return t != null && NOW - t <= 43200000; }],
    resolveTtl: [() => mf.resolveTtl(cfg, 'roster', 'tiktok'), () => cfg.platforms.tiktok ?? cfg.roster],
    'analyticsProgress (object)': [() => mf.analyticsProgress(notes, ['instagram', 'tiktok'], { now: NOW }), () => js.analyticsProgress(notes, ['instagram', 'tiktok'], { now: NOW })],
  };
  const out = {};
  for (const [name, [w, b]] of Object.entries(pairs)) {
    const r = bench({ wasm: w, js: b }, { reps: 2000, rounds: 7 });
    out[name] = { wasmNs: Math.round(r.wasm), jsNs: Math.round(r.js), ratio: +(r.wasm / r.js).toFixed(2) };
  }
  return out;
}

/** 1,000 varied RFC 3339 timestamps: `parseTimestamps` (one call) against `Date.parse` on each. */
export function timestampBatch(mf, js) {
  const base = Date.UTC(2025, 0, 15, 10);
  const values = Array.from({ length: 1000 }, (_, i) => {
    const t = new Date(base - i * 3_600_123).toISOString();
    return i % 3 === 0 ? t : i % 3 === 1 ? t.replace('Z', '+00:00') : t.slice(0, 19) + 'Z';
  });
  // js: the seed-logic baseline (it calls Date.parse twice a value); dateParse: one
  // Date.parse a value, the reference the target names.
  const r = bench({ wasm: () => mf.parseTimestamps(values), js: () => values.map(js.parseTimestamp), dateParse: () => values.map(Date.parse) }, { reps: 20, rounds: 9 });
  const per = (ns) => Math.round(ns / values.length);
  return { values: values.length, wasmNsPerTimestamp: per(r.wasm), jsNsPerTimestamp: per(r.js), dateParseNsPerTimestamp: per(r.dateParse), speedup: +(r.js / r.wasm).toFixed(2), speedupVsDateParse: +(r.dateParse / r.wasm).toFixed(2) };
}

export function rosterBatch(mf, js) {
  const NOW = Date.UTC(2025, 0, 15, 10);
  const objects = makeRoster(2000);
  const slimText = objects.map((r) => ({ notes: JSON.stringify(r.notes), platforms: r.platforms }));
  const heavy = makeRoster(2000, { payloadShare: 0.2 });
  const heavyText = heavy.map((r) => ({ notes: JSON.stringify(r.notes), platforms: r.platforms }));
  const enc = new TextEncoder();
  const heavyBytes = heavyText.map((r) => ({ notes: enc.encode(r.notes), platforms: r.platforms }));
  const mb = heavyText.reduce((n, r) => n + r.notes.length, 0) / 1e6;
  const opts = { now: NOW };
  const base = (rows) => () => rows.map((r) => js.analyticsProgress(r.notes, r.platforms, opts));
  const cases = {
    'slim objects': [() => mf.analyticsProgressBatch(objects, opts), base(objects)],
    'slim JSON text': [() => mf.analyticsProgressBatch(slimText, opts), base(slimText)],
    'text, 20% with 50 KB payloads': [() => mf.analyticsProgressBatch(heavyText, opts), base(heavyText)],
    'bytes (Uint8Array), 20% with 50 KB payloads': [() => mf.analyticsProgressBatch(heavyBytes, opts), base(heavyText)],
  };
  const out = { notesMB: +mb.toFixed(1) };
  for (const [name, [w, b]] of Object.entries(cases)) {
    const r = bench({ wasm: w, js: b }, { reps: 1, rounds: 9 });
    out[name] = { wasmMs: +(r.wasm / 1e6).toFixed(2), jsMs: +(r.js / 1e6).toFixed(2), wasmRowsPerS: Math.round(2000 / (r.wasm / 1e9)), jsRowsPerS: Math.round(2000 / (r.js / 1e9)), speedup: +(r.js / r.wasm).toFixed(2) };
  }
  const parseOnly = bench({ parse: () => heavyText.forEach((r) => JSON.parse(r.notes)) }, { reps: 1, rounds: 9 }).parse;
  out['JSON.parse alone on the heavy text'] = { ms: +(parseOnly / 1e6).toFixed(2), MBps: Math.round(mb / (parseOnly / 1e9)) };
  out['wasm on the heavy text'] = { MBps: Math.round(mb / (out['text, 20% with 50 KB payloads'].wasmMs / 1e3)), fromBytesMBps: Math.round(mb / (out['bytes (Uint8Array), 20% with 50 KB payloads'].wasmMs / 1e3)) };
  return out;
}

// One build of the module against another (the baseline), calls interleaved: the issue-16
// single calls, then the batches (bench/vs-baseline.mjs runs it in Node and in Chromium).
export function vsBaseline(mf, base) {
  return { perCall: perCallVs(mf, base), batches: batchesVs(mf, base) };
}

function batchesVs(mf, base) {
  const NOW = Date.UTC(2025, 0, 15, 10);
  const objects = makeRoster(2000);
  const slimText = objects.map((r) => ({ notes: JSON.stringify(r.notes), platforms: r.platforms }));
  const heavyText = makeRoster(2000, { payloadShare: 0.2 }).map((r) => ({ notes: JSON.stringify(r.notes), platforms: r.platforms }));
  const enc = new TextEncoder();
  const heavyBytes = heavyText.map((r) => ({ notes: enc.encode(r.notes), platforms: r.platforms }));
  const stamps = Array.from({ length: 1000 }, (_, i) => new Date(NOW - i * 3_600_123).toISOString());
  const opts = { now: NOW };
  // Issue 37's limits: a roster page's badges (50 rows, as the page hands them: notes text) and
  // 10,000 rows' text on the server.
  const page50 = slimText.slice(0, 50);
  const rows10k = makeRoster(10000).map((r) => ({ notes: JSON.stringify(r.notes), platforms: r.platforms }));
  const cases = {
    'roster page: 50 rows, JSON text': (m) => m.analyticsProgressBatch(page50, opts),
    'server: 10,000 rows, JSON text': (m) => m.analyticsProgressBatch(rows10k, opts),
    'roster: slim objects (2,000 rows)': (m) => m.analyticsProgressBatch(objects, opts),
    'roster: slim JSON text': (m) => m.analyticsProgressBatch(slimText, opts),
    'roster: text, 20% with 50 KB payloads': (m) => m.analyticsProgressBatch(heavyText, opts),
    'roster: bytes, 20% with 50 KB payloads': (m) => m.analyticsProgressBatch(heavyBytes, opts),
    'parseTimestamps (1,000 values)': (m) => m.parseTimestamps(stamps),
  };
  const out = {};
  for (const [name, f] of Object.entries(cases)) {
    const r = bench({ now: () => f(mf), before: () => f(base) }, { reps: 3, rounds: 15 });
    out[name] = { nowMs: +(r.now / 1e6).toFixed(3), baselineMs: +(r.before / 1e6).toFixed(3), speedup: +(r.before / r.now).toFixed(2) };
  }
  return out;
}

function perCallVs(mf, base) {
  const NOW = Date.UTC(2025, 0, 15, 10);
  const notes = makeRoster(1)[0].notes;
  const text = JSON.stringify(notes);
  const texts = makeRoster(16).map((r) => JSON.stringify(r.notes));
  let k = 0;
  const cfg = mf.defaultTtlConfig();
  const calls = {
    'normalizePlatform (tiktok)': (m) => m.normalizePlatform('tiktok'),
    'normalizePlatform ( TikTok )': (m) => m.normalizePlatform(' TikTok '),
    'resolveUserId (object)': (m) => m.resolveUserId(notes, 'tiktok'),
    'resolveUserId (text)': (m) => m.resolveUserId(text, 'tiktok'),
    // A different text on every call (16 in turn): the module's copy of the last text is of
    // no use, as on a roster page rather than a re-rendering hook.
    'resolveUserId (text, a new one each call)': (m) => m.resolveUserId(texts[k++ & 15], 'tiktok'),
    parseTimestamp: (m) => m.parseTimestamp('2025-01-15T07:00:00.123Z'),
    cacheAgeLabel: (m) => m.cacheAgeLabel('2025-01-15T07:00:00Z', { now: NOW }),
    isFresh: (m) => m.isFresh('2025-01-15T07:00:00Z', 43200000, NOW),
    resolveTtl: (m) => m.resolveTtl(cfg, 'roster', 'tiktok'),
    'analyticsProgress (object)': (m) => m.analyticsProgress(notes, ['instagram', 'tiktok'], { now: NOW }),
    'analyticsProgress (text)': (m) => m.analyticsProgress(text, ['instagram', 'tiktok'], { now: NOW }),
    'notesEntry (text)': (m) => m.notesEntry(text, 'instagram'),
    'notesEntry (object)': (m) => m.notesEntry(notes, 'instagram'),
  };
  const out = {};
  for (const [name, f] of Object.entries(calls)) {
    for (let i = 0; i < 20000; i++) { f(mf); f(base); } // past the JIT's tiers
    const r = bench({ now: () => f(mf), before: () => f(base) }, { reps: 5000, rounds: 9 });
    out[name] = { nowNs: Math.round(r.now), baselineNs: Math.round(r.before), speedup: +(r.before / r.now).toFixed(2) };
  }
  return out;
}
