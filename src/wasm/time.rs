//! Exports: `parseTimestamp`, `parseTimestamps`, `cacheAge`, `isFresh`, `cacheAgeLabel`.

use super::collect::{self, Collected, Refused, MAX_ROWS};
use super::js::{self, array_arg, describe, invalid, now_arg, num_or_null, option};
use super::read::leaf;
use super::ttl::ttl_ms;
use crate::{label, time};
use wasm_bindgen::prelude::*;

fn age_of(last_refreshed: &JsValue, now: f64) -> Option<f64> {
    time::parse_leaf(&leaf(last_refreshed)).and_then(|t| time::age(t, now))
}

#[wasm_bindgen(js_name = parseTimestamp, skip_typescript)]
pub fn parse_timestamp(value: JsValue) -> JsValue {
    num_or_null(time::parse_leaf(&leaf(&value)))
}

/// `parseTimestamp` on every value of an array in one call (one crossing each way); NaN
/// where `parseTimestamp` gives null.
#[wasm_bindgen(js_name = parseTimestamps, skip_typescript)]
pub fn parse_timestamps(values: JsValue) -> Result<Vec<f64>, JsValue> {
    array_arg(&values, "values")?;
    if let Some(column) = collect::ascii_column(&values) {
        let mut out = Vec::with_capacity(column.len());
        // null/undefined and strings that do not parse are NaN, as in the general path.
        out.extend(column.values().map(|v| v.and_then(time::parse_utf8).unwrap_or(f64::NAN)));
        return Ok(out);
    }
    let c = Collected::values(&values).map_err(|r| match r {
        Refused::TooLong => invalid(&format!("values must be an array of at most {MAX_ROWS} values")),
        _ => invalid("values could not be read (a getter or Proxy trap threw)"),
    })?;
    let mut r = c.reader();
    let n = r.count();
    Ok((0..n).map(|_| time::parse_leaf(&r.value()).unwrap_or(f64::NAN)).collect())
}

#[wasm_bindgen(js_name = cacheAge, skip_typescript)]
pub fn cache_age(last_refreshed: JsValue, now: JsValue) -> Result<JsValue, JsValue> {
    Ok(num_or_null(age_of(&last_refreshed, now_arg(&now, "now")?)))
}

#[wasm_bindgen(js_name = isFresh, skip_typescript)]
pub fn is_fresh(last_refreshed: JsValue, ttl: JsValue, now: JsValue) -> Result<bool, JsValue> {
    let ttl = ttl_ms(&ttl, "ttlMs")?;
    Ok(time::is_fresh(age_of(&last_refreshed, now_arg(&now, "now")?), ttl))
}

#[wasm_bindgen(js_name = cacheAgeLabel, skip_typescript)]
pub fn cache_age_label(last_refreshed: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let now = now_arg(&option(&options, "now", "options")?, "options.now")?;
    let style = option(&options, "style", "options")?;
    let long = match style.as_string().as_deref() {
        _ if style.is_undefined() => false,
        Some("short") => false,
        Some("long") => true,
        _ => return Err(invalid(&format!("options.style must be 'short' or 'long', got {}", describe(&style)))),
    };
    let locale = option(&options, "locale", "options")?;
    let locale = if locale.is_undefined() || locale.is_null() {
        "en".to_string()
    } else {
        locale.as_string().ok_or_else(|| invalid(&format!("options.locale must be a string, got {}", describe(&locale))))?
    };
    let Some(age) = age_of(&last_refreshed, now) else { return Ok(JsValue::NULL) };
    let text = if long {
        let (value, unit) = label::intl_args(age);
        js::relative_time(&locale, value, unit).unwrap_or_else(|| label::long_en(age))
    } else {
        label::short(age)
    };
    Ok(JsValue::from_str(&text))
}
