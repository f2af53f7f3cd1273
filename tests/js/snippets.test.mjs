// The module's JS files (src/wasm/js/*.js) tested directly in Node, as the wasm imports them:
// the guarded helpers never throw, notes cross as JSON text (objects through JSON.stringify;
// what cannot be read is null, never a throw), and the write path's copies keep `__proto__` as
// data and leave their input alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';

const SRC = new URL('../../src/wasm/js/', import.meta.url);
const values = await import(new URL('values.js', SRC));
const notes = await import(new URL('notes.js', SRC));
const write = await import(new URL('write.js', SRC));

const throwing = new Proxy({}, { get() { throw new Error('trap'); } });
const revoked = (() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; })();

test('values.js: reads that throw become answers, never throws', () => {
  assert.equal(values.describe('x'), '"x"');
  assert.equal(values.describe(10n), '10n');
  assert.equal(values.describe([1]), 'an array');
  assert.equal(values.describe(revoked), 'object', 'Array.isArray throws on it: its typeof');
  assert.equal(values.isRecord(revoked), false);
  assert.equal(values.isArray(revoked), false);
  assert.ok(values.isThrew(values.getOr(throwing, 'a')));
  assert.equal(values.getOr({ a: 1 }, 'a'), 1);
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

test('notes.js: notes cross as JSON text; what cannot be read is null, never a throw', () => {
  assert.equal(notes.notesText(undefined), undefined);
  assert.equal(notes.notesText(null), undefined);
  assert.equal(notes.notesText('{"a":1}'), '{"a":1}', 'text as it is');
  const bytes = new Uint8Array([123, 125]);
  assert.equal(notes.notesText(bytes), bytes, 'bytes as they are');
  assert.equal(notes.notesText({ modash_data: { userId: 'é' } }), '{"modash_data":{"userId":"é"}}');
  const cycle = {};
  cycle.self = cycle;
  for (const bad of [throwing, revoked, cycle, { n: 1n }, { get modash_data() { throw new Error(); } }, 5, true, [], () => 1, Symbol('x')]) {
    assert.equal(notes.notesText(bad), null, String(typeof bad));
  }
});

test('notes.js: rows and platform lists as plain values, or the refusal with its row', () => {
  const refusal = (r) => r.refused;
  assert.deepEqual(notes.rowsIn([{ notes: { a: 1 }, platforms: ['tiktok', 7] }], 100, 10), { texts: ['{"a":1}'], lists: [['tiktok', null]] });
  assert.equal(refusal(notes.rowsIn([{ notes: null, platforms: [] }, 7], 100, 10)), 'rows[1] must be an object { notes, platforms }');
  assert.equal(refusal(notes.rowsIn([{ notes: null, platforms: 'tiktok' }], 100, 10)), 'rows[0].platforms must be an array, got "tiktok"');
  assert.equal(refusal(notes.rowsIn([{ notes: null, get platforms() { throw new Error(); } }], 100, 10)), 'rows[0].platforms could not be read');
  assert.equal(refusal(notes.rowsIn({ length: 2 ** 40 }, 100, 10)), 'rows must be an array of at most 100 rows');
  assert.equal(refusal(notes.rowsIn([{ notes: null, platforms: new Array(11).fill('x') }], 100, 10)), 'rows[0].platforms must be an array of at most 10 names');
  assert.equal(refusal(notes.rowsIn(throwing, 100, 10)), 'rows[0] could not be read');
  assert.deepEqual(notes.rowsIn([{ get notes() { throw new Error(); }, platforms: [] }], 100, 10).texts, [null]);
  assert.deepEqual(notes.oneIn('{}', ['youtube'], 10), { texts: ['{}'], lists: [['youtube']] });
  assert.equal(refusal(notes.oneIn(null, 'youtube', 10)), 'platforms must be an array, got "youtube"');
});

test('notes.js: a timestamp column as one JSON array of strings, numbers and null', () => {
  const d = new Date(Date.UTC(2025, 0, 15));
  assert.equal(notes.timestampsText(['2025', null, undefined, d, new Date('x'), 12.5, NaN, {}, true, revoked], 100), `["2025",null,null,${d.getTime()},null,12.5,null,null,null,null]`);
  assert.equal(notes.timestampsText({ length: 101 }, 100), undefined, 'too long');
  assert.equal(notes.timestampsText(new Proxy([1], { get: (t, k) => (k === '0' ? (() => { throw new Error(); })() : t[k]) }), 100), null, 'a read threw');
});

test('write.js: applies a plan to a copy of the written path only, keeps __proto__ as data, never mutates', () => {
  const input = JSON.parse('{"__proto__":{"x":1},"modash_data":{"cached_payload":[0],"platforms":{"tiktok":{"userId":"1","cached_payload":{"a":"é"}}},"keep":[1]}}');
  const before = JSON.stringify(input);
  const plan = { modashData: 'modash_data', platforms: 'platforms', payload: 'cached_payload', removeLegacyPayload: true, edits: [{ platform: 'tiktok', set: JSON.parse('{"userId":"2","__proto__":"data"}'), removePayload: true }] };
  const out = write.applyPlan(input, JSON.stringify(plan));
  assert.equal(JSON.stringify(input), before);
  assert.equal(out.notes.modash_data.platforms.tiktok.userId, '2');
  assert.ok(Object.hasOwn(out.notes.modash_data.platforms.tiktok, '__proto__'));
  assert.equal(Object.getPrototypeOf(out.notes.modash_data.platforms.tiktok), Object.prototype);
  assert.ok(Object.hasOwn(out.notes, '__proto__'));
  assert.equal(out.notes.modash_data.keep, input.modash_data.keep, 'what is off the path is shared');
  assert.equal(out.payloads.tiktok, input.modash_data.platforms.tiktok.cached_payload, 'the removed payload itself');
  assert.equal(out.legacyPayload, input.modash_data.cached_payload);
  assert.ok(!Object.hasOwn(out.notes.modash_data, 'cached_payload') && !Object.hasOwn(out.notes.modash_data.platforms.tiktok, 'cached_payload'));
  const untouched = write.applyPlan(input, JSON.stringify({ ...plan, removeLegacyPayload: false, edits: [] }));
  assert.notEqual(untouched.notes, input, 'a new object');
  assert.equal(untouched.notes.modash_data, input.modash_data, 'nothing to write: only the root is copied');
});
