//! Export: `reportFigures` (server build, beside the write path that stores what it reads).

use super::js::{error, key};
use super::user_id::platform_arg;
use crate::error::Code;
use crate::notes::METRICS;
use crate::report::{self, NotAReport};
use crate::write::Num;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_REPORT: &'static str = r#"
/**
 * What a Modash report gives the flow, read where Modash's documented answer keeps it for the
 * platform (`profile.profile.followers`, `profile.profile.engagementRate`, Instagram's
 * `profile.avgReelsPlays`, …). A figure the report lacks is null, never a made-up zero.
 */
export interface ReportFigures {
  userId: string | null;
  username: string | null;
  fullname: string | null;
  followers: number | null;
  /** A fraction, as Modash sends it (0.0271 is 2.71 %). */
  engagementRate: number | null;
  avgViews: number | null;
  postsCount: number | null;
  /** The metrics (`followers`, `engagementRate`, `avgViews`) the report did not give. */
  missing: ('followers' | 'engagementRate' | 'avgViews')[];
}
"#;

/// The figures of `platform`'s Modash report, from its JSON text as received. Throws
/// `NOT_A_REPORT` for text that is not JSON or not an object with a `profile` object.
#[wasm_bindgen(js_name = reportFigures, unchecked_return_type = "ReportFigures")]
pub fn report_figures(platform: JsValue, text: &str) -> Result<JsValue, JsValue> {
    let p = platform_arg(&platform)?;
    let f = report::figures(p, text).map_err(|e: NotAReport| error(Code::NotAReport, &format!("Not a Modash report: {e}")))?;
    let o: JsValue = Object::new().into();
    let text_or_null = |v: &Option<String>| v.as_deref().map_or(JsValue::NULL, JsValue::from_str);
    let num_or_null = |v: &Option<Num>| v.as_ref().map_or(JsValue::NULL, |n| JsValue::from_f64(n.value));
    let _ = Reflect::set(&o, &key("userId"), &text_or_null(&f.user_id));
    let _ = Reflect::set(&o, &key("username"), &text_or_null(&f.username));
    let _ = Reflect::set(&o, &key("fullname"), &text_or_null(&f.fullname));
    for (m, v) in METRICS.iter().zip(&f.metrics) {
        let _ = Reflect::set(&o, &key(m), &num_or_null(v));
    }
    let _ = Reflect::set(&o, &key("postsCount"), &num_or_null(&f.posts_count));
    let _ = Reflect::set(&o, &key("missing"), &f.missing.iter().map(|m| JsValue::from_str(m)).collect::<Array>());
    Ok(o)
}
