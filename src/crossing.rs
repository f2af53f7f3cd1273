//! The numbers that cross between the JS reader of notes (`src/wasm/js/notes.js`) and the
//! core, defined once: value tags, notes kinds, shape codes, refusals, the header's layout,
//! the narrowing levels ([`Fields`]) and the platform mask. The JS file carries them as
//! constants generated from [`js_protocol`] (a test checks the two agree:
//! `UPDATE_PROTOCOL=1 cargo test --lib crossing` writes them).
//!
//! [`Decoder`] reads what the JS reader wrote (numbers, and the strings' UTF-8 joined in one
//! buffer) into the core's [`NotesView`]: plain Rust over slices, tested natively and fuzzed
//! (`fuzz/fuzz_targets/crossing.rs`), so that whatever the scratch memory holds, reading it
//! never panics and never reads outside it.

use crate::notes::shape::NotObject;
use crate::notes::{Fields, Leaf, Needed, NotesRead, NotesView};
use crate::platform::Platform;

/// An enum of the protocol and `ALL`, its variants in order: each variant written once.
macro_rules! protocol_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $n:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($(#[$vdoc])* $variant = $n,)* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
        }
    };
}

protocol_enum! {
    /// A leaf value's tag, followed by its payload: a string's UTF-16 length, a number, 0|1, a
    /// Date's time.
    Tag {
        Missing = 0,
        Null = 1,
        Str = 2,
        Number = 3,
        Bool = 4,
        Date = 5,
        Other = 6,
    }
}

protocol_enum! {
    /// What a notes value is, first number of its record.
    Kind {
        /// null or undefined.
        Empty = 0,
        /// An object with a `modash_data` object: the legacy leaves, then `platforms`.
        Object = 1,
        /// JSON text: its index among the batch's texts, then its UTF-16 length.
        Text = 2,
        /// A `Uint8Array`: its index, then its byte length.
        Bytes = 3,
        /// Not notes, or a getter threw.
        Unreadable = 4,
        /// An object without `modash_data`.
        NoModashData = 5,
        /// An object whose `modash_data` is not an object: its shape code follows.
        ModashNotObject = 6,
    }
}

/// Shape codes of a value that should be an object: [`SHAPE_OBJECT`], [`SHAPE_ABSENT`], or
/// what it is instead ([`NotObject::code`]).
pub const SHAPE_OBJECT: f64 = -1.0;
pub const SHAPE_ABSENT: f64 = 0.0;

protocol_enum! {
    /// What the JS reader refused (header slot [`AT_REFUSAL`]), the row in [`AT_ROW`].
    Refusal {
        None = 0,
        RowNotObject = 1,
        NotArray = 2,
        PlatformsThrew = 3,
        RowThrew = 4,
        TooLong = 5,
        PlatformsTooLong = 6,
    }
}

impl Refusal {
    /// The refusal a header number names (an unknown one is a row that threw).
    pub fn from_num(x: f64) -> Refusal {
        Refusal::ALL.iter().copied().find(|r| *r as u8 as f64 == x).unwrap_or(Refusal::RowThrew)
    }
}

/// The header: refusal, row index, UTF-16 length of all strings, rows; records follow.
pub const AT_REFUSAL: usize = 0;
pub const AT_ROW: usize = 1;
pub const AT_UNITS: usize = 2;
pub const AT_ROWS: usize = 3;
pub const HEADER: usize = 4;
/// Longest row or value list read, and longest platform list.
pub const MAX_ROWS: u32 = 16_777_216;
pub const MAX_NAMES: u32 = 65_536;
/// Numbers one notes object can take with the header (the single-object path's scratch).
pub const SINGLE_SLOTS: usize = 72;
/// Where the single-object reader keeps the ids it saw: the entries' by `Platform::index`,
/// then the legacy `userId` and `modash_user_id`.
pub const ID_LEGACY_USER_ID: usize = Platform::ALL.len();
pub const ID_LEGACY_MODASH_USER_ID: usize = Platform::ALL.len() + 1;
/// A timestamp column: its count (4 bytes, little endian), a length byte per value from
/// [`TIMESTAMP_LENGTHS`] ([`TIMESTAMP_NONE`] for null/undefined: every string is shorter),
/// then the strings' bytes.
pub const TIMESTAMP_LENGTHS: usize = 4;
pub const TIMESTAMP_NONE: u8 = 64;
/// A TtlConfig read in one call (`ttlNumbers`): base, roster, discovery, bulkRefresh, then the
/// platforms' overrides by `Platform::index` from [`TTL_PLATFORM`]; NaN where absent.
pub const TTL_BASE: usize = 0;
pub const TTL_ROSTER: usize = 1;
pub const TTL_DISCOVERY: usize = 2;
pub const TTL_BULK_REFRESH: usize = 3;
pub const TTL_PLATFORM: usize = 4;
pub const TTL_SLOTS: usize = TTL_PLATFORM + Platform::ALL.len();

/// The JS constants, as the generated block of `src/wasm/js/notes.js` holds them.
pub fn js_protocol() -> String {
    let mut out = String::from("// <protocol> Generated from src/crossing.rs (`UPDATE_PROTOCOL=1 cargo test --lib crossing`); a test checks it.\n");
    let mut line = |name: &str, v: f64| out.push_str(&format!("const {name} = {v};\n"));
    for &t in Tag::ALL {
        line(&format!("TAG_{}", upper(&format!("{t:?}"))), t as u8 as f64);
    }
    for &k in Kind::ALL {
        line(&format!("KIND_{}", upper(&format!("{k:?}"))), k as u8 as f64);
    }
    line("SHAPE_OBJECT", SHAPE_OBJECT);
    line("SHAPE_ABSENT", SHAPE_ABSENT);
    for n in NotObject::ALL {
        line(&format!("SHAPE_{}", upper(&format!("{n:?}"))), n.code());
    }
    for &r in &Refusal::ALL[1..] {
        line(&format!("REFUSED_{}", upper(&format!("{r:?}"))), r as u8 as f64);
    }
    for f in Fields::ALL {
        line(&format!("FIELDS_{}", upper(&format!("{f:?}"))), f as u8 as f64);
    }
    for (name, v) in [
        ("AT_REFUSAL", AT_REFUSAL),
        ("AT_ROW", AT_ROW),
        ("AT_UNITS", AT_UNITS),
        ("AT_ROWS", AT_ROWS),
        ("HEADER", HEADER),
        ("PLATFORMS", Platform::ALL.len()),
        ("ALL_PLATFORMS", Needed::ALL_PLATFORMS as usize),
        ("MAX_ROWS", MAX_ROWS as usize),
        ("MAX_NAMES", MAX_NAMES as usize),
        ("SINGLE_SLOTS", SINGLE_SLOTS),
        ("ID_LEGACY_USER_ID", ID_LEGACY_USER_ID),
        ("ID_LEGACY_MODASH_USER_ID", ID_LEGACY_MODASH_USER_ID),
        ("TIMESTAMP_LENGTHS", TIMESTAMP_LENGTHS),
        ("TIMESTAMP_NONE", TIMESTAMP_NONE as usize),
        ("TTL_BASE", TTL_BASE),
        ("TTL_ROSTER", TTL_ROSTER),
        ("TTL_DISCOVERY", TTL_DISCOVERY),
        ("TTL_BULK_REFRESH", TTL_BULK_REFRESH),
        ("TTL_PLATFORM", TTL_PLATFORM),
    ] {
        line(name, v as f64);
    }
    out.push_str("// </protocol>\n");
    out
}

/// `ModashNotObject` → `MODASH_NOT_OBJECT`.
fn upper(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// JSON text or bytes a notes record names, for the caller to copy from JS and read with the
/// same [`Needed`]: its index among the batch's texts, and its length (UTF-16 units of text,
/// or bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Text {
    pub index: u32,
    pub len: usize,
    pub utf16: bool,
}

/// Reads the records the JS reader wrote, in order. Malformed input (a JS reader that wrote
/// something else) reads as missing values, never a panic, never outside the slices; strings
/// are borrowed from `strings`.
pub struct Decoder<'c> {
    nums: &'c [f64],
    strings: &'c str,
    /// Every string is ASCII (a string of n UTF-16 units is its next n bytes).
    ascii: bool,
    needed: Needed,
    i: usize,
    s: usize,
}

/// `read` made an empty view, and that view.
fn view<'r, 'c>(read: &'r mut NotesRead<'c>) -> Option<&'r mut NotesView<'c>> {
    *read = NotesRead::Ok(NotesView::default());
    match read {
        NotesRead::Ok(view) => Some(view),
        NotesRead::Unreadable => None,
    }
}

impl<'c> Decoder<'c> {
    /// Starts after the header. `needed` must be what the JS reader was asked for.
    pub fn new(nums: &'c [f64], strings: &'c str, ascii: bool, needed: Needed) -> Decoder<'c> {
        Decoder { nums, strings, ascii, needed, i: HEADER, s: 0 }
    }

    /// The header's number at `at`.
    pub fn header(nums: &[f64], at: usize) -> f64 {
        nums.get(at).copied().unwrap_or(0.0)
    }

    #[inline]
    fn num(&mut self) -> f64 {
        let v = self.nums.get(self.i).copied().unwrap_or(0.0);
        self.i = self.i.saturating_add(1);
        v
    }

    #[inline]
    fn flag(&mut self) -> bool {
        self.num() == 1.0
    }

    /// A length: a whole number of at most `max` (0 for anything else).
    fn len(&mut self, max: usize) -> usize {
        let n = self.num();
        if n >= 0.0 && n <= max as f64 {
            n as usize
        } else {
            0
        }
    }

    /// The next string, `units` UTF-16 code units long.
    fn string(&mut self, units: usize) -> &'c str {
        let rest = self.strings.get(self.s..).unwrap_or("");
        let bytes = if self.ascii || rest.as_bytes().iter().take(units).all(u8::is_ascii) {
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
        // Only a writer that got the lengths wrong (or a wrong `ascii`) could end a string
        // inside a character: the rest then reads as empty strings.
        let s = rest.get(..bytes);
        self.s += if s.is_some() { bytes } else { rest.len() };
        s.unwrap_or("")
    }

    fn leaf(&mut self) -> Leaf<'c> {
        const MISSING: u8 = Tag::Missing as u8;
        const NULL: u8 = Tag::Null as u8;
        const STR: u8 = Tag::Str as u8;
        const NUMBER: u8 = Tag::Number as u8;
        const BOOL: u8 = Tag::Bool as u8;
        const DATE: u8 = Tag::Date as u8;
        match self.num() as u8 {
            MISSING => Leaf::Missing,
            NULL => Leaf::Null,
            STR => {
                let n = self.len(self.strings.len());
                Leaf::Str(self.string(n).into())
            }
            NUMBER => Leaf::Number(self.num()),
            BOOL => Leaf::Bool(self.flag()),
            DATE => Leaf::Date(self.num()),
            _ => Leaf::Other,
        }
    }

    /// The next notes record, read into `read` where it lies (a view is a few dozen leaves:
    /// moving it costs more than reading it); `Some` when it is JSON text or bytes, for the
    /// caller to copy and read (`read` is then untouched).
    pub fn notes_into(&mut self, read: &mut NotesRead<'c>) -> Option<Text> {
        const EMPTY: u8 = Kind::Empty as u8;
        const NO_MODASH_DATA: u8 = Kind::NoModashData as u8;
        const MODASH_NOT_OBJECT: u8 = Kind::ModashNotObject as u8;
        const OBJECT: u8 = Kind::Object as u8;
        const TEXT: u8 = Kind::Text as u8;
        const BYTES: u8 = Kind::Bytes as u8;
        match self.num() as u8 {
            EMPTY | NO_MODASH_DATA => *read = NotesRead::Ok(NotesView::default()),
            MODASH_NOT_OBJECT => {
                let code = self.num();
                if let Some(v) = view(read) {
                    v.modash_not_object = NotObject::from_code(code);
                }
            }
            OBJECT => {
                if let Some(v) = view(read) {
                    self.object(v);
                }
            }
            TEXT => return Some(Text { index: self.num() as u32, len: self.len(usize::MAX >> 2), utf16: true }),
            BYTES => return Some(Text { index: self.num() as u32, len: self.len(usize::MAX >> 2), utf16: false }),
            _ => *read = NotesRead::Unreadable,
        }
        None
    }

    /// An object's record (the JS reader writes the fields `needed` names, in the shape
    /// table's order, and nothing for the others).
    fn object(&mut self, view: &mut NotesView<'c>) {
        let needed = self.needed;
        for f in needed.legacy_fields() {
            *view.legacy_mut(*f) = self.leaf();
        }
        view.legacy_payload = needed.payloads() && self.flag();
        let platforms = self.num();
        if platforms != SHAPE_OBJECT {
            view.platforms_not_object = NotObject::from_code(platforms);
            return;
        }
        for entry in &mut view.platforms {
            let shape = self.num();
            if shape != SHAPE_OBJECT {
                entry.not_object = NotObject::from_code(shape);
                continue;
            }
            for f in needed.entry_fields() {
                *entry.field_mut(*f) = self.leaf();
            }
            entry.has_payload = needed.payloads() && self.flag();
        }
    }

    /// The next count (of values collected by the value reader).
    pub fn count(&mut self) -> usize {
        self.len(self.nums.len())
    }

    /// The next value, as a leaf.
    pub fn value(&mut self) -> Leaf<'c> {
        self.leaf()
    }

    /// The next platform list (`None` for a value that is not a string), into `out`.
    pub fn names(&mut self, out: &mut Vec<Option<&'c str>>) {
        out.clear();
        let n = self.len(MAX_NAMES as usize);
        for _ in 0..n {
            out.push(match self.leaf() {
                Leaf::Str(std::borrow::Cow::Borrowed(s)) => Some(s),
                _ => None,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::{EntryField, LegacyField};

    #[test]
    fn the_js_reader_carries_these_numbers() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/wasm/js/notes.js");
        let js = std::fs::read_to_string(path).expect("src/wasm/js/notes.js");
        let (start, end) = (js.find("// <protocol>").expect("a <protocol> block"), js.find("// </protocol>\n").expect("its end"));
        let want = js_protocol();
        let block = &js[start..end + "// </protocol>\n".len()];
        if block != want && std::env::var_os("UPDATE_PROTOCOL").is_some() {
            std::fs::write(path, format!("{}{}{}", &js[..start], want, &js[end + "// </protocol>\n".len()..])).expect("written");
            return;
        }
        assert_eq!(block, want, "src/wasm/js/notes.js's protocol block is not src/crossing.rs's: run UPDATE_PROTOCOL=1 cargo test --lib crossing");
    }

    #[test]
    fn names_are_unique_and_the_mask_is_every_platform() {
        let js = js_protocol();
        let names: Vec<&str> = js.lines().filter_map(|l| l.strip_prefix("const ")).filter_map(|l| l.split(' ').next()).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len());
        assert!(js.contains("const ALL_PLATFORMS = 7;\n") && js.contains("const KIND_MODASH_NOT_OBJECT = 6;\n") && js.contains("const SHAPE_ARRAY = 4;\n"));
    }

    fn object_record(needed: Needed) -> (Vec<f64>, String) {
        // What the JS reader writes for {modash_data:{userId:"L", platforms:{tiktok:{userId:"T",
        // last_refreshed:"2025", username:"u", followers:5}}}}.
        let mut n = vec![0.0, 0.0, 0.0, 1.0, Kind::Object as u8 as f64];
        let mut s = String::new();
        let mut str_leaf = |n: &mut Vec<f64>, v: &str| {
            n.extend([Tag::Str as u8 as f64, v.len() as f64]);
            s.push_str(v);
        };
        str_leaf(&mut n, "L");
        n.extend([0.0, 0.0]);
        if needed.legacy_field(LegacyField::LastRefreshed) {
            n.push(0.0);
        }
        if needed.payloads() {
            n.push(0.0);
        }
        n.push(SHAPE_OBJECT);
        n.push(SHAPE_ABSENT);
        n.push(SHAPE_OBJECT);
        for f in EntryField::ALL.into_iter().filter(|f| needed.entry_field(*f)) {
            match f {
                EntryField::UserId => str_leaf(&mut n, "T"),
                EntryField::LastRefreshed => str_leaf(&mut n, "2025"),
                EntryField::Username => str_leaf(&mut n, "u"),
                EntryField::Followers => n.extend([Tag::Number as u8 as f64, 5.0]),
                _ => n.push(Tag::Missing as u8 as f64),
            }
        }
        if needed.payloads() {
            n.push(1.0);
        }
        n.push(NotObject::Array.code());
        (n, s)
    }

    #[test]
    fn reads_each_level_as_written() {
        for fields in Fields::ALL {
            let needed = Needed { platforms: 7, fields };
            let (n, s) = object_record(needed);
            let mut d = Decoder::new(&n, &s, true, needed);
            let mut read = NotesRead::Unreadable;
            assert_eq!(d.notes_into(&mut read), None);
            let NotesRead::Ok(v) = read else { panic!("{fields:?}") };
            let t = v.entry(Platform::Tiktok);
            assert_eq!((&v.legacy_user_id, &t.user_id), (&Leaf::Str("L".into()), &Leaf::Str("T".into())));
            assert_eq!(t.last_refreshed != Leaf::Missing, fields >= Fields::Freshness);
            assert_eq!(t.metrics[0] == Leaf::Number(5.0), fields >= Fields::Write);
            assert_eq!(t.has_payload, fields >= Fields::Write);
            assert_eq!(t.username != Leaf::Missing, fields == Fields::All);
            assert_eq!(v.entry(Platform::Youtube).not_object, Some(NotObject::Array));
            assert_eq!(d.i, n.len(), "{fields:?}: every number read, no more");
        }
    }

    use proptest::prelude::*;

    proptest! {
        /// Any numbers (mostly the protocol's small ones) and any strings: reading never panics
        /// and every string handed over lies inside the buffer (`fuzz/fuzz_targets/crossing.rs`
        /// runs the same on coverage-guided input).
        #[test]
        fn any_scratch_reads_inside_its_buffer(
            nums in proptest::collection::vec(prop_oneof![4 => (-2i8..8).prop_map(f64::from), 1 => proptest::num::f64::ANY], 0..80),
            strings in "\\PC{0,24}", ascii in proptest::bool::ANY, level in 0usize..4, platforms in 0u32..8,
        ) {
            let needed = Needed { platforms, fields: Fields::ALL[level] };
            let range = strings.as_ptr() as usize..=strings.as_ptr() as usize + strings.len();
            let inside = |l: &Leaf| match l {
                Leaf::Str(std::borrow::Cow::Borrowed(s)) => s.is_empty() || (range.contains(&(s.as_ptr() as usize)) && range.contains(&(s.as_ptr() as usize + s.len()))),
                Leaf::Str(_) => false,
                _ => true,
            };
            let mut d = Decoder::new(&nums, &strings, ascii, needed);
            let mut names = Vec::new();
            for _ in 0..3 {
                d.names(&mut names);
                let mut read = NotesRead::Unreadable;
                if let (None, NotesRead::Ok(v)) = (d.notes_into(&mut read), &read) {
                    prop_assert!([&v.legacy_user_id, &v.legacy_platform].into_iter().chain(v.platforms.iter().flat_map(|e| [&e.user_id, &e.username])).all(inside));
                }
                let n = d.count();
                for _ in 0..n.min(32) {
                    prop_assert!(inside(&d.value()));
                }
            }
        }
    }

    #[test]
    fn anything_in_the_scratch_reads_without_a_panic() {
        // Every prefix, and lengths that point past the end, NaN, negatives, huge numbers.
        let (n, s) = object_record(Needed::ALL);
        for cut in 0..n.len() {
            let mut d = Decoder::new(&n[..cut], &s, true, Needed::ALL);
            let _ = d.notes_into(&mut NotesRead::Unreadable);
        }
        for bad in [f64::NAN, -1.0, 1e300, f64::INFINITY, 2.5, 7.0] {
            for at in HEADER..n.len() {
                let mut m = n.clone();
                m[at] = bad;
                for ascii in [true, false] {
                    let mut d = Decoder::new(&m, "é", ascii, Needed::ALL);
                    let _ = (d.notes_into(&mut NotesRead::Unreadable), d.count(), d.value());
                    let mut names = Vec::new();
                    d.names(&mut names);
                }
            }
        }
    }
}
