//! Exports: `analyticsProgress`, `analyticsProgressBatch`.

use super::js::{array_arg, get, invalid, is_record, now_arg, num_or_null, option, str_or_null, word, Obj};
use super::read;
use super::ttl::{ttl_spec, use_case_arg};
use crate::notes::NotesRead;
use crate::progress::{self, Options, Progress};
use js_sys::Array;
use wasm_bindgen::prelude::*;

fn options(v: &JsValue) -> Result<Options, JsValue> {
    Ok(Options {
        ttl: ttl_spec(&option(v, "ttl", "options")?)?,
        use_case: use_case_arg(&option(v, "useCase", "options")?)?,
        now: now_arg(&option(v, "now", "options")?, "options.now")?,
    })
}

fn one(notes: &NotesRead, platforms: &JsValue, what: &str, opts: &Options) -> Result<JsValue, JsValue> {
    let list = array_arg(platforms, what)?;
    let names: Vec<Option<String>> = list.iter().map(|v| v.as_string()).collect();
    let refs: Vec<Option<&str>> = names.iter().map(|n| n.as_deref()).collect();
    Ok(to_js(&progress::progress(notes, &refs, opts)))
}

fn to_js(p: &Progress) -> JsValue {
    let rows = Array::new();
    for r in &p.platforms {
        rows.push(
            &Obj::new()
                .set("platform", match r.platform { Some(p) => word(p.as_str()), None => JsValue::from_str(&r.name) })
                .set("userId", str_or_null(r.user_id.as_deref()))
                .set("lastRefreshed", num_or_null(r.last_refreshed))
                .set("ageMs", num_or_null(r.age_ms))
                .set("fresh", r.fresh)
                .set("ageLabel", str_or_null(r.age_label.as_deref()))
                .set("problem", if r.platform.is_none() { word("unsupported-platform") } else { JsValue::NULL })
                .build(),
        );
    }
    Obj::new()
        .set("synced", p.synced)
        .set("total", p.total)
        .set("label", p.label.as_str())
        .set("tooltip", p.tooltip.as_str())
        .set("platforms", rows)
        .set("newestRefresh", num_or_null(p.newest_refresh))
        .set("problem", if p.unreadable { word("notes-unreadable") } else { JsValue::NULL })
        .build()
}

#[wasm_bindgen(js_name = analyticsProgress, skip_typescript)]
pub fn analytics_progress(notes: JsValue, platforms: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    let opts = options(&opts)?;
    one(&read::notes(&notes), &platforms, "platforms", &opts)
}

#[wasm_bindgen(js_name = analyticsProgressBatch, skip_typescript)]
pub fn analytics_progress_batch(rows: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    let opts = options(&opts)?;
    let rows = array_arg(&rows, "rows")?;
    let out = Array::new_with_length(rows.length());
    for (i, row) in rows.iter().enumerate() {
        if !is_record(&row) {
            return Err(invalid(&format!("rows[{i}] must be an object {{ notes, platforms }}")));
        }
        // A notes getter that throws is unreadable notes, like any other bad notes.
        let notes = get(&row, "notes").map_or(NotesRead::Unreadable, |n| read::notes(&n));
        let platforms = get(&row, "platforms")
            .map_err(|_| invalid(&format!("rows[{i}].platforms could not be read")))?;
        out.set(i as u32, one(&notes, &platforms, &format!("rows[{i}].platforms"), &opts)?);
    }
    Ok(out.into())
}
