// The notes crossing (src/wasm/collect.rs imports it): a reader that walks the few properties
// of notes the core needs and hands them over as numbers and one UTF-8 buffer; the builders of
// results from numbers and strings; the one-call option readers that need the platform names.

// <protocol> Generated from src/crossing.rs (`UPDATE_PROTOCOL=1 cargo test --lib crossing`); a test checks it.
const TAG_MISSING = 0;
const TAG_NULL = 1;
const TAG_STR = 2;
const TAG_NUMBER = 3;
const TAG_BOOL = 4;
const TAG_DATE = 5;
const TAG_OTHER = 6;
const KIND_EMPTY = 0;
const KIND_OBJECT = 1;
const KIND_TEXT = 2;
const KIND_BYTES = 3;
const KIND_UNREADABLE = 4;
const KIND_NO_MODASH_DATA = 5;
const KIND_MODASH_NOT_OBJECT = 6;
const SHAPE_OBJECT = -1;
const SHAPE_ABSENT = 0;
const SHAPE_STRING = 1;
const SHAPE_NUMBER = 2;
const SHAPE_BOOLEAN = 3;
const SHAPE_ARRAY = 4;
const SHAPE_OTHER = 5;
const REFUSED_ROW_NOT_OBJECT = 1;
const REFUSED_NOT_ARRAY = 2;
const REFUSED_PLATFORMS_THREW = 3;
const REFUSED_ROW_THREW = 4;
const REFUSED_TOO_LONG = 5;
const REFUSED_PLATFORMS_TOO_LONG = 6;
const FIELDS_IDS = 0;
const FIELDS_FRESHNESS = 1;
const FIELDS_WRITE = 2;
const FIELDS_ALL = 3;
const AT_REFUSAL = 0;
const AT_ROW = 1;
const AT_UNITS = 2;
const AT_ROWS = 3;
const HEADER = 4;
const PLATFORMS = 3;
const ALL_PLATFORMS = 7;
const MAX_ROWS = 16777216;
const MAX_NAMES = 65536;
const SINGLE_SLOTS = 72;
const ID_LEGACY_USER_ID = 3;
const ID_LEGACY_MODASH_USER_ID = 4;
const TIMESTAMP_LENGTHS = 4;
const TIMESTAMP_NONE = 64;
const TTL_BASE = 0;
const TTL_ROSTER = 1;
const TTL_DISCOVERY = 2;
const TTL_BULK_REFRESH = 3;
const TTL_PLATFORM = 4;
// </protocol>

// The notes shape, handed over once by `setShape` from the core's table. Each key sits in its
// own variable, read at its own site: every property read below then always sees the same key
// and is as fast as `e.userId` (one site looping over the keys was 1.4x slower on the roster).
let NAMES = [], MD = '', PL = '', PAYLOAD = '', L0, L1, L2, L3, E0, E1, E2, E3, E4, E5, E6;
export function setShape(names, md, pl, payload, legacy, entry) {
  if (names.length !== PLATFORMS || legacy.length !== 4 || entry.length !== 7) throw new Error('modash-flow: the notes shape table changed: update the JS reader in src/wasm/js/notes.js');
  NAMES = names; MD = md; PL = pl; PAYLOAD = payload;
  [L0, L1, L2, L3] = legacy;
  [E0, E1, E2, E3, E4, E5, E6] = entry;
}
// What a value that should be an object is: SHAPE_OBJECT, SHAPE_ABSENT (null too), or what
// it is instead.
const shapeOf = (v) => {
  switch (typeof v) {
    case 'undefined': return SHAPE_ABSENT;
    case 'object': return v === null ? SHAPE_ABSENT : Array.isArray(v) ? SHAPE_ARRAY : SHAPE_OBJECT;
    case 'string': return SHAPE_STRING;
    case 'number': return SHAPE_NUMBER;
    case 'boolean': return SHAPE_BOOLEAN;
  }
  return SHAPE_OTHER;
};
const enc = new TextEncoder();
const rec = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
// Longest lists read: MAX_ROWS, MAX_NAMES (an array-like Proxy can claim 2^32 - 1 values:
// refused, not looped over).
const TOO_LONG = {};
// A Date's time (NaN when invalid), undefined for anything else; never throws (instanceof on
// a revoked Proxy does).
export function dateTime(v) {
  try { return v instanceof Date ? v.getTime() : undefined; } catch (_) { return undefined; }
}
// One writer per call (a getter may call the module again while a batch is collected).
class W {
  // rows: the header's row count; slots: a first size for the numbers (they grow on demand).
  constructor(rows, slots = 64 + Math.min(rows, 4096) * 40) { this.n = new Float64Array(slots); this.i = HEADER; this.s = []; this.t = []; this.units = 0; this.want = ALL_PLATFORMS; this.fields = FIELDS_WRITE; this.ids = null; this.n[AT_ROWS] = rows; }
  put(x) {
    if (this.i === this.n.length) { const m = new Float64Array(this.n.length * 2); m.set(this.n); this.n = m; }
    this.n[this.i++] = x;
  }
  str(v) { this.put(TAG_STR); this.put(v.length); this.s.push(v); this.units += v.length; }
  leaf(v) {
    switch (typeof v) {
      case 'undefined': this.put(TAG_MISSING); return;
      case 'string': this.str(v); return;
      case 'number': this.put(TAG_NUMBER); this.put(v); return;
      case 'boolean': this.put(TAG_BOOL); this.put(v ? 1 : 0); return;
    }
    if (v === null) { this.put(TAG_NULL); return; }
    const t = dateTime(v);
    if (t === undefined) this.put(TAG_OTHER); else { this.put(TAG_DATE); this.put(t); }
  }
  // `fields` (`Fields`, the core's one narrowing, `Needed`): each level reads what the one
  // before reads, and more. A field a call does not use is neither read nor written; the core
  // (`Decoder::object`) skips the same, by the same `Needed`.
  entry(e, p) {
    const k = shapeOf(e);
    this.put(k);
    if (k !== SHAPE_OBJECT) return;
    const id = e[E0];
    this.leaf(id);
    if (this.ids !== null) this.ids[p] = id;
    const f = this.fields;
    if (f === FIELDS_IDS) return;
    this.leaf(e[E1]);
    if (f < FIELDS_WRITE) return;
    if (f === FIELDS_ALL) { this.leaf(e[E2]); this.leaf(e[E3]); }
    this.leaf(e[E4]); this.leaf(e[E5]); this.leaf(e[E6]);
    this.put(e[PAYLOAD] === undefined ? 0 : 1);
  }
  object(v) {
    const md = v[MD];
    const k = shapeOf(md);
    if (k === SHAPE_ABSENT) { this.put(KIND_NO_MODASH_DATA); return; }
    if (k !== SHAPE_OBJECT) { this.put(KIND_MODASH_NOT_OBJECT); this.put(k); return; }
    this.put(KIND_OBJECT);
    const l0 = md[L0], l1 = md[L1];
    this.leaf(l0); this.leaf(l1); this.leaf(md[L2]);
    if (this.ids !== null) { this.ids[ID_LEGACY_USER_ID] = l0; this.ids[ID_LEGACY_MODASH_USER_ID] = l1; }
    if (this.fields >= FIELDS_FRESHNESS) this.leaf(md[L3]);
    if (this.fields >= FIELDS_WRITE) this.put(md[PAYLOAD] === undefined ? 0 : 1);
    const pl = md[PL];
    const pk = shapeOf(pl);
    this.put(pk);
    if (pk === SHAPE_OBJECT) {
      // `want`: the platforms whose entries are read (a bit each); the others read as absent.
      const want = this.want;
      if (want & 1) this.entry(pl[NAMES[0]], 0); else this.put(SHAPE_ABSENT);
      if (want & 2) this.entry(pl[NAMES[1]], 1); else this.put(SHAPE_ABSENT);
      if (want & 4) this.entry(pl[NAMES[2]], 2); else this.put(SHAPE_ABSENT);
    }
  }
  notes(v) {
    const mark = this.i, smark = this.s.length, umark = this.units;
    try {
      if (v === undefined || v === null) this.put(KIND_EMPTY);
      else if (typeof v === 'string') { this.put(KIND_TEXT); this.put(this.t.length); this.put(v.length); this.t.push(v); }
      else if (v instanceof Uint8Array) { this.put(KIND_BYTES); this.put(this.t.length); this.put(v.length); this.t.push(v); }
      else if (!rec(v)) this.put(KIND_UNREADABLE);
      else this.object(v);
    } catch (_) {
      this.i = mark; this.s.length = smark; this.units = umark; this.put(KIND_UNREADABLE);
    }
  }
  names(list) {
    const len = list.length;
    if (!count(len, MAX_NAMES)) throw TOO_LONG;
    this.put(len);
    for (let k = 0; k < len; k++) {
      const v = list[k];
      if (typeof v === 'string') this.str(v); else this.put(TAG_MISSING);
    }
  }
  done() { this.n[AT_UNITS] = this.units; return { n: this.n.subarray(0, this.i), s: this.s.join(''), t: this.t }; }
}
// A TtlConfig in one call (ttl.rs), the common case: a config whose fields are numbers or
// absent. Its values (at TTL_BASE … TTL_BULK_REFRESH, then the platforms' overrides by the
// core's names, NAMES, from TTL_PLATFORM) go to `out`, NaN where absent; false for anything else (ttl.rs
// then reads it field by field and names the bad field).
export function ttlNumbers(v, out) {
  try {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const n = (x, i) => { if (x === undefined) { out[i] = NaN; return true; } if (typeof x !== 'number' || Number.isNaN(x)) return false; out[i] = x; return true; };
    if (!(n(v.base, TTL_BASE) && n(v.roster, TTL_ROSTER) && n(v.discovery, TTL_DISCOVERY) && n(v.bulkRefresh, TTL_BULK_REFRESH))) return false;
    const p = v.platforms;
    if (p === undefined || p === null) { out.fill(NaN, TTL_PLATFORM, TTL_PLATFORM + PLATFORMS); return true; }
    if (typeof p !== 'object' || Array.isArray(p)) return false;
    for (let i = 0; i < PLATFORMS; i++) { const x = p[NAMES[i]]; if (!n(x === null ? undefined : x, TTL_PLATFORM + i)) return false; }
    return true;
  } catch (_) { return false; }
}
// analyticsProgress's options in one call when they are the usual kind (no useCase, `now`
// absent or finite): writes `now` (NaN when absent) to out[0], 1 to out[1], and returns the
// `ttl` option for ttl.rs to read; out[1] = 0 for anything else (progress.rs then reads the
// options field by field and names the problem).
export function progressOptions(o, out) {
  out[1] = 0;
  try {
    if (o === undefined || o === null) { out[0] = NaN; out[1] = 1; return undefined; }
    if (!rec(o)) return undefined;
    const { ttl, useCase, now } = o;
    if (useCase !== undefined && useCase !== null) return undefined;
    if (now === undefined || now === null) out[0] = NaN;
    else if (typeof now === 'number' && Number.isFinite(now)) out[0] = now;
    else return undefined;
    out[1] = 1;
    return ttl;
  } catch (_) { return undefined; }
}
// A length every reader accepts: a whole number from 0 to `max` (a Proxy or an array-like can
// claim 1.5, -1, NaN or 2^53; Number.isSafeInteger refuses them all in every engine).
const count = (len, max) => Number.isSafeInteger(len) && len >= 0 && len <= max;
const refused = (kind, row, bad) => { const n = new Float64Array(HEADER); n[AT_REFUSAL] = kind; n[AT_ROW] = row; return { n, s: '', t: [], bad }; };
// One notes object, the common single call: the numbers go straight into the module's scratch
// memory at `nptr` (an object never needs more than SINGLE_SLOTS of them) and the strings, when they are
// ASCII and fit in `bcap` bytes, to `bptr`. Returns how many numbers were written, or -1 when
// the general path must read it (text, bytes, long or non-ASCII strings, a getter calling
// the module again while this one reads).
// The single path's writer and views, made once (again only when memory grew or moved).
let singleBusy = false, SW = null, SB = null, SAT = -1;
// The ids this path read, as the JS values themselves (the entries' userId by platform index,
// then the legacy userId and modash_user_id): a result can hand one back without decoding the
// copy the core read (`readId`).
const IDS = new Array(ID_LEGACY_MODASH_USER_ID + 1).fill(undefined);
export function readId(k) { return IDS[k]; }
export function objectInto(v, list, want, fields, mem, nptr, bptr, bcap) {
  if (singleBusy || (typeof v !== 'object' && v !== undefined)) return -1;
  singleBusy = true;
  try {
    if (dateTime(v) !== undefined || v instanceof Uint8Array) return -1;
    if (list !== undefined && !(Array.isArray(list) && list.length <= 4)) return -1;
    // A view of a buffer that memory growth detached has length 0 (cheaper than `mem.buffer`).
    if (SW === null || SB.length === 0 || SAT !== nptr) {
      SW = new W(1, 0);
      SW.n = new Float64Array(mem.buffer, nptr, SINGLE_SLOTS);
      SB = new Uint8Array(mem.buffer);
      SAT = nptr;
    }
    const w = SW;
    // (A new array: setting an array's length costs a runtime call in V8.)
    w.i = HEADER; w.s = []; w.units = 0; w.want = want; w.fields = fields;
    w.ids = IDS; for (let k = 0; k < IDS.length; k++) IDS[k] = undefined;
    w.n[AT_REFUSAL] = 0; w.n[AT_ROW] = 0; w.n[AT_ROWS] = 1;
    if (list !== undefined) {
      w.names(list);
      // Only the listed platforms' entries are read when every name is a platform's own
      // normalised name (the core's NAMES); any other spelling reads them all.
      let m = 0;
      for (let k = 0; k < list.length && m !== ALL_PLATFORMS; k++) { const i = NAMES.indexOf(list[k]); m |= i === -1 ? ALL_PLATFORMS : 1 << i; }
      w.want = m;
    }
    const view = w.n;
    w.notes(v);
    // More numbers than the view holds: `put` grew `w.n` into a new array on the JS heap, so
    // nothing past the view reached memory; drop the writer (it must never keep that array)
    // and let the general path read it.
    if (w.n !== view || w.units > bcap || w.n.length === 0) { SW = null; return -1; }
    const b = SB;
    let j = bptr;
    for (let k = 0; k < w.s.length; k++) {
      const str = w.s[k];
      for (let c = 0; c < str.length; c++) { const x = str.charCodeAt(c); if (x > 0x7f) return -1; b[j++] = x; }
    }
    w.n[AT_UNITS] = w.units;
    return w.i;
  } catch (_) {
    SW = null;
    return -1;
  } finally {
    singleBusy = false;
  }
}
export function collectNotes(v, want, fields) {
  const w = new W(1);
  w.want = want; w.fields = fields;
  w.notes(v);
  return w.done();
}
export function collectOne(v, list) {
  const w = new W(1);
  w.fields = FIELDS_FRESHNESS;
  try {
    if (!Array.isArray(list)) return refused(REFUSED_NOT_ARRAY, 0, list);
    w.names(list);
  } catch (e) { return refused(e === TOO_LONG ? REFUSED_PLATFORMS_TOO_LONG : REFUSED_PLATFORMS_THREW, 0); }
  w.notes(v);
  return w.done();
}
export function collectRows(rows) {
  let len, w;
  try { len = rows.length; if (!count(len, MAX_ROWS)) return refused(REFUSED_TOO_LONG, 0); w = new W(len); w.fields = FIELDS_FRESHNESS; } catch (_) { return refused(REFUSED_ROW_THREW, 0); }
  for (let i = 0; i < len; i++) {
    let row, list;
    try {
      row = rows[i];
      if (!rec(row)) return refused(REFUSED_ROW_NOT_OBJECT, i, row);
    } catch (_) { return refused(REFUSED_ROW_THREW, i); }
    let v;
    try { v = row.notes; } catch (_) { v = Symbol(); }
    try { list = row.platforms; } catch (_) { return refused(REFUSED_PLATFORMS_THREW, i); }
    try {
      if (!Array.isArray(list)) return refused(REFUSED_NOT_ARRAY, i, list);
      w.names(list);
    } catch (e) { return refused(e === TOO_LONG ? REFUSED_PLATFORMS_TOO_LONG : REFUSED_PLATFORMS_THREW, i); }
    w.notes(v);
  }
  return w.done();
}
export function collectValues(list) {
  let w;
  try {
    const len = list.length;
    if (!count(len, MAX_ROWS)) return refused(REFUSED_TOO_LONG, 0);
    w = new W(0, 64 + Math.min(len, 65536) * 2);
    w.put(len);
    for (let k = 0; k < len; k++) w.leaf(list[k]);
  } catch (_) { return refused(REFUSED_ROW_THREW, 0); }
  return w.done();
}
// Node's encodeInto is simdutf: one call on a concatenation beats a byte loop there; in
// Chromium the byte loop wins (BENCHMARKS.md, timestamps). Both are tested (the wasm suites
// run in Node and in Chromium).
const SIMD_ENCODE_INTO = typeof process === 'object' && process !== null && !!process.versions && !!process.versions.node;
// A column of timestamps, the common case: strings of under TIMESTAMP_NONE (64) ASCII characters, null and
// undefined. Writes into wasm memory the count (TIMESTAMP_LENGTHS bytes, little endian), a byte per value (its
// length, or TIMESTAMP_NONE for null/undefined), then all the strings' bytes. Returns the bytes written;
// -1 for any other value, non-ASCII text or a getter that threw (the caller then takes the
// general path, which reports it); -2 - list.length when `cap` is too small (a first call
// with no room learns the length before any value is read).
export function timestampsInto(list, mem, ptr, cap) {
  try {
    const len = list.length;
    if (!count(len, MAX_ROWS)) return -1;
    if (!(len + TIMESTAMP_LENGTHS <= cap)) return -2 - len;
    const view = new Uint8Array(mem.buffer, ptr, cap);
    let j = TIMESTAMP_LENGTHS + len;
    if (SIMD_ENCODE_INTO) {
      let s = '';
      for (let k = 0; k < len; k++) {
        const v = list[k];
        if (typeof v === 'string' && v.length < TIMESTAMP_NONE) { view[TIMESTAMP_LENGTHS + k] = v.length; s += v; }
        else if (v === null || v === undefined) view[TIMESTAMP_LENGTHS + k] = TIMESTAMP_NONE;
        else return -1;
      }
      const r = enc.encodeInto(s, view.subarray(j));
      if (r.read < s.length) return -2 - len;
      if (r.written !== s.length) return -1;
      j += r.written;
    } else {
      let high = 0;
      for (let k = 0; k < len; k++) {
        const v = list[k];
        if (typeof v === 'string' && v.length < TIMESTAMP_NONE) {
          const n = v.length;
          if (j + n > cap) return -2 - len;
          view[TIMESTAMP_LENGTHS + k] = n;
          for (let i = 0; i < n; i++) { const c = v.charCodeAt(i); high |= c; view[j++] = c; }
        }
        else if (v === null || v === undefined) view[TIMESTAMP_LENGTHS + k] = TIMESTAMP_NONE;
        else return -1;
      }
      if (high > 0x7f) return -1;
    }
    view[0] = len; view[1] = len >>> 8; view[2] = len >>> 16; view[3] = len >>> 24;
    return j;
  } catch (_) { return -1; }
}
export function nums(b) { return b.n; }
export function bad(b) { return b.bad; }
// UTF-8 into wasm memory: in browsers, for short text a plain loop while it is ASCII
// (Chromium's encodeInto costs more there), encodeInto for the rest and for long text
// (in Chromium the loop wins on the joined strings, encodeInto on 50 KB notes); in Node
// encodeInto always (simdutf is faster than any loop; BENCHMARKS.md, the roster batch).
// Returns the bytes written, or -1 when the view was too small (the caller retries bigger).
function utf8Into(str, mem, ptr, cap, loop) {
  return str.length > cap ? -1 : utf8IntoView(str, new Uint8Array(mem.buffer, ptr, cap), loop);
}
function utf8IntoView(str, view, loop) {
  const len = str.length;
  if (!loop || SIMD_ENCODE_INTO) {
    const r = enc.encodeInto(str, view);
    return r.read < len ? -1 : r.written;
  }
  let i = 0;
  for (; i < len; i++) {
    const c = str.charCodeAt(i);
    if (c > 0x7f) break;
    view[i] = c;
  }
  if (i === len) return i;
  const r = enc.encodeInto(str.slice(i), view.subarray(i));
  return r.read < len - i ? -1 : i + r.written;
}
// One notes string into wasm memory (the single-text path): bytes written, or -1 when it
// does not fit in `cap`.
// Its view is made once (again when memory growth detached it: its length is then 0). The
// buffer is the module's own and only this function writes it: when the same text comes again
// (a hook reads one influencer's notes on every render) its bytes are still there, and only
// their length is returned (copying is most of the cost of a short text in Chromium).
let TV = null, LAST = null, LAST_LEN = -1;
export function stringInto(v, mem, ptr, cap) {
  if (typeof v !== 'string' || v.length > cap) return -1;
  if (TV === null || TV.length !== cap || TV.byteOffset !== ptr) { TV = new Uint8Array(mem.buffer, ptr, cap); LAST = null; }
  if (v === LAST) return LAST_LEN;
  LAST = null;
  const n = utf8IntoView(v, TV, true);
  if (n >= 0) { LAST = v; LAST_LEN = n; }
  return n;
}
// A slice of notes text by UTF-8 offsets, when the text is ASCII (then they are its offsets):
// undefined otherwise.
export function textSlice(v, off, len, bytes) {
  return typeof v === 'string' && v.length === bytes ? v.slice(off, off + len) : undefined;
}
export function stringsInto(b, mem, ptr, cap) {
  return b.s.length === 0 ? 0 : utf8Into(b.s, mem, ptr, cap, true);
}
// One view of the whole memory per batch for the byte copies (made again if memory grew).
export function textInto(b, k, mem, ptr, cap) {
  const v = b.t[k];
  if (typeof v === 'string') return utf8Into(v, mem, ptr, cap, v.length <= 4096);
  if (v.length > cap) return -1;
  let all = b.all;
  if (all === undefined || all.buffer !== mem.buffer) all = b.all = new Uint8Array(mem.buffer);
  all.set(v, ptr);
  return v.length;
}
export function buildProgress(n, s, single) {
  let i = 0, p = 0;
  const str = () => { const len = n[i++]; const v = s.slice(p, p + len); p += len; return v; };
  const orNull = (x) => (Number.isNaN(x) ? null : x);
  const count = n[i++];
  const out = new Array(count);
  for (let r = 0; r < count; r++) {
    const k = n[i++];
    const platforms = new Array(k);
    for (let j = 0; j < k; j++) {
      const code = n[i++];
      const platform = code < PLATFORMS ? NAMES[code] : str();
      const userId = n[i++] ? str() : null;
      const lastRefreshed = orNull(n[i++]), ageMs = orNull(n[i++]), fresh = n[i++] === 1;
      const ageLabel = n[i++] ? str() : null;
      platforms[j] = { platform, userId, lastRefreshed, ageMs, fresh, ageLabel, problem: code < PLATFORMS ? null : 'unsupported-platform' };
    }
    const synced = n[i++], total = n[i++], newest = n[i++], unreadable = n[i++];
    const label = str(), tooltip = str();
    out[r] = { synced, total, label, tooltip, platforms, newestRefresh: orNull(newest), problem: unreadable ? 'notes-unreadable' : null };
  }
  return single ? out[0] : out;
}
