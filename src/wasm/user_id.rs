//! Exports: `normalizePlatform`, `legacyUserIdApplies`, `resolveUserId`.

use super::js::{describe, key, str_or_null, Obj};
use super::read;
use crate::notes::{Fields, Needed};
use crate::platform::{self, Platform, UnsupportedPlatform};
use crate::user_id::{self, LegacyPlatform};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_USER_ID: &'static str = r#"
/** A supported platform, normalised. */
export type Platform = 'instagram' | 'tiktok' | 'youtube';

/** The answer of `resolveUserId`. */
export interface UserIdResolution {
  platform: Platform;
  /** The usable userId (trimmed string, or a safe integer as a decimal string), or null. */
  userId: string | null;
  /** `platform`: `modash_data.platforms[platform].userId`; `legacy`: `modash_data.userId` / `modash_user_id` under the legacy rule. */
  source: 'platform' | 'legacy' | 'none';
  /** True exactly when `source === 'legacy'`: store it per platform on the next write. */
  needsMigration: boolean;
  /** A usable legacy id the legacy rule refuses for this platform (whatever the source). */
  rejectedLegacy: null | { userId: string; legacyPlatform: string | null; reason: 'platform-mismatch' | 'unknown-platform' };
  /** `notes-unreadable`: notes was a string that is not JSON, or not an object. */
  problem: null | 'notes-unreadable';
}
"#;

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

/// Normalises a platform name: trims, lower-cases, accepts `ig`, `insta`, `tt`, `tik tok`,
/// `tik-tok`, `yt`, `you tube`. `null`, `undefined` and `''` mean `instagram`.
/// @throws ModashFlowError `UNSUPPORTED_PLATFORM` for any other value.
#[wasm_bindgen(js_name = normalizePlatform, unchecked_return_type = "Platform")]
pub fn normalize_platform(#[wasm_bindgen(unchecked_optional_param_type = "string | null")] value: JsValue) -> Result<JsValue, JsValue> {
    // A cached JS string: no UTF-8 decode on the way out.
    platform_arg(&value).map(|p| key(p.as_str()))
}

/// The platforms `normalizePlatform` answers with, in order: `['instagram', 'tiktok', 'youtube']`
/// (a new array each call). The app's one platform list.
#[wasm_bindgen(js_name = knownPlatforms, unchecked_return_type = "Platform[]")]
pub fn known_platforms() -> js_sys::Array {
    crate::platform::Platform::ALL.iter().map(|p| key(p.as_str())).collect()
}

/// The legacy rule: legacy `modash_data.userId` applies to `platform` when the legacy platform
/// normalises to it, or when the legacy platform is absent/empty and `platform` is Instagram.
/// A legacy platform that does not normalise is never trusted.
/// @throws ModashFlowError `UNSUPPORTED_PLATFORM` when `platform` is not supported.
#[wasm_bindgen(js_name = legacyUserIdApplies, unchecked_return_type = "boolean")]
pub fn legacy_user_id_applies(
    #[wasm_bindgen(js_name = legacyPlatform, unchecked_param_type = "string | null | undefined")] legacy_platform: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] platform: JsValue,
) -> Result<bool, JsValue> {
    let requested = platform_arg(&platform)?;
    Ok(LegacyPlatform::from_leaf(&read::leaf(&legacy_platform)).applies_to(requested))
}

/// Finds the userId to fetch `platform` with: `platforms[platform].userId` first, then the
/// legacy fields where the legacy rule applies. Never throws on bad notes (see `problem`).
/// @throws ModashFlowError `UNSUPPORTED_PLATFORM` when `platform` is not supported.
#[wasm_bindgen(js_name = resolveUserId, unchecked_return_type = "UserIdResolution")]
pub fn resolve_user_id(
    #[wasm_bindgen(unchecked_param_type = "unknown")] notes: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] platform: JsValue,
) -> Result<JsValue, JsValue> {
    let p = platform_arg(&platform)?;
    Ok(read::with_notes(&notes, Needed::platform_only(p, Fields::Ids), |n| {
        let r = user_id::resolve_ref(n, p);
        let rejected = r.rejected_legacy.as_ref().map_or(JsValue::NULL, |rej| {
            Obj::new()
                .set("userId", rej.user_id.as_str())
                .set("legacyPlatform", str_or_null(rej.legacy_platform.as_deref()))
                .set("reason", key(rej.reason.as_str()))
                .build()
        });
        Obj::new()
            .set("platform", key(r.platform.as_str()))
            .set("userId", str_or_null(r.user_id.as_deref()))
            .set("source", key(r.source.as_str()))
            .set("needsMigration", r.needs_migration())
            .set("rejectedLegacy", rejected)
            .set("problem", if r.unreadable { key("notes-unreadable") } else { JsValue::NULL })
            .build()
    }))
}
