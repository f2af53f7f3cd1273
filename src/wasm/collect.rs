//! The typed crossing for notes: a small JS reader walks the few properties the core needs
//! (never a payload) and hands them over as one `Float64Array` plus one UTF-8 buffer; JSON
//! text and bytes are written straight into wasm memory (one copy: an ASCII loop for short
//! text, `TextEncoder.encodeInto` for long text and the rest).
//! Results come back the same way and a JS builder makes the plain objects. One wasm-to-JS
//! call per batch instead of one per property: see BENCHMARKS.md for what it changed.
//!
//! The JS reader never throws: a getter or Proxy trap that throws makes that notes value
//! unreadable (never a throw into wasm); a bad row is reported back as an error code and index.

use crate::notes::shape::{self, EntryField, LegacyField, NotObject};
use crate::notes::{read_utf8, read_utf8_needed, Leaf, Needed, NotesRead, NotesView};
use crate::platform::Platform;
use js_sys::{Array, Float64Array};
use std::cell::Cell;
use wasm_bindgen::prelude::*;

thread_local! {
    static SHAPED: Cell<bool> = const { Cell::new(false) };
    /// The single-object path's scratch: numbers, ASCII strings, and the module's memory.
    static SCRATCH: std::cell::RefCell<(Vec<f64>, String, Option<JsValue>)> = const { std::cell::RefCell::new((Vec::new(), String::new(), None)) };
    /// The single-text path's scratch.
    static TEXT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    static MEMORY: JsValue = wasm_bindgen::memory();
}

/// Numbers an object's notes can take in the JS reader (at most 64 with the header), and the
/// string bytes the single-object path takes before it hands over to the general one.
const SINGLE_SLOTS: usize = 72;
const SINGLE_BYTES: usize = 512;
/// Notes text up to this many UTF-8 bytes is read from a scratch buffer (slim notes are a few
/// hundred bytes; longer text takes the batch path, which sizes its buffer to the text).
const SINGLE_TEXT: usize = 4096;

/// Hands the JS reader the keys it reads, from the notes shape table (once per module).
fn ensure_shape() {
    if SHAPED.get() {
        return;
    }
    SHAPED.set(true);
    let keys = |list: &mut dyn Iterator<Item = &'static str>| list.map(JsValue::from_str).collect::<Array>();
    set_shape(
        keys(&mut Platform::ALL.iter().map(|p| p.as_str())),
        shape::MODASH_DATA,
        shape::PLATFORMS,
        shape::CACHED_PAYLOAD,
        keys(&mut LegacyField::ALL.iter().map(|f| f.key())),
        keys(&mut EntryField::ALL.iter().map(|f| f.key())),
    );
}

// Layout of `nums` (all f64), written by `notes()` below in JS and read by `Reader`. The keys
// the JS reader reads are handed to it once from the notes shape table (`notes::shape`, by
// `ensure_shape`), and it writes the fields in the table's order:
//   notes: kind (0 empty, 1 object, 2 text, 3 bytes, 4 unreadable, 5 object without
//          modash_data, 6 object whose modash_data is not an object + its shape code)
//     1 -> the LegacyField leaves, legacy payload flag, then the shape code of `platforms`;
//          when it is an object, per platform (instagram, tiktok, youtube) the entry's shape
//          code, and for an object the EntryField leaves, then its payload flag
//     2|3 -> index into the texts, then the text's UTF-16 length (2) or byte length (3)
//   shape code: -1 an object, 0 absent or null, else `NotObject::from_code` (1 string,
//          2 number, 3 boolean, 4 array, 5 anything else)
//   leaf: tag (0 missing, 1 null, 2 string + UTF-16 length, 3 number + value,
//          4 bool + 0|1, 5 Date + time, 6 other)
//   row (batches): the platform list (count, then per name a leaf), then the notes
// Header of a collected batch: error kind, row index, UTF-16 length of all strings, rows.
// Error kinds: 1 row not an object, 2 platforms not an array, 3 platforms unreadable, 4 a
// row (or the list) unreadable, 5 the list too long, 6 platforms too long.
/// Longest row or value list read, and longest platform list (as `MAX_ROWS`/`MAX_NAMES` in JS).
pub const MAX_ROWS: u32 = 16_777_216;
pub const MAX_NAMES: u32 = 65_536;
#[wasm_bindgen(inline_js = r#"
// The notes shape, handed over once by `setShape` from the core's table. Each key sits in its
// own variable, read at its own site: every property read below then always sees the same key
// and is as fast as `e.userId` (one site looping over the keys was 1.4x slower on the roster).
let NAMES = [], MD = '', PL = '', PAYLOAD = '', L0, L1, L2, L3, E0, E1, E2, E3, E4, E5, E6;
export function setShape(names, md, pl, payload, legacy, entry) {
  if (names.length !== 3 || legacy.length !== 4 || entry.length !== 7) throw new Error('modash-flow: the notes shape table changed: update the JS reader in collect.rs');
  NAMES = names; MD = md; PL = pl; PAYLOAD = payload;
  [L0, L1, L2, L3] = legacy;
  [E0, E1, E2, E3, E4, E5, E6] = entry;
}
// -1 an object, 0 absent or null, else what it is instead (NotObject's codes).
const shapeOf = (v) => {
  switch (typeof v) {
    case 'undefined': return 0;
    case 'object': return v === null ? 0 : Array.isArray(v) ? 4 : -1;
    case 'string': return 1;
    case 'number': return 2;
    case 'boolean': return 3;
  }
  return 5;
};
const enc = new TextEncoder();
const rec = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
// Longest lists read (an array-like Proxy can claim 2^32 - 1 values: refused, not looped over).
const MAX_ROWS = 16777216, MAX_NAMES = 65536;
const TOO_LONG = {};
// A Date's time (NaN when invalid), undefined for anything else; never throws (instanceof on
// a revoked Proxy does).
export function dateTime(v) {
  try { return v instanceof Date ? v.getTime() : undefined; } catch (_) { return undefined; }
}
// One writer per call (a getter may call the module again while a batch is collected).
class W {
  // rows: the header's row count; slots: a first size for the numbers (they grow on demand).
  constructor(rows, slots = 64 + Math.min(rows, 4096) * 40) { this.n = new Float64Array(slots); this.i = 4; this.s = []; this.t = []; this.units = 0; this.want = 7; this.fields = 1; this.ids = null; this.n[3] = rows; }
  put(x) {
    if (this.i === this.n.length) { const m = new Float64Array(this.n.length * 2); m.set(this.n); this.n = m; }
    this.n[this.i++] = x;
  }
  str(v) { this.put(2); this.put(v.length); this.s.push(v); this.units += v.length; }
  leaf(v) {
    switch (typeof v) {
      case 'undefined': this.put(0); return;
      case 'string': this.str(v); return;
      case 'number': this.put(3); this.put(v); return;
      case 'boolean': this.put(4); this.put(v ? 1 : 0); return;
    }
    if (v === null) { this.put(1); return; }
    const t = dateTime(v);
    if (t === undefined) this.put(6); else { this.put(5); this.put(t); }
  }
  entry(e, p) {
    const k = shapeOf(e);
    this.put(k);
    if (k !== -1) return;
    const id = e[E0];
    this.leaf(id);
    if (this.ids !== null) this.ids[p] = id;
    // `fields` (`Fields` in Rust): 0 the userId only (`resolveUserId`), 1 what the write path
    // uses, 2 every field (`notesEntry`), 3 what badges use (the ids and last_refreshed). A
    // field a call does not use is neither read nor written (`Reader::notes` skips the same).
    const f = this.fields;
    if (f === 0) return;
    this.leaf(e[E1]);
    if (f === 3) return;
    if (f === 2) { this.leaf(e[E2]); this.leaf(e[E3]); } else { this.put(0); this.put(0); }
    this.leaf(e[E4]); this.leaf(e[E5]); this.leaf(e[E6]);
    this.put(e[PAYLOAD] === undefined ? 0 : 1);
  }
  object(v) {
    const md = v[MD];
    const k = shapeOf(md);
    if (k === 0) { this.put(5); return; }
    if (k !== -1) { this.put(6); this.put(k); return; }
    this.put(1);
    const l0 = md[L0], l1 = md[L1];
    this.leaf(l0); this.leaf(l1); this.leaf(md[L2]);
    if (this.ids !== null) { this.ids[3] = l0; this.ids[4] = l1; }
    if (this.fields !== 0) this.leaf(md[L3]);
    if (this.fields === 1 || this.fields === 2) this.put(md[PAYLOAD] === undefined ? 0 : 1);
    const pl = md[PL];
    const pk = shapeOf(pl);
    this.put(pk);
    if (pk === -1) {
      // `want`: the platforms whose entries are read (a bit each); the others read as absent.
      const want = this.want;
      if (want & 1) this.entry(pl[NAMES[0]], 0); else this.put(0);
      if (want & 2) this.entry(pl[NAMES[1]], 1); else this.put(0);
      if (want & 4) this.entry(pl[NAMES[2]], 2); else this.put(0);
    }
  }
  notes(v) {
    const mark = this.i, smark = this.s.length, umark = this.units;
    try {
      if (v === undefined || v === null) this.put(0);
      else if (typeof v === 'string') { this.put(2); this.put(this.t.length); this.put(v.length); this.t.push(v); }
      else if (v instanceof Uint8Array) { this.put(3); this.put(this.t.length); this.put(v.length); this.t.push(v); }
      else if (!rec(v)) this.put(4);
      else this.object(v);
    } catch (_) {
      this.i = mark; this.s.length = smark; this.units = umark; this.put(4);
    }
  }
  names(list) {
    const len = list.length;
    if (!count(len, MAX_NAMES)) throw TOO_LONG;
    this.put(len);
    for (let k = 0; k < len; k++) {
      const v = list[k];
      if (typeof v === 'string') this.str(v); else this.put(0);
    }
  }
  done() { this.n[2] = this.units; return { n: this.n.subarray(0, this.i), s: this.s.join(''), t: this.t }; }
}
// A TtlConfig in one call (ttl.rs), the common case: a config whose fields are numbers or
// absent. Its 7 values (base, roster, discovery, bulkRefresh, then the platforms' overrides
// by the core's names, NAMES) go to `out`, NaN where absent; false for anything else (ttl.rs
// then reads it field by field and names the bad field).
export function ttlNumbers(v, out) {
  try {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
    const n = (x, i) => { if (x === undefined) { out[i] = NaN; return true; } if (typeof x !== 'number' || x !== x) return false; out[i] = x; return true; };
    if (!(n(v.base, 0) && n(v.roster, 1) && n(v.discovery, 2) && n(v.bulkRefresh, 3))) return false;
    const p = v.platforms;
    if (p === undefined || p === null) { out[4] = out[5] = out[6] = NaN; return true; }
    if (typeof p !== 'object' || Array.isArray(p)) return false;
    for (let i = 0; i < 3; i++) { const x = p[NAMES[i]]; if (!n(x === null ? undefined : x, 4 + i)) return false; }
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
const refused = (kind, row, bad) => ({ n: new Float64Array([kind, row, 0, 0]), s: '', t: [], bad });
// One notes object, the common single call: the numbers go straight into the module's scratch
// memory at `nptr` (an object never needs more than 72 of them) and the strings, when they are
// ASCII and fit in `bcap` bytes, to `bptr`. Returns how many numbers were written, or -1 when
// the general path must read it (text, bytes, long or non-ASCII strings, a getter calling
// the module again while this one reads).
// The single path's writer and views, made once (again only when memory grew or moved).
let singleBusy = false, SW = null, SB = null, SAT = -1;
// The ids this path read, as the JS values themselves (the entries' userId by platform index,
// then the legacy userId and modash_user_id): a result can hand one back without decoding the
// copy the core read (`readId`).
const IDS = [undefined, undefined, undefined, undefined, undefined];
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
      SW.n = new Float64Array(mem.buffer, nptr, 72);
      SB = new Uint8Array(mem.buffer);
      SAT = nptr;
    }
    const w = SW;
    // (A new array: setting an array's length costs a runtime call in V8.)
    w.i = 4; w.s = []; w.units = 0; w.want = want; w.fields = fields;
    w.ids = IDS; IDS[0] = IDS[1] = IDS[2] = IDS[3] = IDS[4] = undefined;
    w.n[0] = 0; w.n[1] = 0; w.n[3] = 1;
    if (list !== undefined) {
      w.names(list);
      // Only the listed platforms' entries are read when every name is a platform's own
      // normalised name (the core's NAMES); any other spelling reads them all.
      let m = 0;
      for (let k = 0; k < list.length && m !== 7; k++) { const i = NAMES.indexOf(list[k]); m |= i === -1 ? 7 : 1 << i; }
      w.want = m;
    }
    w.notes(v);
    if (w.units > bcap || w.n.length === 0) { SW = null; return -1; }
    const b = SB;
    let j = bptr;
    for (let k = 0; k < w.s.length; k++) {
      const str = w.s[k];
      for (let c = 0; c < str.length; c++) { const x = str.charCodeAt(c); if (x > 0x7f) return -1; b[j++] = x; }
    }
    w.n[2] = w.units;
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
  w.fields = 3;
  try {
    if (!Array.isArray(list)) return refused(2, 0, list);
    w.names(list);
  } catch (e) { return refused(e === TOO_LONG ? 6 : 3, 0); }
  w.notes(v);
  return w.done();
}
export function collectRows(rows) {
  let len, w;
  try { len = rows.length; if (!count(len, MAX_ROWS)) return refused(5, 0); w = new W(len); w.fields = 3; } catch (_) { return refused(4, 0); }
  for (let i = 0; i < len; i++) {
    let row, list;
    try {
      row = rows[i];
      if (!rec(row)) return refused(1, i, row);
    } catch (_) { return refused(4, i); }
    let v;
    try { v = row.notes; } catch (_) { v = Symbol(); }
    try { list = row.platforms; } catch (_) { return refused(3, i); }
    try {
      if (!Array.isArray(list)) return refused(2, i, list);
      w.names(list);
    } catch (e) { return refused(e === TOO_LONG ? 6 : 3, i); }
    w.notes(v);
  }
  return w.done();
}
export function collectValues(list) {
  let w;
  try {
    const len = list.length;
    if (!count(len, MAX_ROWS)) return refused(5, 0);
    w = new W(0, 64 + Math.min(len, 65536) * 2);
    w.put(len);
    for (let k = 0; k < len; k++) w.leaf(list[k]);
  } catch (_) { return refused(4, 0); }
  return w.done();
}
// Node's encodeInto is simdutf: one call on a concatenation beats a byte loop there; in
// Chromium the byte loop wins (BENCHMARKS.md, timestamps). Both are tested (the wasm suites
// run in Node and in Chromium).
const SIMD_ENCODE_INTO = typeof process === 'object' && process !== null && !!process.versions && !!process.versions.node;
// A column of timestamps, the common case: strings of under 64 ASCII characters, null and
// undefined. Writes into wasm memory the count (4 bytes, little endian), a byte per value (its
// length, or 64 for null/undefined), then all the strings' bytes. Returns the bytes written;
// -1 for any other value, non-ASCII text or a getter that threw (the caller then takes the
// general path, which reports it); -2 - list.length when `cap` is too small (a first call
// with no room learns the length before any value is read).
export function timestampsInto(list, mem, ptr, cap) {
  try {
    const len = list.length;
    if (!count(len, MAX_ROWS)) return -1;
    if (!(len + 4 <= cap)) return -2 - len;
    const view = new Uint8Array(mem.buffer, ptr, cap);
    let j = 4 + len;
    if (SIMD_ENCODE_INTO) {
      let s = '';
      for (let k = 0; k < len; k++) {
        const v = list[k];
        if (typeof v === 'string' && v.length < 64) { view[4 + k] = v.length; s += v; }
        else if (v === null || v === undefined) view[4 + k] = 64;
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
        if (typeof v === 'string' && v.length < 64) {
          const n = v.length;
          if (j + n > cap) return -2 - len;
          view[4 + k] = n;
          for (let i = 0; i < n; i++) { const c = v.charCodeAt(i); high |= c; view[j++] = c; }
        }
        else if (v === null || v === undefined) view[4 + k] = 64;
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
  const orNull = (x) => (x === x ? x : null);
  const count = n[i++];
  const out = new Array(count);
  for (let r = 0; r < count; r++) {
    const k = n[i++];
    const platforms = new Array(k);
    for (let j = 0; j < k; j++) {
      const code = n[i++];
      const platform = code < 3 ? NAMES[code] : str();
      const userId = n[i++] ? str() : null;
      const lastRefreshed = orNull(n[i++]), ageMs = orNull(n[i++]), fresh = n[i++] === 1;
      const ageLabel = n[i++] ? str() : null;
      platforms[j] = { platform, userId, lastRefreshed, ageMs, fresh, ageLabel, problem: code < 3 ? null : 'unsupported-platform' };
    }
    const synced = n[i++], total = n[i++], newest = n[i++], unreadable = n[i++];
    const label = str(), tooltip = str();
    out[r] = { synced, total, label, tooltip, platforms, newestRefresh: orNull(newest), problem: unreadable ? 'notes-unreadable' : null };
  }
  return single ? out[0] : out;
}
"#)]
extern "C" {
    /// The time of a `Date` (NaN when invalid), `None` for anything else; never throws.
    #[wasm_bindgen(js_name = dateTime)]
    pub fn date_time(v: &JsValue) -> Option<f64>;
    #[wasm_bindgen(js_name = setShape)]
    fn set_shape(names: Array, md: &str, pl: &str, payload: &str, legacy: Array, entry: Array);
    #[wasm_bindgen(js_name = objectInto)]
    fn object_into(v: &JsValue, list: &JsValue, want: u32, fields: u32, mem: &JsValue, nptr: u32, bptr: u32, bcap: u32) -> i32;
    /// The `ttl` option, `out` = [now or NaN, 1]; `out[1]` = 0: read them field by field.
    #[wasm_bindgen(js_name = progressOptions)]
    pub fn progress_options(o: &JsValue, out: &mut [f64]) -> JsValue;
    #[wasm_bindgen(js_name = ttlNumbers)]
    fn ttl_numbers_js(v: &JsValue, out: &mut [f64]) -> bool;
    /// An id the last single-object read saw, as the JS value (see [`Id`]).
    #[wasm_bindgen(js_name = readId)]
    fn read_id(k: u32) -> JsValue;
    #[wasm_bindgen(js_name = textSlice)]
    fn text_slice(v: &JsValue, off: u32, len: u32, bytes: u32) -> JsValue;
    #[wasm_bindgen(js_name = collectNotes)]
    fn collect_notes(v: &JsValue, want: u32, fields: u32) -> JsValue;
    #[wasm_bindgen(js_name = collectOne)]
    fn collect_one(notes: &JsValue, platforms: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = collectRows)]
    fn collect_rows(rows: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = timestampsInto)]
    fn timestamps_into(list: &JsValue, mem: &JsValue, ptr: u32, cap: u32) -> f64;
    #[wasm_bindgen(js_name = collectValues)]
    fn collect_values(list: &JsValue) -> JsValue;
    fn nums(b: &JsValue) -> Float64Array;
    fn bad(b: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = stringInto)]
    fn string_into(v: &JsValue, mem: &JsValue, ptr: u32, cap: u32) -> i32;
    #[wasm_bindgen(js_name = stringsInto)]
    fn strings_into(b: &JsValue, mem: &JsValue, ptr: u32, cap: u32) -> i32;
    #[wasm_bindgen(js_name = textInto)]
    fn text_into(b: &JsValue, k: u32, mem: &JsValue, ptr: u32, cap: u32) -> i32;
    #[wasm_bindgen(js_name = buildProgress)]
    fn build_progress(n: &[f64], s: &str, single: bool) -> JsValue;
}

/// What the JS reader refused, with the row index (batches) and the offending value.
pub enum Refused {
    /// `rows[i]` is not an object.
    RowNotObject(u32, JsValue),
    /// `platforms` (or `rows[i].platforms`) is not an array.
    NotArray(u32, JsValue),
    /// A getter or Proxy trap threw while reading `platforms` (or `rows[i].platforms`).
    PlatformsThrew(u32),
    /// Reading `rows[i]` threw.
    RowThrew(u32),
    /// The rows (or values) claim more than `MAX_ROWS` entries, or a length that is no number.
    TooLong,
    /// `platforms` (or `rows[i].platforms`) claims more than `MAX_NAMES` entries.
    PlatformsTooLong(u32),
}

// The JS reader leaves out fields by their place in the shape table (E1, L3 and after): the
// Rust reader below leaves out the same ones by name.
const _: () = assert!(
    matches!(EntryField::ALL[0], EntryField::UserId)
        && matches!(EntryField::ALL[1], EntryField::LastRefreshed)
        && matches!(LegacyField::ALL[3], LegacyField::LastRefreshed)
);

/// Values collected by the JS reader: numbers, strings, and the JS texts still to copy.
pub struct Collected {
    batch: JsValue,
    /// The module's `WebAssembly.Memory`, fetched once per batch (JS writes text into it).
    memory: JsValue,
    nums: Vec<f64>,
    strings: String,
    /// Every collected string is ASCII.
    ascii: bool,
    rows: usize,
    /// `nums` and `strings` are the single-object path's scratch: given back when dropped.
    scratch: bool,
    /// The entry fields the JS reader wrote (it writes nothing for the others).
    fields: Fields,
}

impl Drop for Collected {
    fn drop(&mut self) {
        if self.scratch {
            let (nums, strings) = (std::mem::take(&mut self.nums), std::mem::take(&mut self.strings));
            SCRATCH.with(|cell| {
                if let Ok(mut s) = cell.try_borrow_mut() {
                    if s.0.capacity() == 0 {
                        s.0 = nums;
                        s.1 = strings;
                    }
                }
            });
        }
    }
}

/// A TtlConfig of numbers (or absent fields) read in one JS call into `out` (base, roster,
/// discovery, bulkRefresh, then the platforms' overrides by `Platform::index`; NaN where
/// absent); false for anything else (the caller then reads it field by field).
pub fn ttl_numbers(v: &JsValue, out: &mut [f64; 7]) -> bool {
    ensure_shape();
    ttl_numbers_js(v, out)
}

/// How a notes value was read, for handing strings back to JS without decoding a copy: by the
/// single-object path, whose JS reader keeps the ids it saw as JS values; from short JSON text
/// in the scratch buffer (`start`, `len`: where its UTF-8 lies); or otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    SingleObject,
    Text { start: usize, len: usize },
    Other,
}

/// An id field of notes: an entry's `userId` (by platform) or a legacy id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Id {
    Entry(Platform),
    LegacyUserId,
    LegacyModashUserId,
}

/// A string of a result that JS already holds: an id the single-object reader saw, or a slice
/// of the notes text (when that text is ASCII, its UTF-8 offsets are its JS offsets).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handback {
    Field(Id),
    Slice { off: u32, len: u32, text_bytes: u32 },
}

impl Origin {
    /// How JS can give back `id`, a string the core took whole from `leaf` (the field `field`)
    /// of notes read this way; `None` when it cannot (the caller decodes a copy).
    pub fn handback(self, leaf: &Leaf, field: Id, id: &str) -> Option<Handback> {
        let Leaf::Str(s) = leaf else { return None };
        if s != id {
            return None;
        }
        match (self, s) {
            (Origin::SingleObject, _) => Some(Handback::Field(field)),
            (Origin::Text { start, len }, std::borrow::Cow::Borrowed(b)) => {
                let off = (b.as_ptr() as usize).checked_sub(start).filter(|off| off + b.len() <= len)?;
                Some(Handback::Slice { off: off as u32, len: b.len() as u32, text_bytes: len as u32 })
            }
            _ => None,
        }
    }
}

impl Handback {
    /// The JS string, right after the read (`notes`: the notes value that was read); `None`
    /// when JS does not hold it after all.
    pub fn js(self, notes: &JsValue) -> Option<JsValue> {
        let v = match self {
            Handback::Field(field) => read_id(match field {
                Id::Entry(p) => p.index() as u32,
                Id::LegacyUserId => 3,
                Id::LegacyModashUserId => 4,
            }),
            Handback::Slice { off, len, text_bytes } => text_slice(notes, off, len, text_bytes),
        };
        v.is_string().then_some(v)
    }
}

/// Which fields of each entry the JS reader reads from a notes object (text is parsed whole):
/// those a call uses, the others read as absent. Crosses to JS as its number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fields {
    /// `userId` and the legacy ids and platform (`resolveUserId`).
    Ids = 0,
    /// What the write path uses: the ids, `last_refreshed`, the metrics, payloads.
    Write = 1,
    /// Every field, `username` and `cache_id` too (`notesEntry`).
    All = 2,
    /// What badges use: the ids and `last_refreshed` (entry and legacy).
    Freshness = 3,
}

impl Collected {
    fn take(batch: JsValue, fields: Fields) -> Result<Collected, Refused> {
        let nums = nums(&batch).to_vec();
        let at = |i: usize| nums.get(i).copied().unwrap_or(0.0);
        let row = at(1) as u32;
        match at(0) as u32 {
            0 => {}
            1 => return Err(Refused::RowNotObject(row, bad(&batch))),
            2 => return Err(Refused::NotArray(row, bad(&batch))),
            3 => return Err(Refused::PlatformsThrew(row)),
            5 => return Err(Refused::TooLong),
            6 => return Err(Refused::PlatformsTooLong(row)),
            _ => return Err(Refused::RowThrew(row)),
        }
        let memory = wasm_bindgen::memory();
        let mut buf = Vec::new();
        fill_utf8(&mut buf, at(2) as usize, |ptr, cap| strings_into(&batch, &memory, ptr, cap));
        // encodeInto writes well-formed UTF-8 (lone surrogates become U+FFFD); checked anyway.
        let strings = String::from_utf8(buf).unwrap_or_default();
        // As many bytes as UTF-16 units: every string is ASCII, and a string of n units is
        // its next n bytes (no per-string scan in `Reader::string`).
        let ascii = strings.len() == at(2) as usize;
        Ok(Collected { batch, memory, rows: at(3) as usize, nums, strings, ascii, scratch: false, fields })
    }

    /// Reads one notes value (any of object, text, bytes, null/undefined) and hands the read
    /// to `f`, once (borrowing the collected strings: nothing is copied out). `want`: the
    /// platforms whose entries are needed (a bit per `Platform::index`); the others may read
    /// as absent. `f` is a `dyn` callback: one copy of this code for every caller.
    pub fn with_notes(v: &JsValue, want: u32, fields: Fields, f: &mut dyn FnMut(&NotesRead<'_>, Origin)) {
        ensure_shape();
        if v.is_string() {
            // Short JSON text straight into a scratch buffer, read where it lies (its UTF-8
            // checked in the reader's one pass), only the entries and fields the call uses.
            let read = TEXT.with(|cell| {
                let Ok(mut buf) = cell.try_borrow_mut() else { return false };
                if buf.len() < SINGLE_TEXT {
                    buf.resize(SINGLE_TEXT, 0);
                }
                let written = MEMORY.with(|m| string_into(v, m, buf.as_mut_ptr() as u32, SINGLE_TEXT as u32));
                let Some(text) = usize::try_from(written).ok().and_then(|n| buf.get(..n)) else { return false };
                let needed = Needed { platforms: want, ids_only: fields == Fields::Ids };
                f(&read_utf8_needed(text, needed), Origin::Text { start: text.as_ptr() as usize, len: text.len() });
                true
            });
            if read {
                return;
            }
        } else if let Some(c) = Collected::single(v, None, want, fields) {
            return f(&c.reader().notes(), Origin::SingleObject);
        }
        match Collected::take(collect_notes(v, want, fields as u32), fields) {
            Ok(c) => f(&c.reader().notes(), Origin::Other),
            Err(_) => f(&NotesRead::Unreadable, Origin::Other),
        }
    }

    /// Reads one notes value (any of object, text, bytes, null/undefined); from objects, the
    /// entries' `fields` only.
    pub fn notes(v: &JsValue, fields: Fields) -> NotesRead<'static> {
        let mut out = NotesRead::Unreadable;
        Collected::with_notes(v, 7, fields, &mut |r, _| out = r.clone().into_owned());
        out
    }

    /// One notes object (and a short platform list) through the scratch buffers: no typed
    /// array, no batch object, no copy; `None` when the general path must read it.
    fn single(v: &JsValue, list: Option<&JsValue>, want: u32, fields: Fields) -> Option<Collected> {
        SCRATCH.with(|cell| {
            let mut guard = cell.try_borrow_mut().ok()?;
            let (nums, bytes, memory) = &mut *guard;
            let memory = memory.get_or_insert_with(wasm_bindgen::memory);
            if nums.len() < SINGLE_SLOTS || bytes.len() < SINGLE_BYTES {
                nums.resize(SINGLE_SLOTS, 0.0);
                *bytes = String::from_utf8(vec![0; SINGLE_BYTES]).unwrap_or_default();
            }
            // JS writes up to SINGLE_BYTES there: never past what the buffer holds.
            if nums.len() < SINGLE_SLOTS || bytes.len() < SINGLE_BYTES {
                return None;
            }
            let none = JsValue::UNDEFINED;
            let count =
                object_into(v, list.unwrap_or(&none), want, fields as u32, memory, nums.as_mut_ptr() as u32, bytes.as_mut_ptr() as u32, SINGLE_BYTES as u32);
            // JS writes only ASCII there (it gives up at the first other unit, before writing
            // it), so the string stays UTF-8; what it wrote is checked anyway, and the buffer is
            // made again if that ever fails. Only the written bytes are checked (not all 512).
            let units = nums.get(2).map_or(0, |&u| u as usize).min(SINGLE_BYTES);
            if std::str::from_utf8(bytes.as_bytes().get(..units).unwrap_or(&[])).is_err() {
                *bytes = String::from_utf8(vec![0; SINGLE_BYTES]).unwrap_or_default();
                return None;
            }
            usize::try_from(count).ok().filter(|n| (4..=SINGLE_SLOTS).contains(n))?;
            // A view needs no memory handle: it has no text to copy.
            let strings = std::mem::take(bytes);
            let nums = std::mem::take(nums);
            Some(Collected { batch: JsValue::UNDEFINED, memory: JsValue::UNDEFINED, nums, strings, ascii: true, rows: 1, scratch: true, fields })
        })
    }

    /// Reads one notes value and a platform list.
    pub fn one(notes: &JsValue, platforms: &JsValue) -> Result<Collected, Refused> {
        ensure_shape();
        if let Some(c) = Collected::single(notes, Some(platforms), 7, Fields::Freshness) {
            return Ok(c);
        }
        Collected::take(collect_one(notes, platforms), Fields::Freshness)
    }

    /// Reads `rows` (must be an array) of `{ notes, platforms }`.
    pub fn rows(rows: &JsValue) -> Result<Collected, Refused> {
        ensure_shape();
        Collected::take(collect_rows(rows), Fields::Freshness)
    }

    /// Reads the values of an array (must be an array) as leaves: a count, then each.
    pub fn values(list: &JsValue) -> Result<Collected, Refused> {
        Collected::take(collect_values(list), Fields::All)
    }

    /// Number of rows collected.
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// A cursor over the collected rows.
    pub fn reader(&self) -> Reader<'_> {
        Reader { c: self, i: 4, s: 0, text: Vec::new() }
    }
}

/// The common shape of a timestamp column, copied in one pass without the general reader:
/// every value a string of under 64 ASCII characters, `null` or `undefined`. `None` when the
/// column has any other value (use [`Collected::values`]).
pub fn ascii_column(list: &JsValue) -> Option<AsciiColumn> {
    let memory = wasm_bindgen::memory();
    let mut buf = Vec::new();
    // A first call with no room only learns the length (JS returns before reading a value);
    // then room for 32 bytes a value (a timestamp is about 25), then for the most (63 + 1).
    let mut cap = 0;
    for per_value in [32, 65, 0] {
        match write_into(&mut buf, cap, |ptr, cap| timestamps_into(list, &memory, ptr, cap)) {
            Ok(()) => {
                let count = u32::from_le_bytes(buf.get(..4)?.try_into().ok()?) as usize;
                return (buf.len() >= 4 + count).then_some(AsciiColumn { buf, count });
            }
            Err(code) => {
                let len = -2.0 - code;
                if per_value == 0 || !(0.0..=(u32::MAX as f64)).contains(&len) {
                    return None;
                }
                cap = (len as usize).saturating_mul(per_value).saturating_add(64);
            }
        }
    }
    None
}

/// What [`ascii_column`] copied: per value its UTF-8 bytes, or `None` for null/undefined.
pub struct AsciiColumn {
    buf: Vec<u8>,
    count: usize,
}

impl AsciiColumn {
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn values(&self) -> impl Iterator<Item = Option<&[u8]>> {
        let (lens, mut text) = self.buf.get(4..).unwrap_or(&[]).split_at(self.count);
        lens.iter().map(move |&n| {
            if n == 64 {
                return None;
            }
            let (value, rest) = text.split_at((n as usize).min(text.len()));
            text = rest;
            Some(value)
        })
    }
}

/// Lets JS write into `buf`'s spare capacity: `copy(ptr, cap)` returns the bytes written, or
/// a negative code (passed back as `Err`). On success `buf` holds exactly what was written.
/// Room that cannot be had (a column too long for the memory left) is `Err(-1.0)`.
fn write_into(buf: &mut Vec<u8>, cap: usize, copy: impl Fn(u32, u32) -> f64) -> Result<(), f64> {
    buf.clear();
    buf.try_reserve_exact(cap).map_err(|_| -1.0)?;
    // Zeroed first (a memset: cheap next to the copy), so that a count JS got wrong can only
    // ever expose zeros, never bytes of an earlier batch; no `unsafe`.
    buf.resize(cap, 0);
    let written = copy(buf.as_mut_ptr() as u32, cap as u32);
    if written < 0.0 {
        buf.clear();
        return Err(written);
    }
    buf.truncate(if written.is_finite() { written as usize } else { 0 });
    Ok(())
}

/// [`write_into`] for the text copies (no JS call for empty text): `false` when `cap` was too
/// small.
fn fill(buf: &mut Vec<u8>, cap: usize, copy: impl Fn(u32, u32) -> i32) -> bool {
    if cap == 0 {
        buf.clear();
        return true;
    }
    write_into(buf, cap, |ptr, cap| copy(ptr, cap) as f64).is_ok()
}

/// UTF-8 of a JS string of `units` UTF-16 units into `buf`: first with room for mostly-ASCII
/// text (so a 50 MB string does not reserve 150 MB), then with the worst case (3 bytes a unit).
fn fill_utf8(buf: &mut Vec<u8>, units: usize, copy: impl Fn(u32, u32) -> i32) {
    if !fill(buf, units.saturating_add(units / 8).saturating_add(16), &copy) {
        fill(buf, units.saturating_mul(3), &copy);
    }
}

/// Reads collected values in order. Malformed input (it never is) reads as missing values.
/// Strings are borrowed from the collected buffer, JSON text from the reader's own buffer.
pub struct Reader<'c> {
    c: &'c Collected,
    i: usize,
    s: usize,
    text: Vec<u8>,
}

impl<'c> Reader<'c> {
    #[inline]
    fn num(&mut self) -> f64 {
        let v = self.c.nums.get(self.i).copied().unwrap_or(0.0);
        self.i += 1;
        v
    }

    #[inline]
    fn flag(&mut self) -> bool {
        self.num() == 1.0
    }

    /// The next string, `units` UTF-16 code units long.
    fn string(&mut self, units: usize) -> &'c str {
        let rest = self.c.strings.get(self.s..).unwrap_or("");
        let bytes = if self.c.ascii || rest.as_bytes().iter().take(units).all(u8::is_ascii) {
            units.min(rest.len())
        } else {
            let mut seen = 0;
            rest.char_indices()
                .find(|(_, ch)| {
                    let stop = seen >= units;
                    seen += ch.len_utf16();
                    stop
                })
                .map_or(rest.len(), |(b, _)| b)
        };
        self.s += bytes;
        rest.get(..bytes).unwrap_or("")
    }

    fn leaf(&mut self) -> Leaf<'c> {
        match self.num() as u32 {
            0 => Leaf::Missing,
            1 => Leaf::Null,
            2 => {
                let n = self.num() as usize;
                Leaf::Str(self.string(n).into())
            }
            3 => Leaf::Number(self.num()),
            4 => Leaf::Bool(self.flag()),
            5 => Leaf::Date(self.num()),
            _ => Leaf::Other,
        }
    }

    /// The next notes value (JSON text is read from the reader's buffer: read the row's
    /// platform list first).
    pub fn notes(&mut self) -> NotesRead<'_> {
        match self.num() as u32 {
            0 | 5 => NotesRead::Ok(NotesView::default()),
            6 => NotesRead::Ok(NotesView { modash_not_object: NotObject::from_code(self.num()), ..Default::default() }),
            1 => {
                // Filled where it lies (a view is a few dozen leaves: moving it costs more
                // than reading it).
                let mut read = NotesRead::Ok(NotesView::default());
                let NotesRead::Ok(view) = &mut read else { return NotesRead::Unreadable };
                // Only what the JS reader wrote for these `fields` (see `entry` in the JS).
                let fields = self.c.fields;
                for f in LegacyField::ALL {
                    if f != LegacyField::LastRefreshed || fields != Fields::Ids {
                        *view.legacy_mut(f) = self.leaf();
                    }
                }
                view.legacy_payload = matches!(fields, Fields::Write | Fields::All) && self.flag();
                let platforms = self.num();
                if platforms != -1.0 {
                    view.platforms_not_object = NotObject::from_code(platforms);
                    return read;
                }
                for entry in &mut view.platforms {
                    let kind = self.num();
                    if kind != -1.0 {
                        entry.not_object = NotObject::from_code(kind);
                        continue;
                    }
                    entry.user_id = self.leaf();
                    if fields == Fields::Ids {
                        continue;
                    }
                    entry.last_refreshed = self.leaf();
                    if fields == Fields::Freshness {
                        continue;
                    }
                    for f in &EntryField::ALL[2..] {
                        *entry.field_mut(*f) = self.leaf();
                    }
                    entry.has_payload = self.flag();
                }
                read
            }
            kind @ (2 | 3) => {
                let (k, len) = (self.num() as u32, self.num() as usize);
                let (batch, memory) = (&self.c.batch, &self.c.memory);
                let copy = |ptr, cap| text_into(batch, k, memory, ptr, cap);
                if kind == 2 {
                    fill_utf8(&mut self.text, len, copy);
                } else {
                    fill(&mut self.text, len, copy);
                }
                // UTF-8 is checked in the reader's one pass (bytes may not be UTF-8; text from
                // encodeInto always is, and costs nothing extra while it is ASCII).
                read_utf8(&self.text)
            }
            _ => NotesRead::Unreadable,
        }
    }

    /// The next count (of values collected by `Collected::values`).
    pub fn count(&mut self) -> usize {
        self.num() as usize
    }

    /// The next value, as a leaf.
    pub fn value(&mut self) -> Leaf<'c> {
        self.leaf()
    }

    /// The next platform list (`None` for a value that is not a string), into `out`.
    pub fn names(&mut self, out: &mut Vec<Option<&'c str>>) {
        out.clear();
        let n = self.num() as usize;
        for _ in 0..n {
            out.push(match self.leaf() {
                Leaf::Str(std::borrow::Cow::Borrowed(s)) => Some(s),
                _ => None,
            });
        }
    }
}

/// Output of a batch: numbers and strings (with their UTF-16 lengths), built into objects
/// by one JS call.
#[derive(Default)]
pub struct Out {
    nums: Vec<f64>,
    strings: String,
}

impl Out {
    /// Room for about `rows` badges of two or three platforms (no regrowth on the way).
    pub fn for_rows(rows: usize) -> Out {
        let rows = rows.min(65_536);
        Out { nums: Vec::with_capacity(8 + rows * 32), strings: String::with_capacity(rows * 96) }
    }

    pub fn num(&mut self, v: f64) {
        self.nums.push(v);
    }

    /// A slot to fill later with [`Out::set`]; returns its index.
    pub fn reserve(&mut self) -> usize {
        self.nums.push(0.0);
        self.nums.len() - 1
    }

    pub fn set(&mut self, at: usize, v: f64) {
        if let Some(slot) = self.nums.get_mut(at) {
            *slot = v;
        }
    }

    /// `None` as NaN (the JS builder turns NaN into null).
    pub fn opt(&mut self, v: Option<f64>) {
        self.nums.push(v.unwrap_or(f64::NAN));
    }

    pub fn string(&mut self, s: &str) {
        let units = if s.is_ascii() { s.len() } else { s.encode_utf16().count() };
        self.nums.push(units as f64);
        self.strings.push_str(s);
    }

    /// A presence flag, then the string when present.
    pub fn opt_string(&mut self, s: Option<&str>) {
        self.nums.push(if s.is_some() { 1.0 } else { 0.0 });
        if let Some(s) = s {
            self.string(s);
        }
    }

    /// Builds `AnalyticsProgress` objects (`single`: the first one, not an array).
    pub fn progress(&self, single: bool) -> JsValue {
        build_progress(&self.nums, &self.strings, single)
    }
}
