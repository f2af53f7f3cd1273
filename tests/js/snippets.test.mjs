// The module's JS files (src/wasm/js/*.js) tested directly in Node, as the wasm imports them:
// the guarded helpers never throw, the notes reader writes the crossing's protocol (its
// numbers read from the generated block, as src/crossing.rs renders them), and the write
// path's copies keep `__proto__` as data and leave their input alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const SRC = new URL('../../src/wasm/js/', import.meta.url);
const values = await import(new URL('values.js', SRC));
const notes = await import(new URL('notes.js', SRC));
const write = await import(new URL('write.js', SRC));

// The protocol's numbers, from notes.js's generated block.
const P = Object.fromEntries(
  [...readFileSync(new URL('notes.js', SRC), 'utf8').matchAll(/^const ([A-Z_]+) = (-?\d+);$/gm)].map((m) => [m[1], Number(m[2])]),
);
const shape = (m) =>
  m.setShape(['instagram', 'tiktok', 'youtube'], 'modash_data', 'platforms', 'cached_payload',
    ['userId', 'modash_user_id', 'platform', 'last_refreshed'],
    ['userId', 'last_refreshed', 'username', 'cache_id', 'followers', 'engagementRate', 'avgViews']);
shape(notes);

const throwing = new Proxy({}, { get() { throw new Error('trap'); } });
const revoked = (() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; })();

test('the protocol block has every number the reader uses', () => {
  for (const name of ['TAG_STR', 'KIND_OBJECT', 'SHAPE_OBJECT', 'REFUSED_ROW_NOT_OBJECT', 'FIELDS_FRESHNESS', 'HEADER', 'ALL_PLATFORMS', 'TTL_PLATFORM']) {
    assert.equal(typeof P[name], 'number', name);
  }
  assert.equal(P.ALL_PLATFORMS, 2 ** P.PLATFORMS - 1);
});

test('values.js: reads that throw become answers, never throws', () => {
  assert.equal(values.describe('x'), '"x"');
  assert.equal(values.describe(10n), '10n');
  assert.equal(values.describe([1]), 'an array');
  assert.equal(values.describe(revoked), 'object', 'Array.isArray throws on it: its typeof');
  assert.equal(values.isRecord(revoked), false);
  assert.equal(values.isArray(revoked), false);
  assert.ok(values.isThrew(values.getOr(throwing, 'a')));
  assert.equal(values.getOr({ a: 1 }, 'a'), 1);
  assert.ok(values.isNotObject(values.optionOf(7, 'a')));
  assert.equal(values.optionOf(undefined, 'a'), undefined);
  assert.ok(values.isThrew(values.optionOf(throwing, 'a')));
  assert.equal(values.arrayItems(new Proxy([], { get: (_t, k) => (k === 'length' ? 2 ** 32 - 1 : undefined) }), 10), null);
  assert.equal(values.arrayItems(new Proxy([1], { get: (_t, k) => (k === 'length' ? 1 : (() => { throw new Error(); })()) }), 10), undefined);
  assert.deepEqual(values.arrayItems([1, 2], 10), [1, 2]);
  assert.equal(values.assignFrom({}, throwing), true, 'a Proxy without ownKeys traps has nothing to copy');
  assert.equal(values.assignFrom({}, new Proxy({}, { ownKeys() { throw new Error(); } })), false);
});

test('values.js: a header from Headers, anything with get, or a plain object', () => {
  assert.equal(values.header(new Headers({ 'Retry-After': '5' }), 'retry-after'), '5');
  assert.equal(values.header({ 'RETRY-AFTER': 7 }, 'retry-after'), 7);
  assert.equal(values.header({ get: () => { throw new Error(); } }, 'retry-after'), undefined);
  assert.equal(values.header(throwing, 'retry-after'), undefined);
  assert.equal(values.header(null, 'retry-after'), undefined);
  assert.equal(values.header('retry-after: 5', 'retry-after'), undefined);
});

test('values.js: settleWith calls back once, for values, thenables and a throwing constructor', async () => {
  const seen = [];
  const done = (ok, v) => seen.push([ok, v]);
  values.settleWith(1, done);
  // biome-ignore lint/suspicious/noThenProperty: a thenable is what this reads
  values.settleWith({ then: (res) => res(2) }, done);
  const p = Promise.resolve(3);
  Object.defineProperty(p, 'constructor', { get() { throw new Error('ctor'); } });
  values.settleWith(p, done);
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(seen.map(([ok, v]) => [ok, v instanceof Error ? v.message : v]).sort(), [[false, 'ctor'], [true, 1], [true, 2]]);
});

test('notes.js: one notes object is written level by level, in the protocol', () => {
  const v = { modash_data: { userId: 'L', platforms: { tiktok: { userId: 'T', last_refreshed: 'R', username: 'u', followers: 5, cached_payload: {} } } } };
  const read = (fields) => Array.from(notes.collectNotes(v, P.ALL_PLATFORMS, fields).n);
  const s = (units) => [P.TAG_STR, units];
  const legacy = [...s(1), P.TAG_MISSING, P.TAG_MISSING];
  const head = [0, 0, 0, 1, P.KIND_OBJECT];
  // Ids: the legacy ids and platform, then per platform its shape and the userId.
  assert.deepEqual(read(P.FIELDS_IDS), [...head, ...legacy, P.SHAPE_OBJECT, P.SHAPE_ABSENT, P.SHAPE_OBJECT, ...s(1), P.SHAPE_ABSENT].map((x, i) => (i === P.AT_UNITS ? 2 : x)));
  // Freshness adds last_refreshed; Write the metrics and payload flags; All the names too.
  const fresh = read(P.FIELDS_FRESHNESS), writeLevel = read(P.FIELDS_WRITE), all = read(P.FIELDS_ALL);
  assert.ok(fresh.length < writeLevel.length && writeLevel.length < all.length);
  assert.deepEqual(writeLevel.slice(-6), [P.TAG_NUMBER, 5, P.TAG_MISSING, P.TAG_MISSING, 1, P.SHAPE_ABSENT], 'followers, two absent metrics, a payload; no youtube');
  // Only the wanted platforms are read.
  const tiktokOnly = Array.from(notes.collectNotes(v, 1 << 1, P.FIELDS_IDS).n);
  assert.deepEqual(tiktokOnly, read(P.FIELDS_IDS));
  assert.equal(notes.collectNotes({ modash_data: { userId: 'L', platforms: { tiktok: { userId: 'T' } } } }, 1, P.FIELDS_IDS).n.at(-2), P.SHAPE_ABSENT);
});

test('notes.js: what is not notes, and notes whose getters throw', () => {
  const kind = (v) => notes.collectNotes(v, P.ALL_PLATFORMS, P.FIELDS_ALL).n[P.HEADER];
  assert.equal(kind(null), P.KIND_EMPTY);
  assert.equal(kind('{}'), P.KIND_TEXT);
  assert.equal(kind(new Uint8Array(2)), P.KIND_BYTES);
  assert.equal(kind([]), P.KIND_UNREADABLE);
  assert.equal(kind({}), P.KIND_NO_MODASH_DATA);
  assert.equal(kind({ modash_data: [1] }), P.KIND_MODASH_NOT_OBJECT);
  assert.equal(kind(throwing), P.KIND_UNREADABLE);
  assert.equal(kind({ modash_data: { get platforms() { throw new Error(); } } }), P.KIND_UNREADABLE);
});

test('notes.js: rows are refused with the protocol\'s codes and the row', () => {
  const head = (b) => [b.n[P.AT_REFUSAL], b.n[P.AT_ROW]];
  assert.deepEqual(head(notes.collectRows([{ notes: null, platforms: [] }, 7])), [P.REFUSED_ROW_NOT_OBJECT, 1]);
  assert.deepEqual(head(notes.collectRows([{ notes: null, platforms: 'tiktok' }])), [P.REFUSED_NOT_ARRAY, 0]);
  assert.deepEqual(head(notes.collectRows([{ notes: null, get platforms() { throw new Error(); } }])), [P.REFUSED_PLATFORMS_THREW, 0]);
  assert.deepEqual(head(notes.collectRows({ length: 2 ** 40 })), [P.REFUSED_TOO_LONG, 0]);
  const tooMany = new Proxy([], { get: (_t, k) => (k === 'length' ? P.MAX_NAMES + 1 : undefined) });
  assert.deepEqual(head(notes.collectRows([{ notes: null, platforms: tooMany }])), [P.REFUSED_PLATFORMS_TOO_LONG, 0]);
  assert.deepEqual(head(notes.collectRows(throwing)), [P.REFUSED_ROW_THREW, 0]);
  const ok = notes.collectRows([{ notes: null, platforms: ['tiktok', 7] }]);
  assert.deepEqual(Array.from(ok.n), [0, 0, 6, 1, 2, P.TAG_STR, 6, P.TAG_MISSING, P.KIND_EMPTY]);
  assert.equal(ok.s, 'tiktok');
});

test('notes.js: the single-object path writes into memory, or hands over', () => {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const v = { modash_data: { platforms: { youtube: { userId: 'Y' } } } };
  const n = notes.objectInto(v, ['youtube'], P.ALL_PLATFORMS, P.FIELDS_IDS, mem, 0, 1024, 512);
  const nums = new Float64Array(mem.buffer, 0, n);
  assert.equal(nums[P.AT_UNITS], 'youtubeY'.length, 'the list, then the id');
  assert.equal(Buffer.from(new Uint8Array(mem.buffer, 1024, 8)).toString(), 'youtubeY');
  assert.equal(notes.readId(2), 'Y');
  assert.equal(notes.objectInto({ modash_data: { userId: 'é' } }, undefined, P.ALL_PLATFORMS, P.FIELDS_IDS, mem, 0, 1024, 512), -1, 'non-ASCII: the general path');
  assert.equal(notes.objectInto('{}', undefined, P.ALL_PLATFORMS, P.FIELDS_IDS, mem, 0, 1024, 512), -1, 'text: the text path');
});

test('notes.js: an object needing more numbers than the single path holds goes to the general path, and the next small one is written to memory', async () => {
  // SINGLE_SLOTS is exactly today's most (72): a copy with 20 makes an object overflow it.
  const text = readFileSync(new URL('notes.js', SRC), 'utf8').replace(/const SINGLE_SLOTS = \d+;/, 'const SINGLE_SLOTS = 20;');
  assert.match(text, /const SINGLE_SLOTS = 20;/);
  const small = await import(`data:text/javascript,${encodeURIComponent(text)}`);
  shape(small);
  const mem = new WebAssembly.Memory({ initial: 1 });
  const entry = (id) => ({ userId: id, username: id, last_refreshed: '2025-01-01', cache_id: id, followers: 1, engagementRate: 0.1, avgViews: 2 });
  const big = { modash_data: { platforms: { instagram: entry('a'), tiktok: entry('b'), youtube: entry('c') } } };
  assert.equal(small.objectInto(big, undefined, P.ALL_PLATFORMS, P.FIELDS_ALL, mem, 0, 1024, 512), -1, 'too many numbers: handed over');
  new Float64Array(mem.buffer, 0, 20).fill(-7);
  const n = small.objectInto({ modash_data: { platforms: { youtube: { userId: 'Y' } } } }, ['youtube'], P.ALL_PLATFORMS, P.FIELDS_IDS, mem, 0, 1024, 512);
  assert.ok(n > 0 && n <= 20);
  assert.equal(new Float64Array(mem.buffer, 0, n)[P.AT_UNITS], 'youtubeY'.length, 'written to memory, not to a kept JS array');
});

test('notes.js: a timestamp column, or the general path', () => {
  const mem = new WebAssembly.Memory({ initial: 1 });
  const n = notes.timestampsInto(['2025', null, 'x'], mem, 0, 256);
  const b = new Uint8Array(mem.buffer, 0, n);
  assert.deepEqual(Array.from(b.subarray(0, 7)), [3, 0, 0, 0, 4, P.TIMESTAMP_NONE, 1]);
  assert.equal(Buffer.from(b.subarray(7)).toString(), '2025x');
  assert.equal(notes.timestampsInto([1], mem, 0, 256), -1);
  assert.equal(notes.timestampsInto(['a', 'b'], mem, 0, 0), -4, 'no room: -2 - length');
});

test('write.js: copies only the written path, keeps __proto__ as data, never mutates', () => {
  const input = JSON.parse('{"__proto__":{"x":1},"modash_data":{"platforms":{"tiktok":{"userId":"1","cached_payload":{"a":"é"}}},"keep":[1]}}');
  const before = JSON.stringify(input);
  const [out, dropped] = write.applyEdits(input, [['tiktok', [['userId', '2'], ['__proto__', 'data']], true]], false, ['modash_data', 'platforms', 'cached_payload']);
  assert.equal(JSON.stringify(input), before);
  assert.equal(out.modash_data.platforms.tiktok.userId, '2');
  assert.ok(Object.hasOwn(out.modash_data.platforms.tiktok, '__proto__'));
  assert.equal(Object.getPrototypeOf(out.modash_data.platforms.tiktok), Object.prototype);
  assert.ok(Object.hasOwn(out, '__proto__'));
  assert.equal(dropped, Buffer.byteLength('{"a":"é"}'));
  assert.equal(out.modash_data.keep, input.modash_data.keep, 'what is off the path is shared');
  assert.equal(write.jsonBytes(undefined), 0);
});
