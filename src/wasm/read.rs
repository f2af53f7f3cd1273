//! Reads the core's `NotesView` from whatever JS hands over: an object (only the needed
//! properties are read, payloads are never touched), JSON text, UTF-8 bytes, null/undefined.

use super::collect::{date_time, Collected};
pub use super::collect::{Handback, Id, Origin};
use crate::notes::{Fields, Leaf, Needed, NotesRead};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_NOTES_INPUT: &'static str = r#"
/** Notes as the app holds them: an object, the raw JSON text of the column, its UTF-8 bytes, or nothing. */
export type NotesInput = object | string | Uint8Array | null | undefined;
"#;

/// One JS value as a core leaf.
pub fn leaf(v: &JsValue) -> Leaf<'static> {
    if v.is_undefined() {
        Leaf::Missing
    } else if v.is_null() {
        Leaf::Null
    } else if let Some(s) = v.as_string() {
        Leaf::Str(s.into())
    } else if let Some(n) = v.as_f64() {
        Leaf::Number(n)
    } else if let Some(b) = v.as_bool() {
        Leaf::Bool(b)
    } else if let Some(t) = date_time(v) {
        Leaf::Date(t)
    } else {
        Leaf::Other
    }
}

/// Reads notes; never throws (a throwing getter or Proxy makes the notes unreadable).
/// Objects are read by the JS reader in `collect` (only the needed properties), text and
/// bytes are copied into wasm memory once and read by the core.
pub fn notes(v: &JsValue) -> NotesRead<'static> {
    Collected::notes(v, Needed { platforms: Needed::ALL_PLATFORMS, fields: Fields::Write })
}

/// [`notes`] handed to `f` without copying its strings out; only what `needed` names is read
/// (every field not read saves a property read and maybe a string, or decoding it from text).
pub fn with_notes<R: Default>(v: &JsValue, needed: Needed, f: impl FnOnce(&NotesRead<'_>, Origin) -> R) -> R {
    if v.is_null() || v.is_undefined() {
        return f(&NotesRead::Ok(Default::default()), Origin::Other);
    }
    // The reader takes a `dyn` callback (one copy of it for every caller); it calls it once.
    let (mut f, mut out) = (Some(f), R::default());
    Collected::with_notes(v, needed, &mut |n, origin| {
        if let Some(f) = f.take() {
            out = f(n, origin);
        }
    });
    out
}
