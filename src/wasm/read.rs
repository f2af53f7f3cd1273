//! Reads the core's `NotesView` from whatever JS hands over: an object (only the needed
//! properties are read, payloads are never touched), JSON text, UTF-8 bytes, null/undefined.

use super::js::{get, is_record};
use crate::notes::{read_text, EntryView, Leaf, NotesRead, NotesView, METRICS};
use crate::platform::Platform;
use js_sys::{Date, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// One JS value as a core leaf.
pub fn leaf(v: &JsValue) -> Leaf {
    if v.is_undefined() {
        Leaf::Missing
    } else if v.is_null() {
        Leaf::Null
    } else if let Some(s) = v.as_string() {
        Leaf::Str(s)
    } else if let Some(n) = v.as_f64() {
        Leaf::Number(n)
    } else if let Some(b) = v.as_bool() {
        Leaf::Bool(b)
    } else if let Some(d) = v.dyn_ref::<Date>() {
        Leaf::Date(d.get_time())
    } else {
        Leaf::Other
    }
}

/// Reads notes; never throws (a throwing getter or Proxy makes the notes unreadable).
pub fn notes(v: &JsValue) -> NotesRead {
    if v.is_undefined() || v.is_null() {
        return NotesRead::Ok(NotesView::default());
    }
    if let Some(s) = v.as_string() {
        return read_text(&s);
    }
    if let Some(bytes) = v.dyn_ref::<Uint8Array>() {
        return match String::from_utf8(bytes.to_vec()) {
            Ok(s) => read_text(&s),
            Err(_) => NotesRead::Unreadable,
        };
    }
    if !is_record(v) {
        return NotesRead::Unreadable;
    }
    object(v).unwrap_or(NotesRead::Unreadable)
}

fn object(v: &JsValue) -> Result<NotesRead, JsValue> {
    let mut view = NotesView::default();
    let md = get(v, "modash_data")?;
    if is_record(&md) {
        view.legacy_user_id = leaf(&get(&md, "userId")?);
        view.legacy_modash_user_id = leaf(&get(&md, "modash_user_id")?);
        view.legacy_platform = leaf(&get(&md, "platform")?);
        view.legacy_last_refreshed = leaf(&get(&md, "last_refreshed")?);
        view.legacy_payload = !get(&md, "cached_payload")?.is_undefined();
        let platforms = get(&md, "platforms")?;
        if is_record(&platforms) {
            for p in Platform::ALL {
                let e = get(&platforms, p.as_str())?;
                if is_record(&e) {
                    let mut has_metric = [false; 3];
                    for (i, m) in METRICS.iter().enumerate() {
                        has_metric[i] = !get(&e, m)?.is_undefined();
                    }
                    view.platforms[p.index()] = EntryView {
                        user_id: leaf(&get(&e, "userId")?),
                        last_refreshed: leaf(&get(&e, "last_refreshed")?),
                        has_metric,
                        has_payload: !get(&e, "cached_payload")?.is_undefined(),
                    };
                }
            }
        }
    }
    Ok(NotesRead::Ok(view))
}
