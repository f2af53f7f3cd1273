//! Exports: `parseTimestamp`, `parseTimestamps`, `cacheAge`, `isFresh`, `cacheAgeLabel`.

use super::js::{self, array_arg, invalid, now_arg, num_or_null};
use super::options::{Family, Options, Problem};
use super::read::{leaf, timestamps_text, MAX_ROWS};
use super::ttl::ttl_ms;
use crate::{label, time};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_LABEL: &'static str = r#"
export interface CacheAgeLabelOptions {
  /** Epoch ms; default `Date.now()`. */
  now?: number;
  /** `short` (default): `3h ago`; `long`: `Intl.RelativeTimeFormat` wording, e.g. `3 hours ago`, `yesterday`. */
  style?: 'short' | 'long';
  /** BCP 47 locale for the long style; default `en`. An unknown locale falls back to English. */
  locale?: string;
}
"#;

fn age_of(last_refreshed: &JsValue, now: f64) -> Option<f64> {
    time::parse_leaf(&leaf(last_refreshed)).and_then(|t| time::age(t, now))
}

/// Epoch ms of an RFC 3339 string (`Z` or `±hh:mm`), a Postgres timestamptz text
/// (`2025-01-15 10:00:00.123456+00`), a finite number (epoch ms) or a `Date`; otherwise null
/// (also for impossible dates such as `2025-02-30` and strings without an offset).
#[wasm_bindgen(js_name = parseTimestamp, unchecked_return_type = "number | null")]
pub fn parse_timestamp(#[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue) -> JsValue {
    num_or_null(time::parse_leaf(&leaf(&value)))
}

/// `parseTimestamp` on each value, in one call: epoch ms, NaN where `parseTimestamp` gives
/// null. For a column of timestamps (one crossing into wasm instead of one per value).
/// @throws ModashFlowError `INVALID_ARGUMENT` when `values` is not an array (or a Proxy throws).
#[wasm_bindgen(js_name = parseTimestamps, unchecked_return_type = "Float64Array")]
pub fn parse_timestamps(#[wasm_bindgen(unchecked_param_type = "ReadonlyArray<unknown>")] values: JsValue) -> Result<Vec<f64>, JsValue> {
    array_arg(&values, "values")?;
    // One JSON array of strings, numbers (a Date's time) and null, read by the core's parser.
    let text = timestamps_text(&values, MAX_ROWS);
    if text.is_undefined() {
        return Err(invalid(&format!("values must be an array of at most {MAX_ROWS} values")));
    }
    let text = text.as_string().ok_or_else(|| invalid("values could not be read (a getter or Proxy trap threw)"))?;
    let mut out = Vec::new();
    let read = crate::json::Parser::new(&text).array(|p| {
        out.push(time::parse_leaf(&crate::notes::text::leaf(p)?).unwrap_or(f64::NAN));
        Ok(())
    });
    debug_assert!(read.is_ok(), "timestampsText writes a JSON array");
    Ok(out)
}

/// `now - lastRefreshed` in ms; up to 5 minutes in the future counts as 0 (clock skew);
/// unreadable or further in the future gives null.
/// @throws ModashFlowError `INVALID_ARGUMENT` when `now` is given but not a finite number.
#[wasm_bindgen(js_name = cacheAge, unchecked_return_type = "number | null")]
pub fn cache_age(
    #[wasm_bindgen(js_name = lastRefreshed, unchecked_param_type = "unknown")] last_refreshed: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] now: JsValue,
) -> Result<JsValue, JsValue> {
    Ok(num_or_null(age_of(&last_refreshed, now_arg(&now, "now")?)))
}

/// True when the age is known and `age <= ttlMs`.
/// @throws ModashFlowError `INVALID_TTL` when `ttlMs` is not a finite number >= 0.
#[wasm_bindgen(js_name = isFresh, unchecked_return_type = "boolean")]
pub fn is_fresh(
    #[wasm_bindgen(js_name = lastRefreshed, unchecked_param_type = "unknown")] last_refreshed: JsValue,
    #[wasm_bindgen(js_name = ttlMs, unchecked_param_type = "number")] ttl: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] now: JsValue,
) -> Result<bool, JsValue> {
    let ttl = ttl_ms(&ttl, "ttlMs")?;
    Ok(time::is_fresh(age_of(&last_refreshed, now_arg(&now, "now")?), ttl))
}

/// The label options: now, the long style, the locale.
fn label_options(options: &JsValue) -> Result<(f64, bool, String), JsValue> {
    let o = Options::of(options, Family::Call("options"))?;
    let now = o.now("now")?;
    let long = o.value("style")?;
    let long = match long.as_string().as_deref() {
        _ if long.is_undefined() => false,
        Some("short") => false,
        Some("long") => true,
        _ => return Err(o.fail("style", Problem::Not(&long, "'short' or 'long'"))),
    };
    Ok((now, long, o.string("locale")?.unwrap_or_else(|| "en".into())))
}

/// A cache-age label: short `just now`, `5m ago`, `3h ago`, `2d ago` (to 30 days), `4mo ago`
/// (to 12 months), `2y ago`; long via `Intl.RelativeTimeFormat` (`numeric: 'auto'`), English
/// where Intl is missing. Null for an unreadable or future timestamp.
#[wasm_bindgen(js_name = cacheAgeLabel, unchecked_return_type = "string | null")]
pub fn cache_age_label(
    #[wasm_bindgen(js_name = lastRefreshed, unchecked_param_type = "unknown")] last_refreshed: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "CacheAgeLabelOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let (now, long, locale) = label_options(&options)?;
    let Some(age) = age_of(&last_refreshed, now) else { return Ok(JsValue::NULL) };
    let text = if long {
        let (value, unit) = label::intl_args(age);
        js::relative_time(&locale, value, unit).unwrap_or_else(|| label::long_en(age))
    } else {
        label::short(age)
    };
    Ok(JsValue::from_str(&text))
}
