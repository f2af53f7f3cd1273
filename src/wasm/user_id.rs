//! Exports: `normalizePlatform`, `legacyUserIdApplies`, `resolveUserId`.

use super::js::{describe, known_platform, remember_platform, resolution, str_or_null, word};
use super::read::{self, Id};
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

/// A requested platform argument: undefined, null or '' mean Instagram. A string the core has
/// normalised before is known from its exact text without crossing (`js::known_platform`).
pub fn platform_arg(v: &JsValue) -> Result<Platform, JsValue> {
    if let Some(&p) = usize::try_from(known_platform(v)).ok().and_then(|i| Platform::ALL.get(i)) {
        return Ok(p);
    }
    let found = if v.is_undefined() || v.is_null() {
        None
    } else if let Some(s) = v.as_string() {
        Some(s)
    } else {
        let e = UnsupportedPlatform(describe(v));
        return Err(e.into());
    };
    let p = platform::normalize(found.as_deref())?;
    if found.is_some() {
        remember_platform(v, p.index() as u32);
    }
    Ok(p)
}

/// Normalises a platform name: trims, lower-cases, accepts `ig`, `insta`, `tt`, `tik tok`,
/// `tik-tok`, `yt`, `you tube`. `null`, `undefined` and `''` mean `instagram`.
/// @throws ModashFlowError `UNSUPPORTED_PLATFORM` for any other value.
#[wasm_bindgen(js_name = normalizePlatform, unchecked_return_type = "Platform")]
pub fn normalize_platform(#[wasm_bindgen(unchecked_optional_param_type = "string | null")] value: JsValue) -> Result<JsValue, JsValue> {
    // A cached JS string: no UTF-8 decode on the way out.
    platform_arg(&value).map(|p| word(p.as_str()))
}

/// The platforms `normalizePlatform` answers with, in order: `['instagram', 'tiktok', 'youtube']`
/// (a new array each call). The app's one platform list.
#[wasm_bindgen(js_name = knownPlatforms, unchecked_return_type = "Platform[]")]
pub fn known_platforms() -> js_sys::Array {
    crate::platform::Platform::ALL.iter().map(|p| word(p.as_str())).collect()
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
    Ok(read::with_notes(&notes, Needed::platform_only(p, Fields::Ids), |n, origin| {
        let r = user_id::resolve_ref(n, p);
        // The result's id is one field's string, whole: JS hands back the string it already
        // has instead of decoding a copy (the costliest step of this call).
        let handback = n.view().zip(r.user_id.as_deref()).and_then(|(view, id)| {
            [(&view.entry(p).user_id, Id::Entry(p)), (&view.legacy_user_id, Id::LegacyUserId), (&view.legacy_modash_user_id, Id::LegacyModashUserId)]
                .into_iter()
                .find_map(|(leaf, field)| origin.handback(leaf, field, id))
        });
        let rej = r.rejected_legacy.as_ref();
        resolution(
            &word(r.platform.as_str()),
            &handback.and_then(|h| h.js(&notes)).unwrap_or_else(|| str_or_null(r.user_id.as_deref())),
            &word(r.source.as_str()),
            r.needs_migration(),
            rej.map(|rej| rej.user_id.as_str()),
            &str_or_null(rej.and_then(|rej| rej.legacy_platform.as_deref())),
            &rej.map_or(JsValue::NULL, |rej| word(rej.reason.as_str())),
            r.unreadable,
        )
    }))
}
