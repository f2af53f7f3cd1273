//! Export: `notesEntry`.

use super::js::{key, num_or_null, str_or_null, Obj};
use super::read;
use super::user_id::platform_arg;
use crate::entry;
use crate::notes::{Fields, Needed, METRICS};
use wasm_bindgen::prelude::*;

/// The `Metrics` interface, generated from the core's `METRICS` table.
#[wasm_bindgen(typescript_custom_section)]
const TS_METRICS: &'static str = crate::notes::TS_METRICS;

#[wasm_bindgen(typescript_custom_section)]
const TS_ENTRY: &'static str = r#"
/** The answer of `notesEntry`: what notes hold for one platform, every field checked. */
export interface NotesEntry extends Metrics {
  platform: Platform;
  /** The entry's own userId (trimmed string, or a safe integer as a decimal string), or null. */
  userId: string | null;
  /** A non-blank username, trimmed, or null. */
  username: string | null;
  /** Epoch ms of the last refresh (the legacy `last_refreshed` where the legacy rule applies), or null. */
  lastRefreshed: number | null;
  /** The `modash_profile_cache` row id, or null. */
  cacheId: string | null;
  /** A full `cached_payload` is still in notes. */
  hasPayload: boolean;
}
"#;

/// What notes hold for `platform` (`modash_data.platforms[platform]`): the stale data a panel
/// shows at once, and the cache row to read. Every field null when notes hold no entry or are
/// unreadable (see `resolveUserId`'s `problem`). Never parses more than the entry's fields.
/// @throws ModashFlowError `UNSUPPORTED_PLATFORM` when `platform` is not supported.
#[wasm_bindgen(js_name = notesEntry, unchecked_return_type = "NotesEntry")]
pub fn notes_entry(
    #[wasm_bindgen(unchecked_param_type = "unknown")] notes: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] platform: JsValue,
) -> Result<JsValue, JsValue> {
    let p = platform_arg(&platform)?;
    let e = read::with_notes(&notes, Needed::platform_only(p, Fields::All), |n| n.view().map(|v| entry::stored_entry(v, p)).unwrap_or_default());
    let mut o = Obj::new()
        .set("platform", key(p.as_str()))
        .set("userId", str_or_null(e.user_id.as_deref()))
        .set("username", str_or_null(e.username.as_deref()))
        .set("lastRefreshed", num_or_null(e.last_refreshed))
        .set("cacheId", str_or_null(e.cache_id.as_deref()));
    for (m, v) in METRICS.iter().zip(e.metrics) {
        o = o.set(m.key, num_or_null(v));
    }
    Ok(o.set("hasPayload", e.has_payload).build())
}
