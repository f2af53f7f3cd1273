//! Exports: `analyticsProgress`, `analyticsProgressBatch`.

use super::collect::{progress_options, Collected, Out, Refused, MAX_NAMES, MAX_ROWS};
use super::js::{array_arg, describe, invalid, now_arg, option};
use super::ttl::{ttl_spec, use_case_arg};
use crate::platform::Platform;
use crate::progress::{self, BadgeRef, Options, RowRef, Scratch, Sink};
use crate::ttl::UseCase;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_PROGRESS: &'static str = r#"
export interface ProgressOptions {
  /** A TtlConfig resolved per platform, or one TTL in ms for all; default `defaultTtlConfig()`. */
  ttl?: TtlConfig | number;
  /** Default `roster`. */
  useCase?: UseCase;
  /** Epoch ms; default `Date.now()`. */
  now?: number;
}

export interface PlatformFreshness {
  /** The normalised platform, or the listed name (trimmed, lower case) when unsupported. */
  platform: string;
  userId: string | null;
  /** Epoch ms of the last refresh; null when unknown or too far in the future. */
  lastRefreshed: number | null;
  ageMs: number | null;
  fresh: boolean;
  /** Short label, e.g. `3h ago`. */
  ageLabel: string | null;
  problem: null | 'unsupported-platform';
}

export interface AnalyticsProgress {
  synced: number;
  total: number;
  /** `synced/total`, e.g. `2/3`. */
  label: string;
  /** e.g. `Analytics synced for 2/3 platform(s) (refreshed 3h ago)`. */
  tooltip: string;
  platforms: PlatformFreshness[];
  /** Newest known refresh among the listed platforms (epoch ms). */
  newestRefresh: number | null;
  /** `notes-unreadable` when the notes could not be read (nothing counts as fresh). */
  problem: null | 'notes-unreadable';
}
"#;

fn options(v: &JsValue) -> Result<Options, JsValue> {
    // The usual options in one call; anything else field by field (which names a problem).
    let mut out = [f64::NAN, 0.0];
    let ttl = progress_options(v, &mut out);
    if out[1] == 1.0 {
        let now = if out[0].is_nan() { now_arg(&JsValue::UNDEFINED, "options.now")? } else { out[0] };
        return Ok(Options { ttl: ttl_spec(&ttl)?, use_case: UseCase::default(), now });
    }
    Ok(Options {
        ttl: ttl_spec(&option(v, "ttl", "options")?)?,
        use_case: use_case_arg(&option(v, "useCase", "options")?)?,
        now: now_arg(&option(v, "now", "options")?, "options.now")?,
    })
}

/// Writes badges for the JS builder, straight from the core's sink: per badge a row count
/// (patched when the badge ends), the rows, then the totals (see `buildProgress`).
struct Badges {
    out: Out,
    count_at: usize,
    rows: u32,
}

impl Sink for Badges {
    fn row(&mut self, r: RowRef<'_>) {
        let out = &mut self.out;
        match r.platform {
            Some(p) => out.num(p.index() as f64),
            // Past the platforms' codes: the name follows (`buildProgress`: `code < PLATFORMS`).
            None => {
                out.num(Platform::ALL.len() as f64);
                out.string(r.name);
            }
        }
        out.opt_string(r.user_id);
        out.opt(r.last_refreshed);
        out.opt(r.age_ms);
        out.num(if r.fresh { 1.0 } else { 0.0 });
        out.opt_string(r.age_label);
        self.rows += 1;
    }

    fn badge(&mut self, b: BadgeRef<'_>) {
        let out = &mut self.out;
        out.set(self.count_at, self.rows as f64);
        out.num(b.synced as f64);
        out.num(b.total as f64);
        out.opt(b.newest_refresh);
        out.num(if b.unreadable { 1.0 } else { 0.0 });
        out.string(b.label);
        out.string(b.tooltip);
    }
}

fn refused(r: Refused, batch: bool) -> JsValue {
    let at = |i: u32, what: &str| if batch { format!("rows[{i}].{what}") } else { what.to_string() };
    match r {
        Refused::RowNotObject(i, _) => invalid(&format!("rows[{i}] must be an object {{ notes, platforms }}")),
        Refused::RowThrew(i) => invalid(&format!("rows[{i}] could not be read")),
        Refused::NotArray(i, v) => invalid(&format!("{} must be an array, got {}", at(i, "platforms"), describe(&v))),
        Refused::PlatformsThrew(i) => invalid(&format!("{} could not be read", at(i, "platforms"))),
        Refused::TooLong => invalid(&format!("rows must be an array of at most {MAX_ROWS} rows")),
        Refused::PlatformsTooLong(i) => invalid(&format!("{} must be an array of at most {MAX_NAMES} names", at(i, "platforms"))),
    }
}

/// Reads every collected row, computes its badge, builds the objects in one JS call.
fn run(c: &Collected, opts: &Options, single: bool) -> JsValue {
    let mut sink = Badges { out: Out::for_rows(c.len()), count_at: 0, rows: 0 };
    let mut scratch = Scratch::default();
    sink.out.num(c.len() as f64);
    let mut rows = c.reader();
    let mut names = Vec::new();
    for _ in 0..c.len() {
        rows.names(&mut names);
        let notes = rows.notes();
        sink.count_at = sink.out.reserve();
        sink.rows = 0;
        progress::progress_into(&notes, &names, opts, &mut scratch, &mut sink);
    }
    sink.out.progress(single)
}

/// Badge of one influencer: which listed platforms have fresh analytics.
/// The roster badge of one influencer: platforms as the app lists them (duplicates counted once
/// after normalisation; unsupported names listed with a problem, counted in `total`, never fresh).
/// Never throws on bad notes.
/// @throws ModashFlowError `INVALID_ARGUMENT` (`platforms` not an array), `INVALID_TTL`, `INVALID_USE_CASE`.
#[wasm_bindgen(js_name = analyticsProgress, unchecked_return_type = "AnalyticsProgress")]
pub fn analytics_progress(
    #[wasm_bindgen(unchecked_param_type = "unknown")] notes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string[]")] platforms: JsValue,
    #[wasm_bindgen(js_name = options, unchecked_optional_param_type = "ProgressOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let opts = options(&opts)?;
    let c = Collected::one(&notes, &platforms).map_err(|r| refused(r, false))?;
    Ok(run(&c, &opts, true))
}

/// Badges of a whole roster page: the same as `analyticsProgress` on each row, with one
/// crossing of the JS boundary each way.
/// A whole roster page in one call; the same rows as `analyticsProgress` on each.
#[wasm_bindgen(js_name = analyticsProgressBatch, unchecked_return_type = "AnalyticsProgress[]")]
pub fn analytics_progress_batch(
    #[wasm_bindgen(unchecked_param_type = "Array<{ notes: unknown; platforms: string[] }>")] rows: JsValue,
    #[wasm_bindgen(js_name = options, unchecked_optional_param_type = "ProgressOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let opts = options(&opts)?;
    array_arg(&rows, "rows")?;
    let c = Collected::rows(&rows).map_err(|r| refused(r, true))?;
    Ok(run(&c, &opts, false))
}
