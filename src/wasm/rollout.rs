//! Exports: `rolloutBucket`, `inRollout` (the rule is `crate::rollout`).

use super::js::{describe, invalid};
use crate::rollout;
use wasm_bindgen::prelude::*;

fn id_arg(id: &JsValue) -> Result<String, JsValue> {
    id.as_string().filter(|s| !s.is_empty()).ok_or_else(|| invalid(&format!("id must be a non-empty string, got {}", describe(id))))
}

#[wasm_bindgen(js_name = rolloutBucket, skip_typescript)]
pub fn rollout_bucket(id: JsValue) -> Result<u8, JsValue> {
    Ok(rollout::bucket(&id_arg(&id)?))
}

#[wasm_bindgen(js_name = inRollout, skip_typescript)]
pub fn in_rollout(id: JsValue, percent: JsValue) -> Result<bool, JsValue> {
    let p = percent
        .as_f64()
        .filter(|p| p.is_finite() && (0.0..=100.0).contains(p))
        .ok_or_else(|| invalid(&format!("percent must be a number from 0 to 100, got {}", describe(&percent))))?;
    Ok(rollout::in_rollout(&id_arg(&id)?, p))
}
