//! Exports: `normalizePlatform`, `legacyUserIdApplies`, `resolveUserId`.

use super::js::{describe, str_or_null, word, Obj};
use super::read;
use crate::platform::{self, Platform, UnsupportedPlatform};
use crate::user_id::{self, LegacyPlatform};
use wasm_bindgen::prelude::*;

/// A requested platform argument: undefined, null or '' mean Instagram.
pub fn platform_arg(v: &JsValue) -> Result<Platform, JsValue> {
    let found = if v.is_undefined() || v.is_null() {
        None
    } else if let Some(s) = v.as_string() {
        Some(s)
    } else {
        let e = UnsupportedPlatform(describe(v));
        return Err(e.into());
    };
    Ok(platform::normalize(found.as_deref())?)
}

#[wasm_bindgen(js_name = normalizePlatform, skip_typescript)]
pub fn normalize_platform(value: JsValue) -> Result<JsValue, JsValue> {
    // A cached JS string: no UTF-8 decode on the way out.
    platform_arg(&value).map(|p| word(p.as_str()))
}

#[wasm_bindgen(js_name = legacyUserIdApplies, skip_typescript)]
pub fn legacy_user_id_applies(legacy_platform: JsValue, platform: JsValue) -> Result<bool, JsValue> {
    let requested = platform_arg(&platform)?;
    Ok(LegacyPlatform::from_leaf(&read::leaf(&legacy_platform)).applies_to(requested))
}

#[wasm_bindgen(js_name = resolveUserId, skip_typescript)]
pub fn resolve_user_id(notes: JsValue, platform: JsValue) -> Result<JsValue, JsValue> {
    let p = platform_arg(&platform)?;
    let r = user_id::resolve(&read::notes(&notes), p);
    let rejected = match &r.rejected_legacy {
        None => JsValue::NULL,
        Some(rej) => Obj::new()
            .set("userId", rej.user_id.as_str())
            .set("legacyPlatform", str_or_null(rej.legacy_platform.as_deref()))
            .set("reason", word(rej.reason.as_str()))
            .build(),
    };
    Ok(Obj::new()
        .set("platform", word(r.platform.as_str()))
        .set("userId", str_or_null(r.user_id.as_deref()))
        .set("source", word(r.source.as_str()))
        .set("needsMigration", r.needs_migration())
        .set("rejectedLegacy", rejected)
        .set("problem", if r.unreadable { word("notes-unreadable") } else { JsValue::NULL })
        .build())
}
