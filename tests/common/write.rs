//! `mergeAnalytics` and `slimNotes` through JS values: objects, text, hostile keys, depth, size.

use super::{assert_error, js, json, prop};
use modash_flow::wasm::write::{merge_analytics, slim_notes};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

const NOW: f64 = 1_736_935_200_000.0;

fn opts() -> JsValue {
    js(&format!("{{ now: {NOW}, refreshedBy: 'staff-7', cacheId: 'c-1' }}"))
}

#[wasm_bindgen_test]
fn merge_on_objects_copies_only_the_path() {
    let notes = js(r#"(() => {
        const payload = { profile: { followers: 1 }, posts: new Array(1000).fill('x') };
        return { z: 1, modash_data: { userId: 'L', x: [1], platforms: {
            tiktok: { userId: 'T', cached_payload: payload },
            instagram: { userId: 'OLD', keep: { a: 1 }, cached_payload: { profile: {}, big: 'é'.repeat(10) } } } }, a: 2 };
    })()"#);
    let before = json(&notes);
    let fetched = js("{ userId: 173560420, username: 'ana', followers: 1200, engagementRate: 0.0345, avgViews: NaN }");
    let r = merge_analytics(notes.clone(), "IG".into(), fetched, opts()).unwrap();
    assert_eq!(json(&notes), before, "input not mutated");
    let out = prop(&r, "notes");
    assert_eq!(
        json(&out),
        r#"{"z":1,"modash_data":{"userId":"L","x":[1],"platforms":{"tiktok":{"userId":"T","cached_payload":{"profile":{"followers":1},"posts":[PAYLOAD]}},"instagram":{"userId":"173560420","keep":{"a":1},"username":"ana","followers":1200,"engagementRate":0.0345,"last_refreshed":"2025-01-15T10:00:00.000Z","refreshed_by":"staff-7","cache_id":"c-1"}}},"a":2}"#
            .replace("PAYLOAD", &vec!["\"x\""; 1000].join(",")),
    );
    assert_eq!(prop(&r, "userIdStored").as_string().as_deref(), Some("173560420"));
    assert_eq!(json(&prop(&r, "warnings")), r#"["userId-changed"]"#);
    assert_eq!(prop(&r, "droppedPayloadBytes").as_f64(), Some(r#"{"profile":{},"big":"éééééééééé"}"#.len() as f64));
    // Untouched subtrees are the same objects (shared, not converted).
    let same = js_sys::Function::new_with_args("a,b", "return a.modash_data.platforms.tiktok === b.modash_data.platforms.tiktok && a.modash_data.x === b.modash_data.x && a !== b && a.modash_data !== b.modash_data");
    assert_eq!(same.call2(&JsValue::NULL, &notes, &out).unwrap(), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn merge_on_text_is_lossless_and_migrates() {
    let text = r#"{"n":1.0,"big":123456789012345678901234567890,"huge":1e400,"s":"\u00e9\ud83d\ude00\n","modash_data":{"userId":"L","platform":"tiktok","platforms":{}}}"#;
    let r = merge_analytics(text.into(), "instagram".into(), js("{ userId: '9' }"), opts()).unwrap();
    let out = prop(&r, "notes").as_string().unwrap();
    assert!(out.starts_with(r#"{"n":1.0,"big":123456789012345678901234567890,"huge":1e400,"s":"\u00e9\ud83d\ude00\n","modash_data":{"userId":"L","platform":"tiktok","platforms":{"instagram":{"userId":"9","#), "{out}");
    assert!(out.contains(r#""tiktok":{"userId":"L"}"#), "legacy TikTok id migrated to tiktok: {out}");
    assert_eq!(prop(&r, "migratedLegacy"), JsValue::TRUE);
    // A fresh {} for null, a missing userId warned, the entry still written.
    let r = merge_analytics(JsValue::NULL, "yt".into(), js("{}"), opts()).unwrap();
    assert_eq!(json(&prop(&r, "warnings")), r#"["missing-userId"]"#);
    assert_eq!(json(&prop(&r, "notes")), r#"{"modash_data":{"platforms":{"youtube":{"last_refreshed":"2025-01-15T10:00:00.000Z","refreshed_by":"staff-7","cache_id":"c-1"}}}}"#);
}

#[wasm_bindgen_test]
fn refuses_rather_than_loses() {
    let f = || js("{ userId: '1' }");
    for (notes, needle) in [
        (JsValue::from_str("{not json"), "not valid JSON"),
        (JsValue::from_str("[1,2]"), "an array"),
        (js("[1]"), "an array"),
        (js("7"), "7"),
        (js("{ modash_data: 'x' }"), "modash_data is \"x\""),
        (js("{ modash_data: { platforms: [] } }"), "modash_data.platforms is an array"),
        (js("{ modash_data: { platforms: { tiktok: 5 } } }"), "modash_data.platforms.tiktok is 5"),
        (js("{ get modash_data() { throw new Error('no'); } }"), "could not be read"),
    ] {
        assert_error(merge_analytics(notes.clone(), "tiktok".into(), f(), opts()), "NOTES_UNREADABLE", needle);
        assert_error(slim_notes(notes, JsValue::UNDEFINED), "NOTES_UNREADABLE", needle);
    }
    assert_error(merge_analytics(JsValue::NULL, "myspace".into(), f(), opts()), "UNSUPPORTED_PLATFORM", "myspace");
    assert_error(merge_analytics(JsValue::NULL, "ig".into(), "x".into(), opts()), "INVALID_ARGUMENT", "fetched");
}

#[wasm_bindgen_test]
fn prototype_keys_stay_plain_data() {
    let notes = js(r#"JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"bad":1}},"modash_data":{"platforms":{"instagram":{"__proto__":{"x":1}}}}}')"#);
    let r = merge_analytics(notes, "instagram".into(), js("{ userId: '5' }"), opts()).unwrap();
    let out = prop(&r, "notes");
    let check = js_sys::Function::new_with_args(
        "o",
        "return ({}).polluted === undefined && ({}).x === undefined && Object.getPrototypeOf(o) === Object.prototype \
         && Object.prototype.hasOwnProperty.call(o, '__proto__') && JSON.stringify(o).startsWith('{\"__proto__\":{\"polluted\":1},\"constructor\"') \
         && Object.prototype.hasOwnProperty.call(o.modash_data.platforms.instagram, '__proto__')",
    );
    assert_eq!(check.call1(&JsValue::NULL, &out).unwrap(), JsValue::TRUE, "{}", json(&out));
    let text = r#"{"__proto__":{"p":1},"modash_data":{"platforms":{"instagram":{"cached_payload":{"__proto__":{"q":1}}}}}}"#;
    let s = slim_notes(text.into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(prop(&s, "notes").as_string().unwrap(), r#"{"__proto__":{"p":1},"modash_data":{"platforms":{"instagram":{}}}}"#);
    assert_eq!(js("({}).q"), JsValue::UNDEFINED);
}

#[wasm_bindgen_test]
fn slim_twice_like_a_migration() {
    let text = r#"{"modash_data":{"userId":"77","cached_payload":{"profile":{"followers":5}},"platforms":{"tiktok":{"cached_payload":{"profile":{"userId":"T9","avgViews":3}}}}}}"#;
    let first = slim_notes(text.into(), JsValue::UNDEFINED).unwrap();
    let payloads = js_sys::Array::from(&prop(&first, "payloads"));
    assert_eq!(payloads.length(), 2);
    assert_eq!(json(&payloads.get(0)), r#"{"platform":"instagram","userId":"77","source":"legacy","payload":{"profile":{"followers":5}}}"#);
    assert_eq!(json(&payloads.get(1)), r#"{"platform":"tiktok","userId":"T9","source":"platform","payload":{"profile":{"userId":"T9","avgViews":3}}}"#);
    assert_eq!(prop(&first, "bytesBefore").as_f64(), Some(text.len() as f64));
    let second = slim_notes(text.into(), js("{ cacheIds: { tiktok: 'c-t', legacy: 'c-l' } }")).unwrap();
    assert_eq!(
        prop(&second, "notes").as_string().unwrap(),
        r#"{"modash_data":{"userId":"77","platforms":{"tiktok":{"userId":"T9","avgViews":3,"cache_id":"c-t"},"instagram":{"userId":"77","followers":5,"cache_id":"c-l"}}}}"#
    );
    assert_eq!(prop(&second, "bytesAfter").as_f64(), Some(prop(&second, "notes").as_string().unwrap().len() as f64));
    // The object form gives the same notes, and the payload objects themselves.
    let obj = js_sys::JSON::parse(text).unwrap();
    let s = slim_notes(obj.clone(), js("{ cacheIds: { tiktok: 'c-t', legacy: 'c-l' } }")).unwrap();
    assert_eq!(json(&prop(&s, "notes")), prop(&second, "notes").as_string().unwrap());
    let same = js_sys::Function::new_with_args("o,r", "return r.payloads[1].payload === o.modash_data.platforms.tiktok.cached_payload");
    assert_eq!(same.call2(&JsValue::NULL, &obj, &s).unwrap(), JsValue::TRUE);
}

#[wasm_bindgen_test]
fn deep_and_large_notes() {
    // 10,000 levels deep outside the owned path: a correct answer in both forms.
    let deep = format!(r#"{{"deep":{}1{},"modash_data":{{}}}}"#, "[".repeat(10_000), "]".repeat(10_000));
    let r = merge_analytics(deep.clone().into(), "ig".into(), js("{ userId: '1' }"), opts()).unwrap();
    assert!(prop(&r, "notes").as_string().unwrap().starts_with(&format!(r#"{{"deep":{}1"#, "[".repeat(10_000))));
    let deep_obj = js("(() => { let v = 1; for (let i = 0; i < 10000; i++) v = [v]; return { deep: v }; })()");
    let r = merge_analytics(deep_obj, "ig".into(), js("{ userId: '1' }"), opts()).unwrap();
    assert_eq!(prop(&prop(&prop(&prop(&prop(&r, "notes"), "modash_data"), "platforms"), "instagram"), "userId").as_string().as_deref(), Some("1"));
    // Unbalanced nesting 100,000 deep is a clean refusal.
    assert_error(merge_analytics("[".repeat(100_000).into(), "ig".into(), js("{}"), opts()), "NOTES_UNREADABLE", "");
    // 50 MB of notes text with a big payload: correct, the payload dropped.
    let big = js(r#"JSON.stringify({ modash_data: { platforms: { instagram: { userId: '1', cached_payload: { blob: 'x'.repeat(50 * 1024 * 1024) } } } } })"#);
    let r = merge_analytics(big, "ig".into(), js("{}"), opts()).unwrap();
    assert!(prop(&r, "droppedPayloadBytes").as_f64().unwrap() > 50.0 * 1024.0 * 1024.0);
    assert!(prop(&r, "notes").as_string().unwrap().len() < 300);
}
