//! Export: `reportFigures` (server build, beside the write path that stores what it reads).

use super::js::{num_or_null, str_or_null, Obj};
use super::user_id::platform_arg;
use crate::notes::METRICS;
use crate::report;
use crate::write::Num;
use js_sys::Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_REPORT: &'static str = r#"
/**
 * What a Modash report gives the flow, read where Modash's documented answer keeps it for the
 * platform (`profile.profile.followers`, `profile.profile.engagementRate`, Instagram's
 * `profile.avgReelsPlays`, …). A figure the report lacks is null, never a made-up zero.
 */
export interface ReportFigures extends Metrics {
  userId: string | null;
  username: string | null;
  fullname: string | null;
  postsCount: number | null;
  /** The metrics the report did not give. */
  missing: (keyof Metrics)[];
}
"#;

/// The figures of `platform`'s Modash report, from its JSON text as received. Throws
/// `NOT_A_REPORT` for text that is not JSON or not an object with a `profile` object.
#[wasm_bindgen(js_name = reportFigures, unchecked_return_type = "ReportFigures")]
pub fn report_figures(platform: JsValue, text: &str) -> Result<JsValue, JsValue> {
    let p = platform_arg(&platform)?;
    let f = report::figures(p, text)?;
    let text_or_null = |v: &Option<String>| str_or_null(v.as_deref());
    let num = |v: &Option<Num>| num_or_null(v.as_ref().map(|n| n.value));
    let mut o = Obj::new().set("userId", text_or_null(&f.user_id)).set("username", text_or_null(&f.username)).set("fullname", text_or_null(&f.fullname));
    for (m, v) in METRICS.iter().zip(&f.metrics) {
        o = o.set(m.key, num(v));
    }
    Ok(o.set("postsCount", num(&f.posts_count)).set("missing", f.missing.iter().map(|m| JsValue::from_str(m)).collect::<Array>()).build())
}
