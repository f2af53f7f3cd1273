//! Exports: `mergeAnalytics`, `slimNotes`. Text in, text out (spliced by `write::text`);
//! object in, new object out: only the objects on the written path are copied (in a small JS
//! helper, with define-property semantics so `__proto__` stays data), payloads and every
//! other subtree are shared, never converted.

use super::js::{describe, get, invalid, is_record, str_or_null, word, Obj};
use super::options::{Family, Options};
use super::read::{self, leaf};
use super::user_id::platform_arg;
use crate::notes::shape::{self, EntryField};
use crate::notes::{NotesRead, METRICS};
use crate::platform::Platform;
use crate::write::text as doc;
use crate::write::{self, EntryEdit, Fetched, MergeOptions, Num, PayloadFacts, PayloadLevel, PayloadSource, Unreadable, Value};
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
    #[wasm_bindgen(catch, js_name = applyEdits)]
    fn apply_edits(notes: &JsValue, edits: &Array, remove_legacy_payload: bool, keys: &Array) -> Result<Array, JsValue>;
    #[wasm_bindgen(catch, js_name = jsonBytes)]
    fn json_bytes(v: &JsValue) -> Result<f64, JsValue>;
    #[wasm_bindgen(js_name = textBytes)]
    fn text_bytes(s: &str) -> f64;
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

/// The keys `applyEdits` walks, from the notes shape table.
fn path_keys() -> Array {
    Array::of3(&shape::MODASH_DATA.into(), &shape::PLATFORMS.into(), &shape::CACHED_PAYLOAD.into())
}

fn value_js(v: &Value) -> JsValue {
    match v {
        Value::Str(s) => JsValue::from_str(s),
        Value::Num(n) => JsValue::from_f64(n.value),
        Value::Null => JsValue::NULL,
    }
}

fn edits_js(edits: &[EntryEdit]) -> Array {
    let out = Array::new();
    for e in edits {
        let sets = Array::new();
        for (k, v) in &e.set {
            sets.push(&Array::of2(&JsValue::from_str(k), &value_js(v)));
        }
        out.push(&Array::of3(&JsValue::from_str(e.platform.as_str()), &sets, &JsValue::from_bool(e.remove_payload)));
    }
    out
}

/// Notes as a write path takes them.
enum Input {
    Text(String),
    Object(JsValue),
}

fn input(notes: JsValue) -> Result<Input, JsValue> {
    if notes.is_undefined() || notes.is_null() {
        return Ok(Input::Object(js_sys::Object::new().into()));
    }
    if let Some(s) = notes.as_string() {
        return Ok(Input::Text(s));
    }
    if !is_record(&notes) {
        return Err(refuse(format!("notes is {}, not an object or JSON text", describe(&notes))));
    }
    // What is on the written path is checked by the write plan, from the read view.
    Ok(Input::Object(notes))
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

fn strings(list: &[&'static str]) -> Array {
    list.iter().map(|s| JsValue::from_str(s)).collect()
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
        Input::Object(o) => {
            let view = match read::notes(&o) {
                NotesRead::Ok(v) => v,
                NotesRead::Unreadable => return Err(refuse(NOT_JSON.into())),
            };
            let plan = write::plan_merge(&view, platform, &fetched, &opts)?;
            let pair =
                apply_edits(&o, &edits_js(&plan.edits), false, &path_keys()).map_err(|e| refuse(format!("notes could not be copied: {}", describe(&e))))?;
            let dropped = pair.get(1).as_f64();
            debug_assert!(dropped.is_some(), "applyEdits returns [notes, bytes]");
            (pair.get(0), plan, dropped.unwrap_or(0.0))
        }
    };
    Ok(Obj::new()
        .set("notes", out)
        .set("userIdStored", str_or_null(plan.user_id_stored.as_deref()))
        .set("migratedLegacy", plan.migrated_legacy)
        .set("droppedPayloadBytes", dropped)
        .set("warnings", strings(&plan.warnings))
        .build())
}

fn cache_ids(options: &JsValue) -> Result<[Option<String>; LEGACY_CACHE_ID + 1], JsValue> {
    let ids = Options::of(options, Family::Call("options"))?.object("cacheIds")?;
    // The platforms' names by `Platform::index`, then the legacy payload's.
    let keys: Vec<&str> = Platform::ALL.map(Platform::as_str).into_iter().chain([PayloadSource::Legacy.as_str()]).collect();
    Ok(ids.each(&keys, "a string or null", |_, v| Ok(v.as_string()))?.try_into().unwrap_or_default())
}

/// One level of a payload object (a throwing getter reads as absent).
fn payload_level(obj: &JsValue) -> PayloadLevel {
    let mut level = PayloadLevel::default();
    if is_record(obj) {
        level.user_id = leaf(&get(obj, EntryField::UserId.key()).unwrap_or(JsValue::UNDEFINED));
        for (i, m) in METRICS.iter().enumerate() {
            level.metrics[i] = num(&get(obj, m.key).unwrap_or(JsValue::UNDEFINED));
        }
    }
    level
}

fn payload_facts_js(payload: &JsValue) -> PayloadFacts {
    if !is_record(payload) {
        return PayloadFacts::default();
    }
    let profile = get(payload, shape::REPORT_PROFILE).unwrap_or(JsValue::UNDEFINED);
    PayloadFacts::from_levels(payload_level(&profile), payload_level(payload))
}

/// A removed payload; `text` is its exact JSON text when notes came as text (so the cache row
/// keeps the payload byte for byte: no number or escape rewritten by a parse and a stringify).
fn payload_js(p: Platform, user_id: Option<&str>, source: PayloadSource, payload: &JsValue, text: Option<&str>) -> JsValue {
    Obj::new()
        .set("platform", word(p.as_str()))
        .set("userId", str_or_null(user_id))
        .set("source", word(source.as_str()))
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
    let (out, before, after) = match input(notes)? {
        Input::Text(t) => {
            let s = doc::slim_text(&t, id_for)?;
            for (sl, raw) in &s.payloads {
                // Only the payloads are parsed into JS values, by the engine's own parser.
                let payload = js_sys::JSON::parse(raw).map_err(|_| refuse("a payload could not be parsed".into()))?;
                payloads.push(&payload_js(sl.platform, sl.user_id.as_deref(), sl.source, &payload, Some(raw)));
            }
            (JsValue::from_str(&s.text), text_bytes(&t), text_bytes(&s.text))
        }
        Input::Object(o) => {
            let view = match read::notes(&o) {
                NotesRead::Ok(v) => v,
                NotesRead::Unreadable => return Err(refuse(NOT_JSON.into())),
            };
            let md = get(&o, shape::MODASH_DATA).unwrap_or(JsValue::UNDEFINED);
            let entry_payload = |p: Platform| -> JsValue {
                let pl = get(&md, shape::PLATFORMS).ok().filter(is_record);
                pl.and_then(|pl| get(&pl, p.as_str()).ok()).filter(is_record).and_then(|e| get(&e, shape::CACHED_PAYLOAD).ok()).unwrap_or(JsValue::UNDEFINED)
            };
            let legacy_payload = || if is_record(&md) { get(&md, shape::CACHED_PAYLOAD).unwrap_or(JsValue::UNDEFINED) } else { JsValue::UNDEFINED };
            let plan = write::plan_slim(&view, |p| payload_facts_js(&entry_payload(p)), || payload_facts_js(&legacy_payload()), id_for)?;
            for sl in &plan.slimmed {
                let payload = if sl.source == PayloadSource::Legacy { legacy_payload() } else { entry_payload(sl.platform) };
                payloads.push(&payload_js(sl.platform, sl.user_id.as_deref(), sl.source, &payload, None));
            }
            let too_big = |e: JsValue| refuse(format!("notes cannot be written as JSON: {}", describe(&e)));
            let before = json_bytes(&o).map_err(too_big)?;
            let pair = apply_edits(&o, &edits_js(&plan.edits), plan.remove_legacy_payload, &path_keys())
                .map_err(|e| refuse(format!("notes could not be copied: {}", describe(&e))))?;
            let out = pair.get(0);
            let after = json_bytes(&out).map_err(too_big)?;
            (out, before, after)
        }
    };
    Ok(Obj::new().set("notes", out).set("payloads", payloads).set("bytesBefore", before).set("bytesAfter", after).build())
}
