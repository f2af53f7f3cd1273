//! The typed crossing for notes: a small JS reader walks the few properties the core needs
//! (never a payload) and hands them over as one `Float64Array` plus one UTF-8 buffer; JSON
//! text and bytes are written straight into wasm memory (one copy: an ASCII loop for short
//! text, `TextEncoder.encodeInto` for long text and the rest).
//! Results come back the same way and a JS builder makes the plain objects. One wasm-to-JS
//! call per batch instead of one per property: see BENCHMARKS.md for what it changed.
//!
//! The JS reader never throws: a getter or Proxy trap that throws makes that notes value
//! unreadable (never a throw into wasm); a bad row is reported back as an error code and index.

use crate::crossing::{self, Decoder, Refusal, SINGLE_SLOTS};
use crate::notes::shape::{self, EntryField, LegacyField};
use crate::notes::{read_utf8_needed, Fields, Leaf, Needed, NotesRead};
use crate::platform::Platform;
use js_sys::{Array, Float64Array};
use std::cell::Cell;
use wasm_bindgen::prelude::*;

thread_local! {
    static SHAPED: Cell<bool> = const { Cell::new(false) };
    /// The single-object path's scratch: numbers, string bytes (JS writes both), and the
    /// module's memory.
    static SCRATCH: std::cell::RefCell<(Vec<f64>, Vec<u8>, Option<JsValue>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new(), None)) };
    /// The single-text path's scratch.
    static TEXT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    static MEMORY: JsValue = wasm_bindgen::memory();
}

/// The string bytes the single-object path takes before it hands over to the general one
/// (its numbers: `crossing::SINGLE_SLOTS`).
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

// What the JS reader writes (numbers and one UTF-8 buffer of strings) is `crate::crossing`'s
// protocol: its numbers are generated into notes.js from there, and `crossing::Decoder`
// reads them. The keys the reader reads are handed to it once from the notes shape table
// (`ensure_shape`).
/// Longest row or value list read, and longest platform list (the JS reader's limits).
pub use crate::crossing::{MAX_NAMES, MAX_ROWS};
#[wasm_bindgen(module = "/src/wasm/js/notes.js")]
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

// The JS reader reads fields by their place in the shape table (E0 the userId, E1
// last_refreshed, E2 and E3 username and cache_id, E4-E6 the metrics; L3 the legacy
// last_refreshed) and leaves out what `Needed` leaves out: the places it relies on.
const _: () = assert!(
    matches!(EntryField::ALL[0], EntryField::UserId)
        && matches!(EntryField::ALL[1], EntryField::LastRefreshed)
        && matches!(EntryField::ALL[2], EntryField::Username)
        && matches!(EntryField::ALL[3], EntryField::CacheId)
        && matches!(LegacyField::ALL[3], LegacyField::LastRefreshed)
);

/// Values collected by the JS reader: numbers, strings, and the JS texts still to copy.
pub struct Collected {
    batch: JsValue,
    /// The module's `WebAssembly.Memory`, fetched once per batch (JS writes text into it).
    memory: JsValue,
    /// The numbers read are `nums[..nums_len]` (the single path's scratch is longer).
    nums: Vec<f64>,
    nums_len: usize,
    /// The strings' UTF-8 as JS wrote it, `strings[..strings_len]` (checked once, by `reader`).
    strings: Vec<u8>,
    strings_len: usize,
    /// Every collected string is ASCII.
    ascii: bool,
    rows: usize,
    /// `nums` and `strings` are the single-object path's scratch: given back when dropped.
    scratch: bool,
    /// What the JS reader was asked to read (it writes nothing for the rest).
    needed: Needed,
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
pub fn ttl_numbers(v: &JsValue, out: &mut [f64; crossing::TTL_SLOTS]) -> bool {
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
                Id::Entry(p) => p.index(),
                Id::LegacyUserId => crossing::ID_LEGACY_USER_ID,
                Id::LegacyModashUserId => crossing::ID_LEGACY_MODASH_USER_ID,
            } as u32),
            Handback::Slice { off, len, text_bytes } => text_slice(notes, off, len, text_bytes),
        };
        v.is_string().then_some(v)
    }
}

impl Collected {
    fn take(batch: JsValue, needed: Needed) -> Result<Collected, Refused> {
        let nums = nums(&batch).to_vec();
        let at = |i: usize| Decoder::header(&nums, i);
        let row = at(crossing::AT_ROW) as u32;
        match Refusal::from_num(at(crossing::AT_REFUSAL)) {
            Refusal::None => {}
            Refusal::RowNotObject => return Err(Refused::RowNotObject(row, bad(&batch))),
            Refusal::NotArray => return Err(Refused::NotArray(row, bad(&batch))),
            Refusal::PlatformsThrew => return Err(Refused::PlatformsThrew(row)),
            Refusal::TooLong => return Err(Refused::TooLong),
            Refusal::PlatformsTooLong => return Err(Refused::PlatformsTooLong(row)),
            Refusal::RowThrew => return Err(Refused::RowThrew(row)),
        }
        let memory = wasm_bindgen::memory();
        let units = at(crossing::AT_UNITS) as usize;
        let mut strings = Vec::new();
        fill_utf8(&mut strings, units, |ptr, cap| strings_into(&batch, &memory, ptr, cap));
        // As many bytes as UTF-16 units: every string is ASCII, and a string of n units is
        // its next n bytes (no per-string scan in `Decoder::string`).
        let ascii = strings.len() == units;
        let (nums_len, strings_len) = (nums.len(), strings.len());
        Ok(Collected { batch, memory, rows: at(crossing::AT_ROWS) as usize, nums, nums_len, strings, strings_len, ascii, scratch: false, needed })
    }

    /// Reads one notes value (any of object, text, bytes, null/undefined) and hands the read
    /// to `f`, once (borrowing the collected strings: nothing is copied out). Only what
    /// `needed` names is read, whatever the form; the rest reads as absent. `f` is a `dyn`
    /// callback: one copy of this code for every caller.
    pub fn with_notes(v: &JsValue, needed: Needed, f: &mut dyn FnMut(&NotesRead<'_>, Origin)) {
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
                f(&read_utf8_needed(text, needed), Origin::Text { start: text.as_ptr() as usize, len: text.len() });
                true
            });
            if read {
                return;
            }
        } else if let Some(c) = Collected::single(v, None, needed) {
            return f(&c.reader().notes(), Origin::SingleObject);
        }
        match Collected::take(collect_notes(v, needed.platforms, needed.fields as u32), needed) {
            Ok(c) => f(&c.reader().notes(), Origin::Other),
            Err(_) => f(&NotesRead::Unreadable, Origin::Other),
        }
    }

    /// Reads one notes value (any of object, text, bytes, null/undefined): what `needed` names.
    pub fn notes(v: &JsValue, needed: Needed) -> NotesRead<'static> {
        let mut out = NotesRead::Unreadable;
        Collected::with_notes(v, needed, &mut |r, _| out = r.clone().into_owned());
        out
    }

    /// One notes object (and a short platform list) through the scratch buffers: no typed
    /// array, no batch object, no copy; `None` when the general path must read it.
    fn single(v: &JsValue, list: Option<&JsValue>, needed: Needed) -> Option<Collected> {
        SCRATCH.with(|cell| {
            let mut guard = cell.try_borrow_mut().ok()?;
            let (nums, bytes, memory) = &mut *guard;
            let memory = memory.get_or_insert_with(wasm_bindgen::memory);
            if nums.len() < SINGLE_SLOTS || bytes.len() < SINGLE_BYTES {
                nums.resize(SINGLE_SLOTS, 0.0);
                bytes.resize(SINGLE_BYTES, 0);
            }
            let none = JsValue::UNDEFINED;
            // JS writes up to SINGLE_SLOTS numbers and SINGLE_BYTES bytes there: never past
            // what the buffers hold.
            let count = object_into(
                v,
                list.unwrap_or(&none),
                needed.platforms,
                needed.fields as u32,
                memory,
                nums.as_mut_ptr() as u32,
                bytes.as_mut_ptr() as u32,
                SINGLE_BYTES as u32,
            );
            let count = usize::try_from(count).ok().filter(|n| (crossing::HEADER..=SINGLE_SLOTS).contains(n))?;
            // JS writes only ASCII there (it gives up at the first other unit, before writing
            // it); what it wrote is checked anyway (the reader would read a non-ASCII byte as
            // an empty string). Only the written bytes are checked.
            let units = (Decoder::header(nums, crossing::AT_UNITS) as usize).min(SINGLE_BYTES);
            if !bytes.get(..units).is_some_and(|b| b.is_ascii()) {
                debug_assert!(false, "objectInto wrote a string that is not ASCII");
                return None;
            }
            // A view needs no memory handle: it has no text to copy.
            let (strings, nums) = (std::mem::take(bytes), std::mem::take(nums));
            let (nums_len, strings_len) = (count, units);
            Some(Collected {
                batch: JsValue::UNDEFINED,
                memory: JsValue::UNDEFINED,
                nums,
                nums_len,
                strings,
                strings_len,
                ascii: true,
                rows: 1,
                scratch: true,
                needed,
            })
        })
    }

    /// Reads one notes value and a platform list.
    pub fn one(notes: &JsValue, platforms: &JsValue) -> Result<Collected, Refused> {
        ensure_shape();
        if let Some(c) = Collected::single(notes, Some(platforms), BADGES) {
            return Ok(c);
        }
        Collected::take(collect_one(notes, platforms), BADGES)
    }

    /// Reads `rows` (must be an array) of `{ notes, platforms }`.
    pub fn rows(rows: &JsValue) -> Result<Collected, Refused> {
        ensure_shape();
        Collected::take(collect_rows(rows), BADGES)
    }

    /// Reads the values of an array (must be an array) as leaves: a count, then each.
    pub fn values(list: &JsValue) -> Result<Collected, Refused> {
        Collected::take(collect_values(list), Needed::ALL)
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
        // The one check of the strings' UTF-8: encodeInto writes well-formed UTF-8 (a lone
        // surrogate becomes U+FFFD), the single path only ASCII; checked anyway.
        let written = self.strings.get(..self.strings_len).unwrap_or_default();
        let strings = std::str::from_utf8(written).unwrap_or_else(|_| {
            debug_assert!(false, "the JS reader wrote strings that are not UTF-8");
            ""
        });
        let nums = self.nums.get(..self.nums_len).unwrap_or_default();
        Reader { c: self, d: Decoder::new(nums, strings, self.ascii, self.needed), text: Vec::new() }
    }
}

/// What badges read (`collectOne` and `collectRows` in the JS ask for the same).
const BADGES: Needed = Needed { platforms: Needed::ALL_PLATFORMS, fields: Fields::Freshness };

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
                let count = u32::from_le_bytes(buf.get(..crossing::TIMESTAMP_LENGTHS)?.try_into().ok()?) as usize;
                return (buf.len() >= crossing::TIMESTAMP_LENGTHS + count).then_some(AsciiColumn { buf, count });
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
        // `ascii_column` made sure the lengths are there.
        let after_count = self.buf.get(crossing::TIMESTAMP_LENGTHS..).unwrap_or_default();
        debug_assert!(after_count.len() >= self.count);
        let (lens, mut text) = after_count.split_at_checked(self.count).unwrap_or_default();
        lens.iter().map(move |&n| {
            if n == crossing::TIMESTAMP_NONE {
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

/// Reads collected values in order (`crossing::Decoder`); JSON text and bytes are copied
/// from JS into the reader's own buffer and read with the same `Needed`.
pub struct Reader<'c> {
    c: &'c Collected,
    d: Decoder<'c>,
    text: Vec<u8>,
}

impl<'c> Reader<'c> {
    /// The next notes value (read the row's platform list first).
    pub fn notes(&mut self) -> NotesRead<'_> {
        let mut read = NotesRead::Unreadable;
        let Some(crossing::Text { index, len, utf16 }) = self.d.notes_into(&mut read) else { return read };
        let (batch, memory) = (&self.c.batch, &self.c.memory);
        let copy = |ptr, cap| text_into(batch, index, memory, ptr, cap);
        if utf16 {
            fill_utf8(&mut self.text, len, copy);
        } else {
            fill(&mut self.text, len, copy);
        }
        // UTF-8 is checked in the reader's one pass (bytes may not be UTF-8; text from
        // encodeInto always is, and costs nothing extra while it is ASCII).
        read_utf8_needed(&self.text, self.c.needed)
    }

    /// The next count (of values collected by `Collected::values`).
    pub fn count(&mut self) -> usize {
        self.d.count()
    }

    /// The next value, as a leaf.
    pub fn value(&mut self) -> Leaf<'c> {
        self.d.value()
    }

    /// The next platform list (`None` for a value that is not a string), into `out`.
    pub fn names(&mut self, out: &mut Vec<Option<&'c str>>) {
        self.d.names(out)
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
