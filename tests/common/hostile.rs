//! Hostile input through the JS boundary: every case asserts the exact answer (an error code
//! or a documented neutral answer), never a crash. The module must keep working afterwards.

use super::{assert_error, js, json, prop};
use modash_flow::wasm::gate::create_request_gate;
use modash_flow::wasm::{progress, retry, time, ttl, user_id, write};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

const NOW: f64 = 1_736_935_200_000.0;

fn resolve(notes: JsValue, p: &str) -> JsValue {
    user_id::resolve_user_id(notes, p.into()).unwrap()
}

#[wasm_bindgen_test]
fn prototype_keys_are_never_followed_or_polluted() {
    let notes = js(r#"JSON.parse('{"__proto__":{"modash_data":{"userId":"P"}},"constructor":{"prototype":{"x":1}}}')"#);
    let r = resolve(notes.clone(), "ig");
    assert_eq!(prop(&r, "source").as_string().as_deref(), Some("none"), "an own __proto__ key is data, not a parent");
    let text = JsValue::from_str(r#"{"__proto__":{"modash_data":{"userId":"P"}},"modash_data":{"platforms":{"__proto__":{"userId":"X"}}}}"#);
    assert_eq!(prop(&resolve(text, "ig"), "userId"), JsValue::NULL);
    // A platform name never reaches a prototype key.
    assert_error(user_id::normalize_platform("__proto__".into()), "UNSUPPORTED_PLATFORM", "__proto__");
    let p = progress::analytics_progress(JsValue::NULL, js("['__proto__', 'constructor']"), JsValue::NULL).unwrap();
    assert_eq!(prop(&p, "label").as_string().as_deref(), Some("0/2"));
    assert_eq!(js("({}).x === undefined && ({}).userId === undefined && ({}).modash_data === undefined"), JsValue::TRUE);
}

/// Objects cross as JSON text (`JSON.stringify`): a cycle makes them unreadable, and every
/// export says so (never a throw, never a partial read; the write path refuses).
#[wasm_bindgen_test]
fn cyclic_objects() {
    let cyclic = js("(() => { const o = { modash_data: { platforms: { instagram: { userId: '1' } } } }; o.self = o; o.modash_data.platforms.instagram.me = o; return o; })()");
    assert_eq!(prop(&resolve(cyclic.clone(), "ig"), "problem").as_string().as_deref(), Some("notes-unreadable"));
    assert_eq!(prop(&resolve(cyclic.clone(), "ig"), "userId"), JsValue::NULL);
    assert_error(
        write::merge_analytics(cyclic.clone(), "ig".into(), js("{ userId: '2' }"), js(&format!("{{ now: {NOW} }}"))),
        "NOTES_UNREADABLE",
        "could not be read",
    );
    assert_error(write::slim_notes(cyclic, JsValue::UNDEFINED), "NOTES_UNREADABLE", "could not be read");
}

#[wasm_bindgen_test]
fn odd_numbers_as_user_ids_and_timestamps() {
    for (v, want) in [
        ("NaN", JsValue::NULL),
        ("Infinity", JsValue::NULL),
        ("-0", JsValue::from_str("0")),
        ("1e400", JsValue::NULL),
        ("2 ** 53", JsValue::NULL),
        ("2 ** 53 - 1", JsValue::from_str("9007199254740991")),
        ("1.5", JsValue::NULL),
        ("[1]", JsValue::NULL),
        ("({})", JsValue::NULL),
        ("10n", JsValue::NULL),
        ("Symbol('x')", JsValue::NULL),
        ("() => 1", JsValue::NULL),
    ] {
        let notes = js(&format!("{{ modash_data: {{ platforms: {{ instagram: {{ userId: {v} }} }} }} }}"));
        assert_eq!(prop(&resolve(notes, "ig"), "userId"), want, "userId {v}");
    }
    let text = JsValue::from_str(r#"{"modash_data":{"platforms":{"instagram":{"userId":1e400}},"userId":-0.0,"platform":"instagram"}}"#);
    assert_eq!(prop(&resolve(text, "ig"), "userId").as_string().as_deref(), Some("0"), "1e400 is absent; the legacy -0.0 is 0");
    for v in ["NaN", "Infinity", "-Infinity", "1e400", "9e15", "-9e15", "'NaN'", "[]", "10n"] {
        assert_eq!(time::parse_timestamp(js(v)), JsValue::NULL, "timestamp {v}");
    }
    assert_eq!(time::parse_timestamp(js("-0")).as_f64(), Some(0.0));
    assert_error(time::is_fresh(JsValue::NULL, js("NaN"), JsValue::NULL), "INVALID_TTL", "NaN");
    assert_error(time::cache_age(JsValue::NULL, js("Infinity")), "INVALID_ARGUMENT", "now");
    assert_error(progress::analytics_progress(JsValue::NULL, js("[]"), js("{ ttl: 1e400 }")), "INVALID_TTL", "Infinity");
}

#[wasm_bindgen_test]
fn lone_surrogates() {
    // JS strings with lone surrogates cross into Rust as U+FFFD (wasm-bindgen's conversion).
    let r = resolve(js(r#"{ modash_data: { platforms: { instagram: { userId: '\uD800' } } } }"#), "ig");
    assert_eq!(prop(&r, "userId").as_string().as_deref(), Some("\u{FFFD}"));
    let text = js(r#"'{"modash_data":{"platforms":{"tiktok":{"userId":"\\udc00x"}}},"k\\ud800":"\\ud800"}'"#);
    assert_eq!(prop(&resolve(text.clone(), "tt"), "userId").as_string().as_deref(), Some("\u{FFFD}x"));
    let out = prop(&write::merge_analytics(text, "ig".into(), js("{ userId: '1' }"), js(&format!("{{ now: {NOW} }}"))).unwrap(), "notes");
    assert!(out.as_string().unwrap().contains(r#""k\ud800":"\ud800""#), "escapes untouched in text");
    assert_error(user_id::normalize_platform(js(r#"'\uD800'"#)), "UNSUPPORTED_PLATFORM", "\u{FFFD}");
}

#[wasm_bindgen_test]
fn arrays_where_objects_are_expected() {
    assert_eq!(prop(&resolve(js("[{ modash_data: {} }]"), "ig"), "problem").as_string().as_deref(), Some("notes-unreadable"));
    assert_eq!(prop(&resolve(js("{ modash_data: [{ userId: '1' }] }"), "ig"), "source").as_string().as_deref(), Some("none"));
    assert_eq!(prop(&resolve(js("{ modash_data: { platforms: [{ userId: '1' }] } }"), "ig"), "source").as_string().as_deref(), Some("none"));
    assert_error(write::merge_analytics(js("{ modash_data: [] }"), "ig".into(), js("{}"), JsValue::UNDEFINED), "NOTES_UNREADABLE", "an array");
    assert_error(ttl::resolve_ttl(js("[]"), JsValue::NULL, JsValue::NULL), "INVALID_TTL", "config");
    assert_error(progress::analytics_progress_batch(js("[[]]"), JsValue::NULL), "INVALID_ARGUMENT", "rows[0]");
}

#[wasm_bindgen_test]
fn non_string_env_values() {
    let out = ttl::ttl_config_from_env(js("{ MODASH_CACHE_TTL_HOURS: 6, MODASH_CACHE_TTL_ROSTER_HOURS: {}, MODASH_CACHE_TTL_DISCOVERY_HOURS: true, MODASH_CACHE_TTL_BULK_HOURS: null, get MODASH_CACHE_TTL_TIKTOK_HOURS() { throw 1; } }")).unwrap();
    assert_eq!(json(&prop(&out, "config")), r#"{"base":43200000,"roster":43200000,"discovery":3600000,"bulkRefresh":86400000,"platforms":{}}"#);
    let warnings = json(&prop(&out, "warnings"));
    for name in [
        "MODASH_CACHE_TTL_HOURS=6",
        "MODASH_CACHE_TTL_ROSTER_HOURS=an object",
        "MODASH_CACHE_TTL_DISCOVERY_HOURS=true",
        "MODASH_CACHE_TTL_TIKTOK_HOURS=(unreadable)",
    ] {
        assert!(warnings.contains(name), "{name} in {warnings}");
    }
    assert!(!warnings.contains("BULK"), "null is unset");
}

#[wasm_bindgen_test]
fn huge_strings_and_deep_nesting_on_the_read_path() {
    let big = js(r#"'{"modash_data":{"platforms":{"instagram":{"userId":"7","blob":"' + 'x'.repeat(50 * 1024 * 1024) + '"}}}}'"#);
    assert_eq!(prop(&resolve(big, "ig"), "userId").as_string().as_deref(), Some("7"));
    let deep = JsValue::from_str(&format!(r#"{{"a":{}1{},"modash_data":{{"userId":"1"}}}}"#, "{\"b\":".repeat(10_000), "}".repeat(10_000)));
    assert_eq!(prop(&resolve(deep, "ig"), "userId").as_string().as_deref(), Some("1"));
    let open = JsValue::from_str(&"[".repeat(100_000));
    assert_eq!(prop(&resolve(open, "ig"), "problem").as_string().as_deref(), Some("notes-unreadable"));
    // An object deeper than the engine's JSON.stringify goes (Node's stack ends before
    // 10,000 levels, Chromium's after) is unreadable, never a throw or a wrong id; as text,
    // the same depth reads (above).
    let deep_obj =
        js("(() => { let v = { modash_data: { userId: '1' } }; for (let i = 0; i < 10000; i++) v = { modash_data: v.modash_data, n: v }; return v; })()");
    let r = resolve(deep_obj, "ig");
    let read = (prop(&r, "userId").as_string(), prop(&r, "problem").as_string());
    assert!(matches!((read.0.as_deref(), read.1.as_deref()), (Some("1"), None) | (None, Some("notes-unreadable"))), "{read:?}");
    let shallow =
        js("(() => { let v = { modash_data: { userId: '1' } }; for (let i = 0; i < 100; i++) v = { modash_data: v.modash_data, n: v }; return v; })()");
    assert_eq!(prop(&resolve(shallow, "ig"), "userId").as_string().as_deref(), Some("1"));
}

#[wasm_bindgen_test]
async fn hostile_retry_after_values() {
    let run = |header: &str, opts: &str| {
        let f = js(&format!("(() => {{ let n = 0; return () => (n++ === 0 ? {{ ok: false, status: 429, headers: {{ get: () => {header} }} }} : 'ok'); }})()"));
        super::retry_request(f, js(opts))
    };
    // 99999999999 seconds: far above the cap, stop at once with the server's wait.
    let r = run("'99999999999'", "{}").await.unwrap();
    assert_eq!((prop(&r, "success"), prop(&r, "waitTimeMs").as_f64()), (JsValue::FALSE, Some(99_999_999_999_000.0)));
    // A far-future date: the same.
    let r = run("'Fri, 31 Dec 9999 23:59:59 GMT'", "{}").await.unwrap();
    assert_eq!(prop(&r, "success"), JsValue::FALSE);
    assert!(prop(&r, "waitTimeMs").as_f64().unwrap() > 1e14);
    // Negative and garbage values are ignored: the backoff applies and the retry succeeds.
    for h in ["'-5'", "'1e3'", "'soon'", "42", "null", "(() => { throw new Error('x'); })()"] {
        let header = if h.starts_with("(()") { "(() => { throw new Error('x'); })()".to_string() } else { h.to_string() };
        let r = run(&header, "{ initialDelayMs: 1 }").await.unwrap();
        assert_eq!(prop(&r, "data").as_string().as_deref(), Some("ok"), "Retry-After {h}");
    }
    // Even with a huge cap, the wait is clamped to the timer maximum and an abort ends it.
    let c = js("new AbortController()");
    let opts = js("{ maxRetryAfterMs: 1e15 }");
    js_sys::Reflect::set(&opts, &"signal".into(), &prop(&c, "signal")).unwrap();
    let f = js("() => ({ ok: false, status: 503, headers: { get: () => '99999999999' } })");
    let abort_soon = js_sys::Function::new_with_args("c", "setTimeout(() => c.abort('closed'), 10)");
    abort_soon.call1(&JsValue::NULL, &c).unwrap();
    let r = super::retry_request(f, opts).await.unwrap();
    assert_eq!((prop(&r, "aborted"), prop(&r, "error").as_string()), (JsValue::TRUE, Some("closed".into())));
}

#[wasm_bindgen_test]
fn the_module_still_works_after_all_of_this() {
    assert_eq!(user_id::normalize_platform("yt".into()).unwrap(), "youtube");
    let p = progress::analytics_progress(
        JsValue::from_str(r#"{"modash_data":{"platforms":{"instagram":{"last_refreshed":"2025-01-15T09:00:00Z"}}}}"#),
        js("['ig']"),
        js(&format!("{{ now: {NOW} }}")),
    )
    .unwrap();
    assert_eq!(prop(&p, "label").as_string().as_deref(), Some("1/1"));
}

/// Revoked Proxies and throwing `length` getters anywhere the typed crossing reads: clear
/// errors or unreadable notes, never an exception from inside the module's JS.
#[wasm_bindgen_test]
fn revoked_proxies_and_throwing_lengths_in_the_typed_crossing() {
    let revoked = || js("(() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; })()");
    let bad_length = || js("new Proxy([], { get(t, k) { if (k === 'length') throw new Error('x'); return t[k]; } })");
    // Notes: unreadable, never a throw.
    assert_eq!(prop(&resolve(revoked(), "ig"), "problem").as_string().as_deref(), Some("notes-unreadable"));
    let p = progress::analytics_progress(revoked(), js("['ig']"), JsValue::NULL).unwrap();
    assert_eq!(prop(&p, "problem").as_string().as_deref(), Some("notes-unreadable"));
    // Rows and lists: INVALID_ARGUMENT naming what could not be read.
    let rows = js_sys::Array::new();
    rows.push(&revoked());
    assert_error(progress::analytics_progress_batch(rows.into(), JsValue::NULL), "INVALID_ARGUMENT", "rows[0] could not be read");
    assert_error(progress::analytics_progress_batch(bad_length(), JsValue::NULL), "INVALID_ARGUMENT", "could not be read");
    assert_error(progress::analytics_progress(JsValue::NULL, bad_length(), JsValue::NULL), "INVALID_ARGUMENT", "platforms could not be read");
    assert_error(time::parse_timestamps(bad_length()), "INVALID_ARGUMENT", "values could not be read");
    let list = js_sys::Array::new();
    list.push(&revoked());
    // A revoked Proxy as a timestamp is not a timestamp (instanceof on it throws in JS).
    assert!(time::parse_timestamps(list.into()).unwrap()[0].is_nan());
    assert_eq!(time::parse_timestamp(revoked()), JsValue::NULL);
    // Everywhere else an argument is checked: a clear error, not a TypeError from JS.
    assert_error(progress::analytics_progress_batch(revoked(), JsValue::NULL), "INVALID_ARGUMENT", "rows must be an array");
    assert_error(write::merge_analytics(revoked(), "ig".into(), js("{ userId: '1' }"), JsValue::UNDEFINED), "NOTES_UNREADABLE", "not an object");
    assert_error(write::merge_analytics(JsValue::NULL, "ig".into(), revoked(), JsValue::UNDEFINED), "INVALID_ARGUMENT", "fetched must be an object");
    assert_error(write::slim_notes(revoked(), JsValue::UNDEFINED), "NOTES_UNREADABLE", "not an object");
    assert_error(ttl::resolve_ttl(revoked(), "roster".into(), JsValue::UNDEFINED), "INVALID_TTL", "config");
    // The module still answers afterwards.
    assert_eq!(prop(&resolve(js("{ modash_data: { platforms: { instagram: { userId: '9' } } } }"), "ig"), "userId").as_string().as_deref(), Some("9"));
}

/// Array-likes whose `length` is fractional, negative, NaN or beyond 2^53 are refused with
/// INVALID_ARGUMENT by every reader (the rows, platform lists, timestamp columns, retryable
/// statuses and search answers), never looped over.
#[wasm_bindgen_test]
async fn lengths_that_are_no_whole_number_are_refused_everywhere() {
    use modash_flow::wasm::{gate, lookup};
    for len in ["1.5", "-1", "NaN", "2 ** 53", "2 ** 32", "'2'"] {
        let list = || js(&format!("new Proxy(['ig', 'ig'], {{ get(t, k) {{ return k === 'length' ? {len} : t[k]; }} }})"));
        assert_error(progress::analytics_progress_batch(list(), JsValue::NULL), "INVALID_ARGUMENT", "rows must be an array of at most");
        assert_error(progress::analytics_progress(JsValue::NULL, list(), JsValue::NULL), "INVALID_ARGUMENT", "platforms must be an array of at most");
        let rows = js_sys::Array::new();
        rows.push(&js("({ notes: null, platforms: [] })"));
        let row = js("({ notes: null })");
        js_sys::Reflect::set(&row, &"platforms".into(), &list()).unwrap();
        rows.push(&row);
        assert_error(progress::analytics_progress_batch(rows.into(), JsValue::NULL), "INVALID_ARGUMENT", "rows[1].platforms must be an array of at most");
        let stamps = js(&format!("new Proxy(['2025-01-15T10:00:00Z'], {{ get(t, k) {{ return k === 'length' ? {len} : t[k]; }} }})"));
        assert_error(time::parse_timestamps(stamps), "INVALID_ARGUMENT", "at most 16777216 values");
        let statuses = js(&format!("{{ retryableStatuses: new Proxy([429], {{ get(t, k) {{ return k === 'length' ? {len} : t[k]; }} }}) }}"));
        let e = wasm_bindgen_futures::JsFuture::from(retry::retry_request_export(js("() => 1"), statuses)).await.unwrap_err();
        assert_eq!(prop(&e, "code").as_string().as_deref(), Some("INVALID_OPTION"), "an option list is an option error");
        assert!(prop(&e, "message").as_string().unwrap().contains("retryableStatuses: has more than 1000 values or no whole-number length"));
        let users = js(&format!("new Proxy([{{ userId: '1', username: 'a' }}], {{ get(t, k) {{ return k === 'length' ? {len} : t[k]; }} }})"));
        assert_error(lookup::pick_exact_match(users, "a".into()), "INVALID_ARGUMENT", "no valid length");
    }
    // Whole lengths still read normally.
    let ok = js("new Proxy(['ig'], { get(t, k) { return k === 'length' ? 1 : t[k]; } })");
    assert_eq!(prop(&progress::analytics_progress(JsValue::NULL, ok, JsValue::NULL).unwrap(), "label").as_string().as_deref(), Some("0/1"));
    let _ = gate::create_request_gate(JsValue::UNDEFINED).unwrap();
}

/// `pickExactMatch` through JS values: the look-alike listed first is never taken.
#[wasm_bindgen_test]
fn pick_exact_match_through_js() {
    use modash_flow::wasm::lookup::pick_exact_match;
    let users = js("[{ userId: '1', username: 'anna.b.official', followers: 900 }, { userId: 2, username: 'Anna.B' }, { userId: 3 }, null, 'x']");
    let r = pick_exact_match(users.clone(), " @anna.b".into()).unwrap();
    assert_eq!(prop(&r, "userId").as_string().as_deref(), Some("2"), "a safe-integer id becomes its text");
    assert_eq!(prop(&r, "index").as_f64(), Some(1.0));
    assert_eq!(prop(&r, "reason"), JsValue::NULL);
    let r = pick_exact_match(users, "anna".into()).unwrap();
    assert_eq!(prop(&r, "userId"), JsValue::NULL);
    assert_eq!(prop(&r, "reason").as_string().as_deref(), Some("no-exact-match"));
    assert_eq!(json(&prop(&r, "closest")), r#"["anna.b","anna.b.official"]"#);
    // An id beyond 2^53 as a number has lost digits: no candidate.
    let r = pick_exact_match(js("[{ userId: 2 ** 60, username: 'tt' }]"), "tt".into()).unwrap();
    assert_eq!(prop(&r, "reason").as_string().as_deref(), Some("no-exact-match"));
    let revoked =
        js("(() => { const r = Proxy.revocable({}, {}); r.revoke(); return [r.proxy, { get userId() { throw new Error('x'); }, username: 'a' }]; })()");
    assert_eq!(prop(&pick_exact_match(revoked, "a".into()).unwrap(), "reason").as_string().as_deref(), Some("no-exact-match"));
    assert_error(pick_exact_match(js("({ users: [] })"), "a".into()), "INVALID_ARGUMENT", "users must be an array");
    assert_error(pick_exact_match(js("[]"), js("42")), "INVALID_ARGUMENT", "username must be a string");
}

/// The rollout rule through JS: the same buckets as natively, clean errors for bad input.
#[wasm_bindgen_test]
fn rollout_through_js() {
    use modash_flow::wasm::rollout::{in_rollout, rollout_bucket};
    assert_eq!(rollout_bucket("ana@agency.example".into()).unwrap(), 89);
    assert!(in_rollout("ana@agency.example".into(), js("90")).unwrap());
    assert!(!in_rollout("ana@agency.example".into(), js("89")).unwrap());
    assert_error(rollout_bucket(js("''")), "INVALID_ARGUMENT", "id");
    assert_error(rollout_bucket(js("42")), "INVALID_ARGUMENT", "id");
    assert_error(in_rollout("a".into(), js("101")), "INVALID_ARGUMENT", "percent");
    assert_error(in_rollout("a".into(), js("NaN")), "INVALID_ARGUMENT", "percent");
}

/// An object is read once, as `JSON.stringify` reads it: a getter that grows wasm memory
/// mid-read is harmless (nothing is written into memory before the text is whole), non-ASCII
/// and long strings read like short ones, and a getter that throws anywhere makes the notes
/// unreadable for every call, whatever fields the call uses.
#[wasm_bindgen_test]
fn objects_are_read_as_json_stringify_reads_them() {
    let id = |notes: JsValue, p: &str| prop(&resolve(notes, p), "userId").as_string();
    let grow = js_sys::Function::new_with_args(
        "memory, calls",
        "return { modash_data: { platforms: { tiktok: { get userId() { calls.push(1); memory.grow(1); return ' T1 '; } } } } };",
    );
    let calls = js_sys::Array::new();
    let notes = grow.call2(&JsValue::NULL, &wasm_bindgen::memory(), &calls).unwrap();
    assert_eq!(id(notes, "tt").as_deref(), Some("T1"));
    assert_eq!(calls.length(), 1, "read once");
    assert_eq!(id(js("{ modash_data: { platforms: { tiktok: { userId: 'é1' } } } }"), "tt").as_deref(), Some("é1"));
    let long = "9".repeat(5000);
    assert_eq!(id(js(&format!("{{ modash_data: {{ platforms: {{ tiktok: {{ userId: '{long}' }} }} }} }}")), "tt"), Some(long));
    let notes = js("{ modash_data: { platforms: { tiktok: { userId: '7', get last_refreshed() { throw new Error('no'); } } } } }");
    let r = resolve(notes.clone(), "tt");
    assert_eq!(prop(&r, "userId"), JsValue::NULL);
    assert_eq!(prop(&r, "problem").as_string().as_deref(), Some("notes-unreadable"));
    let p = progress::analytics_progress(notes, js("['tiktok']"), JsValue::NULL).unwrap();
    assert_eq!(prop(&p, "problem").as_string().as_deref(), Some("notes-unreadable"));
    // BigInts are no JSON either.
    assert_eq!(prop(&resolve(js("{ modash_data: { followers: 1n } }"), "tt"), "problem").as_string().as_deref(), Some("notes-unreadable"));
    // And the module answers afterwards.
    assert_eq!(id(js("{ modash_data: { platforms: { tiktok: { userId: 'again' } } } }"), "tt").as_deref(), Some("again"));
}

/// A result's userId is the same whichever form the notes came in and whatever its characters.
#[wasm_bindgen_test]
fn user_ids_handed_back_or_decoded_alike() {
    let id = |notes: JsValue, p: &str| prop(&resolve(notes, p), "userId").as_string();
    for (text, p, want) in [
        (r#"{"modash_data":{"platforms":{"tiktok":{"userId":"68"}}}}"#, "tt", "68"),
        // Trimmed: not the field's whole string.
        (r#"{"modash_data":{"platforms":{"tiktok":{"userId":" 68 "}}}}"#, "tt", "68"),
        // An escape: the core's string is not a slice of the text.
        (r#"{"modash_data":{"platforms":{"tiktok":{"userId":"\u0036\u0038"}}}}"#, "tt", "68"),
        // Non-ASCII elsewhere in the text: UTF-8 offsets are not JS offsets.
        (r#"{"crm":"éé","modash_data":{"platforms":{"tiktok":{"userId":"68"}}}}"#, "tt", "68"),
        (r#"{"crm":"😀","modash_data":{"userId":"L1","modash_user_id":"L2","platforms":{}}}"#, "ig", "L1"),
        (r#"{"modash_data":{"userId":" ","modash_user_id":"L2","platforms":{}}}"#, "ig", "L2"),
        (r#"{"modash_data":{"platforms":{"tiktok":{"userId":68}}}}"#, "tt", "68"),
    ] {
        assert_eq!(id(text.into(), p).as_deref(), Some(want), "text {text}");
        let object = js_sys::JSON::parse(text).unwrap();
        assert_eq!(id(object, p).as_deref(), Some(want), "object {text}");
    }
}

/// A polluted `Object.prototype` whose setter throws never throws through the module (a throw
/// through wasm would skip Rust's clean-up): result objects built property by property ignore
/// it, as a failed `Reflect.set` did.
#[wasm_bindgen_test]
fn a_throwing_prototype_setter_never_throws_through_wasm() {
    js("Object.defineProperty(Object.prototype, 'base', { set() { throw new Error('polluted'); }, configurable: true })");
    let r = ttl::default_ttl_config();
    js("delete Object.prototype.base");
    assert!(r.is_object());
    assert_eq!(prop(&r, "roster").as_f64(), Some(43_200_000.0));
    // The module still works afterwards.
    assert_eq!(prop(&resolve(js("{ modash_data: { platforms: { instagram: { userId: '1' } } } }"), "ig"), "userId").as_string().as_deref(), Some("1"));
}

/// A request whose promise has a throwing `constructor` getter (`Promise.resolve` throws on
/// it) is a failed attempt, never a throw through wasm.
#[wasm_bindgen_test]
async fn a_promise_with_a_throwing_constructor_is_a_failed_attempt() {
    let f = js("() => { const p = Promise.resolve(1); Object.defineProperty(p, 'constructor', { get() { throw new Error('ctor'); } }); return p; }");
    let r = super::retry_request(f, js("{ maxRetries: 0 }")).await.unwrap();
    assert_eq!(prop(&r, "success"), JsValue::FALSE);
    assert_eq!(prop(&prop(&r, "error"), "message").as_string().as_deref(), Some("ctor"));
}

/// Options are read one way (`src/wasm/options.rs`): for every family of options, a getter that
/// throws and a value of the wrong kind are one error each, naming the option, in the family's
/// code (a retry or gate option: INVALID_OPTION; a TTL config's field: INVALID_TTL; a call's
/// option: INVALID_ARGUMENT).
#[wasm_bindgen_test]
async fn every_option_error_names_its_option_in_its_familys_code() {
    let now = js(&format!("({{ now: {NOW} }})"));
    let notes = JsValue::NULL;
    let cases: Vec<(Result<JsValue, JsValue>, &str, &str)> = vec![
        (progress::analytics_progress(notes.clone(), js("[]"), js("{ get now() { throw 1 } }")), "INVALID_ARGUMENT", "options.now could not be read"),
        (
            progress::analytics_progress(notes.clone(), js("[]"), js("{ now: 'x' }")),
            "INVALID_ARGUMENT",
            "options.now must be a finite number of epoch milliseconds, got \"x\"",
        ),
        (time::cache_age_label(notes.clone(), js("{ get style() { throw 1 } }")), "INVALID_ARGUMENT", "options.style could not be read"),
        (time::cache_age_label(notes.clone(), js("{ locale: 5 }")), "INVALID_ARGUMENT", "options.locale must be a string or null, got 5"),
        (
            write::merge_analytics(notes.clone(), "ig".into(), js("{ get followers() { throw 1 } }"), now.clone()),
            "INVALID_ARGUMENT",
            "fetched.followers could not be read",
        ),
        (
            write::merge_analytics(notes.clone(), "ig".into(), js("{}"), js("{ markRefreshed: 'yes' }")),
            "INVALID_ARGUMENT",
            "options.markRefreshed must be a boolean, got \"yes\"",
        ),
        (write::slim_notes(notes.clone(), js("{ cacheIds: { get tiktok() { throw 1 } } }")), "INVALID_ARGUMENT", "options.cacheIds.tiktok could not be read"),
        (write::slim_notes(notes.clone(), js("{ cacheIds: { youtube: 5 } }")), "INVALID_ARGUMENT", "options.cacheIds.youtube must be a string or null, got 5"),
        (
            ttl::resolve_ttl(js("{ get roster() { throw 1 } }"), JsValue::NULL, JsValue::NULL).map(JsValue::from),
            "INVALID_TTL",
            "Invalid TTL roster: unreadable",
        ),
        (
            ttl::resolve_ttl(js("{ platforms: { get youtube() { throw 1 } } }"), JsValue::NULL, JsValue::NULL).map(JsValue::from),
            "INVALID_TTL",
            "Invalid TTL platforms.youtube: unreadable",
        ),
        (
            ttl::resolve_ttl(js("{ platforms: { tiktok: 'x' } }"), JsValue::NULL, JsValue::NULL).map(JsValue::from),
            "INVALID_TTL",
            "Invalid TTL platforms.tiktok: \"x\"",
        ),
        (create_request_gate(js("{ get burst() { throw 1 } }")).map(|_| JsValue::NULL), "INVALID_OPTION", "Invalid gate option burst: could not be read"),
        (create_request_gate(js("{ burst: 'x' }")).map(|_| JsValue::NULL), "INVALID_OPTION", "Invalid gate option burst: \"x\" is not a number"),
        (create_request_gate(js("{ retry: 5 }")).map(|_| JsValue::NULL), "INVALID_OPTION", "Invalid gate option retry: 5 is not an object"),
    ];
    for (r, code, message) in cases {
        assert_error(r, code, message);
    }
    for (options, message) in [
        ("{ get maxRetries() { throw 1 } }", "Invalid retry option maxRetries: could not be read"),
        ("{ maxRetries: '3' }", "Invalid retry option maxRetries: \"3\" is not a number"),
        ("{ jitter: 'some' }", "Invalid retry option jitter: \"some\" is not 'none', 'equal' or 'full'"),
        ("{ onRetry: 1 }", "Invalid retry option onRetry: 1 is not a function"),
    ] {
        let e = JsFuture::from(retry::retry_request_export(js("() => 1"), js(options))).await.unwrap_err();
        assert_error(Err::<(), _>(e), "INVALID_OPTION", message);
    }
    // Options that are no object at all: the argument is wrong.
    assert_error(progress::analytics_progress(notes, js("[]"), js("'soon'")), "INVALID_ARGUMENT", "options must be an object, got \"soon\"");
}
