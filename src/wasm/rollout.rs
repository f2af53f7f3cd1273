//! Exports: `rolloutBucket`, `inRollout` (the rule is `crate::rollout`).

use super::js::{describe, invalid};
use crate::rollout;
use wasm_bindgen::prelude::*;

fn id_arg(id: &JsValue) -> Result<String, JsValue> {
    id.as_string().filter(|s| !s.is_empty()).ok_or_else(|| invalid(&format!("id must be a non-empty string, got {}", describe(id))))
}

/// The bucket (0-99) a staff id falls in: the same on every call, process and browser.
#[wasm_bindgen(js_name = rolloutBucket, unchecked_return_type = "number")]
pub fn rollout_bucket(#[wasm_bindgen(unchecked_param_type = "string")] id: JsValue) -> Result<u8, JsValue> {
    Ok(rollout::bucket(&id_arg(&id)?))
}

/// Whether a staff id is in a rollout to `percent` % of staff (whole buckets): stable per id,
/// and raising the percentage only adds people.
/// @throws ModashFlowError `INVALID_ARGUMENT` for an empty id or a percent outside 0-100.
#[wasm_bindgen(js_name = inRollout, unchecked_return_type = "boolean")]
pub fn in_rollout(
    #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] percent: JsValue,
) -> Result<bool, JsValue> {
    let p = percent
        .as_f64()
        .filter(|p| p.is_finite() && (0.0..=100.0).contains(p))
        .ok_or_else(|| invalid(&format!("percent must be a number from 0 to 100, got {}", describe(&percent))))?;
    Ok(rollout::in_rollout(&id_arg(&id)?, p))
}
