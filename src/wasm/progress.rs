//! Exports: `analyticsProgress`, `analyticsProgressBatch`.

use super::js::{array_arg, invalid, key, num_or_null, str_or_null, Obj};
use super::options::{Family, Options};
use super::read::{self, Row};
use super::ttl::{ttl_spec, use_case_arg};
use crate::notes::{Fields, Needed};
use crate::progress::{self, BadgeRef, RowRef, Scratch, Sink};
use js_sys::Array;
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

fn options(v: &JsValue) -> Result<progress::Options, JsValue> {
    let o = Options::of(v, Family::Call("options"))?;
    Ok(progress::Options { ttl: ttl_spec(&o.value("ttl")?)?, use_case: use_case_arg(&o.value("useCase")?)?, now: o.now("now")? })
}

/// Builds the badges' plain objects straight from the core's sink: each listed platform's
/// row, then the badge with its totals.
struct Badges {
    out: Array,
    rows: Array,
}

impl Sink for Badges {
    fn row(&mut self, r: RowRef<'_>) {
        let platform = match r.platform {
            Some(p) => key(p.as_str()),
            None => JsValue::from_str(r.name),
        };
        let problem = if r.platform.is_some() { JsValue::NULL } else { key("unsupported-platform") };
        self.rows.push(
            &Obj::new()
                .set("platform", platform)
                .set("userId", str_or_null(r.user_id))
                .set("lastRefreshed", num_or_null(r.last_refreshed))
                .set("ageMs", num_or_null(r.age_ms))
                .set("fresh", r.fresh)
                .set("ageLabel", str_or_null(r.age_label))
                .set("problem", problem)
                .build(),
        );
    }

    fn badge(&mut self, b: BadgeRef<'_>) {
        let rows = std::mem::replace(&mut self.rows, Array::new());
        self.out.push(
            &Obj::new()
                .set("synced", b.synced)
                .set("total", b.total)
                .set("label", b.label)
                .set("tooltip", b.tooltip)
                .set("platforms", rows)
                .set("newestRefresh", num_or_null(b.newest_refresh))
                .set("problem", if b.unreadable { key("notes-unreadable") } else { JsValue::NULL })
                .build(),
        );
    }
}

/// Each row's badge, as the plain objects JS gets.
fn run(rows: &[Row], opts: &progress::Options) -> Array {
    let mut sink = Badges { out: Array::new(), rows: Array::new() };
    let mut scratch = Scratch::default();
    let mut names: Vec<Option<&str>> = Vec::new();
    for row in rows {
        names.clear();
        names.extend(row.names.iter().map(|n| n.as_deref()));
        progress::progress_into(&row.notes.read(BADGES), &names, opts, &mut scratch, &mut sink);
    }
    sink.out
}

/// What badges read of notes.
const BADGES: Needed = Needed { platforms: Needed::ALL_PLATFORMS, fields: Fields::Freshness };

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
    let rows = read::one(&notes, &platforms).map_err(|m| invalid(&m))?;
    Ok(run(&rows, &opts).get(0))
}

/// Badges of a whole roster page: the same as `analyticsProgress` on each row, with one
/// crossing of the JS boundary each way.
#[wasm_bindgen(js_name = analyticsProgressBatch, unchecked_return_type = "AnalyticsProgress[]")]
pub fn analytics_progress_batch(
    #[wasm_bindgen(unchecked_param_type = "Array<{ notes: unknown; platforms: string[] }>")] rows: JsValue,
    #[wasm_bindgen(js_name = options, unchecked_optional_param_type = "ProgressOptions")] opts: JsValue,
) -> Result<JsValue, JsValue> {
    let opts = options(&opts)?;
    array_arg(&rows, "rows")?;
    let rows = read::rows(&rows).map_err(|m| invalid(&m))?;
    Ok(run(&rows, &opts).into())
}
