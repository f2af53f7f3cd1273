//! Exports: `mergeAnalytics`, `slimNotes`. Text in, text out (spliced by `write::text`);
//! object in, new object out: the object's JSON text is planned by the same code as text, and
//! the plan (`write::text::plan_json`) is applied to a copy of the written path only (in a
//! small JS helper, with define-property semantics so `__proto__` stays data); payloads and
//! every other subtree are shared, never converted.

use super::js::{describe, get, invalid, is_record, key, str_or_null, Obj};
use super::options::{Family, Options};
use super::read::{self, leaf};
use super::user_id::platform_arg;
use crate::notes::METRICS;
use crate::platform::Platform;
use crate::write::text as doc;
use crate::write::{EntryEdit, Fetched, MergeOptions, Num, PayloadSource, Unreadable};
use js_sys::Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_WRITE_PATH: &'static str = r#"
/**
 * What a Modash fetch returned, as far as notes keep it (`reportFigures` gives it from a
 * report). With `markRefreshed` (the default), a metric that is missing or null is written as
 * null: the figure stored before is not this refresh's.
 */
export interface FetchedAnalytics extends Partial<Metrics> { userId?: string | number | null; username?: string | null }
export interface MergeOptions {
  /** Epoch ms written as `last_refreshed` (ISO-8601 UTC); default `Date.now()`. */
  now?: number;
  refreshedBy?: string | null;
  /** The `modash_profile_cache` row id; written when given (null included). */
  cacheId?: string | null;
  /**
   * Default true (after a report fetch): write `last_refreshed` and `refreshed_by` and drop the
   * entry's `cached_payload` (the new payload belongs in the cache table). False stores ids and
   * metrics without claiming fresh analytics and keeps any payload (backfills, a lookup whose
   * report failed).
   */
  markRefreshed?: boolean;
}
export interface MergeResult<N = object | string> {
  /** Same form as the input: an object in, a new object out; JSON text in, JSON text out. */
  notes: N;
  /** The userId now in `platforms[platform].userId`, or null. */
  userIdStored: string | null;
  /** A legacy id was copied into its platform's entry. */
  migratedLegacy: boolean;
  /** UTF-8 bytes (as JSON) of the `cached_payload` removed from the written entry. */
  droppedPayloadBytes: number;
  /** `missing-userId`, `userId-changed`. */
  warnings: string[];
}
export interface SlimResult<N = object | string> {
  notes: N;
  /** Removed payloads, for the caller to insert into the cache table first. */
  payloads: Array<{
    platform: Platform; userId: string | null; source: 'platform' | 'legacy'; payload: unknown;
    /** Notes given as text: the payload's exact JSON text, byte for byte (store this, not
     * `JSON.stringify(payload)`, which rewrites big numbers, `1.50`, `-0` and escapes). */
    payloadText: string | null;
  }>;
  /** UTF-8 bytes of the JSON text before and after. */
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * Writes a successful fetch into `notes.modash_data.platforms[platform]`: userId (the fetch's,
 * else the stored one, else a legacy id the legacy rule assigns here), username, finite core
 * metrics, last_refreshed, refreshed_by, cache_id when given; keeps other fields of the entry,
 * removes its `cached_payload`; copies a legacy id into its own platform's entry when that has
 * none. Everything else is preserved exactly; the input is never mutated.
 * @throws ModashFlowError `NOTES_UNREADABLE` (text that is not JSON, JSON that is not an object,
 * a `modash_data`/`platforms`/entry that is not an object), `UNSUPPORTED_PLATFORM`, `INVALID_ARGUMENT`.
 */
export function mergeAnalytics<N extends object | string>(notes: N | null | undefined, platform: string, fetched: FetchedAnalytics, options?: MergeOptions): MergeResult<N extends string ? string : object>;

/**
 * Removes every `cached_payload` (per platform, and the legacy one where the legacy rule names
 * its platform) and returns them; lifts missing userId/followers/engagementRate/avgViews from
 * the payload (`profile.<field>`, else `<field>`); with `cacheIds` each slimmed entry gets its
 * `cache_id`. Lossless and idempotent like `mergeAnalytics`.
 * @throws ModashFlowError `NOTES_UNREADABLE`, `INVALID_ARGUMENT`.
 */
export function slimNotes<N extends object | string>(notes: N | null | undefined, options?: { cacheIds?: Partial<Record<Platform | 'legacy', string>> }): SlimResult<N extends string ? string : object>;
"#;

#[wasm_bindgen(module = "/src/wasm/js/write.js")]
extern "C" {
    /// The notes object with `write::text::plan_json`'s plan applied to a copy of its path:
    /// `{ notes, payloads: { [platform]: payload }, legacyPayload }` (the removed payloads).
    #[wasm_bindgen(catch, js_name = applyPlan)]
    fn apply_plan(notes: &JsValue, plan: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = numberText)]
    fn number_text(n: f64) -> String;
}

/// Where `cacheIds` for the legacy payload sit, after the platforms' (by `Platform::index`).
const LEGACY_CACHE_ID: usize = Platform::ALL.len();

fn refuse(msg: String) -> JsValue {
    Unreadable(msg).into()
}

fn num(v: &JsValue) -> Option<Num> {
    v.as_f64().filter(|n| n.is_finite()).map(|n| Num { value: n, text: number_text(n) })
}

/// Notes as a write path takes them: their JSON text, and the object they came as (if so).
enum Input {
    Text(String),
    Object(JsValue, String),
}

fn input(notes: JsValue) -> Result<Input, JsValue> {
    if notes.is_undefined() || notes.is_null() {
        return Ok(Input::Object(js_sys::Object::new().into(), "{}".into()));
    }
    if let Some(s) = notes.as_string() {
        return Ok(Input::Text(s));
    }
    if !is_record(&notes) {
        return Err(refuse(format!("notes is {}, not an object or JSON text", describe(&notes))));
    }
    // Read as its JSON text (the one reading of notes); the plan is applied to the object.
    let text = read::object_text(&notes).ok_or_else(|| refuse(NOT_JSON.into()))?;
    Ok(Input::Object(notes, text))
}

fn fetched(v: &JsValue) -> Result<Fetched, JsValue> {
    if !is_record(v) {
        return Err(invalid(&format!("fetched must be an object, got {}", describe(v))));
    }
    let o = Options::of(v, Family::Call("fetched"))?;
    let mut f = Fetched { user_id: leaf(&o.value("userId")?), username: o.value("username")?.as_string(), ..Default::default() };
    for (i, m) in METRICS.iter().enumerate() {
        f.metrics[i] = num(&o.value(m.key)?);
    }
    Ok(f)
}

/// Why an object's notes could not be read: they cross as JSON text, and `JSON.stringify` threw.
const NOT_JSON: &str = "notes could not be read as JSON (a getter threw, a cycle, a BigInt, a revoked Proxy or nesting too deep)";

// Generic (text in, text out; an object in, an object out): declared in TS_WRITE_PATH above.
#[wasm_bindgen(js_name = mergeAnalytics, skip_typescript)]
pub fn merge_analytics(notes: JsValue, platform: JsValue, fetched_v: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let platform = platform_arg(&platform)?;
    let fetched = fetched(&fetched_v)?;
    let o = Options::of(&options, Family::Call("options"))?;
    let opts = MergeOptions {
        now: o.now("now")?,
        refreshed_by: o.string("refreshedBy")?,
        // Given as null: written as null.
        cache_id: if o.value("cacheId")?.is_undefined() { None } else { Some(o.string("cacheId")?) },
        mark_refreshed: o.bool("markRefreshed")?.unwrap_or(MergeOptions::MARK_REFRESHED_BY_DEFAULT),
    };
    let (out, plan, dropped) = match input(notes)? {
        Input::Text(t) => {
            let (text, plan, dropped) = doc::merge_text(&t, platform, &fetched, &opts)?;
            (JsValue::from_str(&text), plan, dropped as f64)
        }
        Input::Object(o, t) => {
            // Planned on the object's JSON text, like text; the plan is applied to the object.
            let (_, plan, dropped) = doc::merge_doc(&t, platform, &fetched, &opts)?;
            (get(&applied(&o, &plan.edits, false)?, "notes")?, plan, dropped as f64)
        }
    };
    Ok(Obj::new()
        .set("notes", out)
        .set("userIdStored", str_or_null(plan.user_id_stored.as_deref()))
        .set("migratedLegacy", plan.migrated_legacy)
        .set("droppedPayloadBytes", dropped)
        .set("warnings", plan.warnings.iter().map(|s| JsValue::from_str(s)).collect::<Array>())
        .build())
}

fn cache_ids(options: &JsValue) -> Result<[Option<String>; LEGACY_CACHE_ID + 1], JsValue> {
    let ids = Options::of(options, Family::Call("options"))?.object("cacheIds")?;
    // The platforms' names by `Platform::index`, then the legacy payload's.
    let keys: Vec<&str> = Platform::ALL.map(Platform::as_str).into_iter().chain([PayloadSource::Legacy.as_str()]).collect();
    Ok(ids.each(&keys, "a string or null", |_, v| Ok(v.as_string()))?.try_into().unwrap_or_default())
}

/// The notes object with the plan applied to a copy of its path, and the payloads removed.
fn applied(o: &JsValue, edits: &[EntryEdit], remove_legacy_payload: bool) -> Result<JsValue, JsValue> {
    apply_plan(o, &doc::plan_json(edits, remove_legacy_payload)).map_err(|e| refuse(format!("notes could not be copied: {}", describe(&e))))
}

/// A removed payload; `text` is its exact JSON text when notes came as text (so the cache row
/// keeps the payload byte for byte: no number or escape rewritten by a parse and a stringify).
fn payload_js(p: Platform, user_id: Option<&str>, source: PayloadSource, payload: &JsValue, text: Option<&str>) -> JsValue {
    Obj::new()
        .set("platform", key(p.as_str()))
        .set("userId", str_or_null(user_id))
        .set("source", key(source.as_str()))
        .set("payload", payload.clone())
        .set("payloadText", str_or_null(text))
        .build()
}

// Generic (text in, text out; an object in, an object out): declared in TS_WRITE_PATH above.
#[wasm_bindgen(js_name = slimNotes, skip_typescript)]
pub fn slim_notes(notes: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let ids = cache_ids(&options)?;
    let id_for = |p: Platform, s: PayloadSource| if s == PayloadSource::Legacy { ids[LEGACY_CACHE_ID].clone() } else { ids[p.index()].clone() };
    let payloads = Array::new();
    let (text, object) = match input(notes)? {
        Input::Text(t) => (t, None),
        Input::Object(o, t) => (t, Some(o)),
    };
    let s = doc::slim_text(&text, id_for)?;
    let applied = object.as_ref().map(|o| applied(o, &s.plan.edits, s.plan.remove_legacy_payload)).transpose()?;
    for (sl, raw) in &s.payloads {
        let payload = match &applied {
            // Only the payloads are parsed into JS values, by the engine's own parser.
            None => js_sys::JSON::parse(raw).map_err(|_| refuse("a payload could not be parsed".into()))?,
            // Notes given as an object: the payload itself, shared, not its text parsed again.
            Some(a) if sl.source == PayloadSource::Legacy => get(a, "legacyPayload")?,
            Some(a) => get(&get(a, "payloads")?, sl.platform.as_str())?,
        };
        payloads.push(&payload_js(sl.platform, sl.user_id.as_deref(), sl.source, &payload, applied.is_none().then_some(*raw)));
    }
    let out = match &applied {
        None => JsValue::from_str(&s.text),
        Some(a) => get(a, "notes")?,
    };
    let (before, after) = (text.len() as f64, s.text.len() as f64);
    Ok(Obj::new().set("notes", out).set("payloads", payloads).set("bytesBefore", before).set("bytesAfter", after).build())
}
