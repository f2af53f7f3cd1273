//! Notes in: whatever JS hands over (an object, JSON text, UTF-8 bytes, null/undefined) crosses
//! as JSON text (`notesText` in `js/notes.js`: an object through `JSON.stringify`) and is read
//! by the core's one JSON reader, only as far as the call needs (`Needed`).

use super::js::get;
use crate::notes::{read_utf8_needed, Leaf, Needed, NotesRead};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TS_NOTES_INPUT: &'static str = r#"
/** Notes as the app holds them: an object, the raw JSON text of the column, its UTF-8 bytes, or nothing. */
export type NotesInput = object | string | Uint8Array | null | undefined;
"#;

/// Longest list of rows (or timestamps) read, and longest platform list.
pub const MAX_ROWS: u32 = 16_777_216;
pub const MAX_NAMES: u32 = 65_536;

#[wasm_bindgen(module = "/src/wasm/js/notes.js")]
extern "C" {
    #[wasm_bindgen(js_name = notesText)]
    fn notes_text(v: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = oneIn)]
    fn one_in(notes: &JsValue, list: &JsValue, max_names: u32) -> JsValue;
    #[wasm_bindgen(js_name = rowsIn)]
    fn rows_in(rows: &JsValue, max_rows: u32, max_names: u32) -> JsValue;
    /// The time of a `Date` (NaN when invalid), `None` for anything else; never throws.
    #[wasm_bindgen(js_name = dateTime)]
    pub fn date_time(v: &JsValue) -> Option<f64>;
    /// parseTimestamps' values as one JSON array (strings, numbers, null); null when a read
    /// threw, undefined when the list is too long.
    #[wasm_bindgen(js_name = timestampsText)]
    pub fn timestamps_text(list: &JsValue, max: u32) -> JsValue;
}

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

/// Notes as they crossed: no notes, unreadable, or their UTF-8 JSON text.
pub enum NotesText {
    Empty,
    Unreadable,
    Utf8(Vec<u8>),
}

impl NotesText {
    /// What `notesText` handed over.
    fn of(text: JsValue) -> NotesText {
        if text.is_undefined() {
            NotesText::Empty
        } else if let Some(s) = text.as_string() {
            NotesText::Utf8(s.into_bytes())
        } else if let Some(bytes) = text.dyn_ref::<Uint8Array>() {
            NotesText::Utf8(bytes.to_vec())
        } else {
            NotesText::Unreadable
        }
    }

    /// Reads a notes value (never throws).
    pub fn from_js(v: &JsValue) -> NotesText {
        NotesText::of(notes_text(v))
    }

    /// The core's reading, only what `needed` names.
    pub fn read(&self, needed: Needed) -> NotesRead<'_> {
        match self {
            NotesText::Empty => NotesRead::Ok(Default::default()),
            NotesText::Unreadable => NotesRead::Unreadable,
            NotesText::Utf8(bytes) => read_utf8_needed(bytes, needed),
        }
    }
}

/// Reads notes, what `needed` names; never throws on bad notes.
pub fn notes_needed(v: &JsValue, needed: Needed) -> NotesRead<'static> {
    NotesText::from_js(v).read(needed).into_owned()
}

/// An object's notes as their JSON text (`JSON.stringify`); `None` when that throws.
#[cfg(feature = "write-path")]
pub fn object_text(v: &JsValue) -> Option<String> {
    notes_text(v).as_string()
}

/// [`notes_needed`] handed to `f` without copying its strings out.
pub fn with_notes<R>(v: &JsValue, needed: Needed, f: impl FnOnce(&NotesRead<'_>) -> R) -> R {
    f(&NotesText::from_js(v).read(needed))
}

/// A row of badges' input: its platform list (`None` where a name is no string) and notes.
pub struct Row {
    pub names: Vec<Option<String>>,
    pub notes: NotesText,
}

/// `analyticsProgress`'s notes and platform list; `Err` says what could not be read.
pub fn one(notes: &JsValue, platforms: &JsValue) -> Result<Vec<Row>, String> {
    rows_of(one_in(notes, platforms, MAX_NAMES))
}

/// `analyticsProgressBatch`'s rows (`rows` is an array).
pub fn rows(rows: &JsValue) -> Result<Vec<Row>, String> {
    rows_of(rows_in(rows, MAX_ROWS, MAX_NAMES))
}

fn rows_of(got: JsValue) -> Result<Vec<Row>, String> {
    let field = |k: &'static str| get(&got, k).unwrap_or(JsValue::UNDEFINED);
    if let Some(message) = field("refused").as_string() {
        return Err(message);
    }
    // Plain arrays made by `rowsIn`: reading them cannot throw.
    let (texts, lists) = (Array::from(&field("texts")), Array::from(&field("lists")));
    Ok(texts
        .iter()
        .zip(lists.iter())
        .map(|(text, list)| Row { names: Array::from(&list).iter().map(|n| n.as_string()).collect(), notes: NotesText::of(text) })
        .collect())
}
