//! Exports: `analyticsProgress`, `analyticsProgressBatch`.

use super::collect::{Collected, Out, Refused};
use super::js::{array_arg, describe, invalid, now_arg, option};
use super::ttl::{ttl_spec, use_case_arg};
use crate::progress::{self, Options, Progress};
use wasm_bindgen::prelude::*;

fn options(v: &JsValue) -> Result<Options, JsValue> {
    Ok(Options {
        ttl: ttl_spec(&option(v, "ttl", "options")?)?,
        use_case: use_case_arg(&option(v, "useCase", "options")?)?,
        now: now_arg(&option(v, "now", "options")?, "options.now")?,
    })
}

/// Writes one badge for the JS builder (field order as in `AnalyticsProgress`).
fn write(out: &mut Out, p: &Progress) {
    out.num(p.synced as f64);
    out.num(p.total as f64);
    out.opt(p.newest_refresh);
    out.num(if p.unreadable { 1.0 } else { 0.0 });
    out.num(p.platforms.len() as f64);
    out.string(&p.label);
    out.string(&p.tooltip);
    for r in &p.platforms {
        match r.platform {
            Some(pl) => out.num(pl.index() as f64),
            None => {
                out.num(3.0);
                out.string(&r.name);
            }
        }
        out.opt_string(r.user_id.as_deref());
        out.opt(r.last_refreshed);
        out.opt(r.age_ms);
        out.num(if r.fresh { 1.0 } else { 0.0 });
        out.opt_string(r.age_label.as_deref());
    }
}

fn refused(r: Refused, batch: bool) -> JsValue {
    let at = |i: u32, what: &str| if batch { format!("rows[{i}].{what}") } else { what.to_string() };
    match r {
        Refused::RowNotObject(i, _) => invalid(&format!("rows[{i}] must be an object {{ notes, platforms }}")),
        Refused::RowThrew(i) => invalid(&format!("rows[{i}] could not be read")),
        Refused::NotArray(i, v) => invalid(&format!("{} must be an array, got {}", at(i, "platforms"), describe(&v))),
        Refused::PlatformsThrew(i) => invalid(&format!("{} could not be read", at(i, "platforms"))),
    }
}

/// Reads every collected row, computes its badge, builds the objects in one JS call.
fn run(c: &Collected, opts: &Options, single: bool) -> JsValue {
    let mut out = Out::default();
    out.num(c.len() as f64);
    let mut rows = c.reader();
    for _ in 0..c.len() {
        let notes = rows.notes();
        let names = rows.names();
        let refs: Vec<Option<&str>> = names.iter().map(|n| n.as_deref()).collect();
        write(&mut out, &progress::progress(&notes, &refs, opts));
    }
    out.progress(single)
}

/// Badge of one influencer: which listed platforms have fresh analytics.
#[wasm_bindgen(js_name = analyticsProgress, skip_typescript)]
pub fn analytics_progress(notes: JsValue, platforms: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    let opts = options(&opts)?;
    let c = Collected::one(&notes, &platforms).map_err(|r| refused(r, false))?;
    Ok(run(&c, &opts, true))
}

/// Badges of a whole roster page: the same as `analyticsProgress` on each row, with one
/// crossing of the JS boundary each way.
#[wasm_bindgen(js_name = analyticsProgressBatch, skip_typescript)]
pub fn analytics_progress_batch(rows: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    let opts = options(&opts)?;
    array_arg(&rows, "rows")?;
    let c = Collected::rows(&rows).map_err(|r| refused(r, true))?;
    Ok(run(&c, &opts, false))
}
