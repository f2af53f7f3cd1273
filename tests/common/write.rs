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
    // avgViews NaN: not a figure, written as null (the stored one is not this refresh's).
    let fetched = js("{ userId: 173560420, username: 'ana', followers: 1200, engagementRate: 0.0345, avgViews: NaN }");
    let r = merge_analytics(notes.clone(), "IG".into(), fetched, opts()).unwrap();
    assert_eq!(json(&notes), before, "input not mutated");
    let out = prop(&r, "notes");
    assert_eq!(
        json(&out),
        r#"{"z":1,"modash_data":{"userId":"L","x":[1],"platforms":{"tiktok":{"userId":"T","cached_payload":{"profile":{"followers":1},"posts":[PAYLOAD]}},"instagram":{"userId":"173560420","keep":{"a":1},"username":"ana","followers":1200,"engagementRate":0.0345,"avgViews":null,"avgLikes":null,"last_refreshed":"2025-01-15T10:00:00.000Z","refreshed_by":"staff-7","cache_id":"c-1"}}},"a":2}"#
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
    assert_eq!(
        json(&prop(&r, "notes")),
        r#"{"modash_data":{"platforms":{"youtube":{"followers":null,"engagementRate":null,"avgViews":null,"avgLikes":null,"last_refreshed":"2025-01-15T10:00:00.000Z","refreshed_by":"staff-7","cache_id":"c-1"}}}}"#
    );
}

#[wasm_bindgen_test]
fn refuses_rather_than_loses() {
    let f = || js("{ userId: '1' }");
    for (notes, needle) in [
        (JsValue::from_str("{not json"), "not valid JSON"),
        (JsValue::from_str("[1,2]"), "an array"),
        (js("[1]"), "an array"),
        (js("7"), "7"),
        (js("{ modash_data: 'x' }"), "modash_data is a string"),
        (JsValue::from_str(r#"{"modash_data":"x"}"#), "modash_data is a string"),
        (js("{ modash_data: { platforms: [] } }"), "modash_data.platforms is an array"),
        (js("{ modash_data: { platforms: { tiktok: 5 } } }"), "modash_data.platforms.tiktok is a number"),
        (JsValue::from_str(r#"{"modash_data":{"platforms":{"youtube":true}}}"#), "modash_data.platforms.youtube is a boolean"),
        (js("{ modash_data: { platforms: { instagram: 1n } } }"), "could not be read"),
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
    let notes = js(
        r#"JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"bad":1}},"modash_data":{"platforms":{"instagram":{"__proto__":{"x":1}}}}}')"#,
    );
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
    assert_eq!(
        json(&payloads.get(0)),
        r#"{"platform":"instagram","userId":"77","source":"legacy","payload":{"profile":{"followers":5}},"payloadText":"{\"profile\":{\"followers\":5}}"}"#
    );
    assert_eq!(
        json(&payloads.get(1)),
        r#"{"platform":"tiktok","userId":"T9","source":"platform","payload":{"profile":{"userId":"T9","avgViews":3}},"payloadText":"{\"profile\":{\"userId\":\"T9\",\"avgViews\":3}}"}"#
    );
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
    let same = js_sys::Function::new_with_args(
        "o,r",
        "return r.payloads[1].payload === o.modash_data.platforms.tiktok.cached_payload && r.payloads[1].payloadText === null",
    );
    assert_eq!(same.call2(&JsValue::NULL, &obj, &s).unwrap(), JsValue::TRUE);
}

/// From text, each payload's exact text comes back: numbers and escapes that a parse and a
/// stringify would rewrite survive byte for byte.
#[wasm_bindgen_test]
fn slim_hands_back_each_payload_byte_for_byte() {
    let payload = r#"{ "big": 12345678901234567890, "huge": 1e400, "negz": -0, "dec": 1.50, "name": "\u00e9" }"#;
    let text = format!(r#"{{"modash_data":{{"platforms":{{"instagram":{{"userId":"1","cached_payload":{payload}}}}}}}}}"#);
    let s = slim_notes(text.into(), JsValue::UNDEFINED).unwrap();
    let p = js_sys::Array::from(&prop(&s, "payloads")).get(0);
    assert_eq!(prop(&p, "payloadText").as_string().as_deref(), Some(payload));
}

#[wasm_bindgen_test]
fn deep_and_large_notes() {
    // 10,000 levels deep outside the owned path: a correct answer in both forms.
    let deep = format!(r#"{{"deep":{}1{},"modash_data":{{}}}}"#, "[".repeat(10_000), "]".repeat(10_000));
    let r = merge_analytics(deep.clone().into(), "ig".into(), js("{ userId: '1' }"), opts()).unwrap();
    assert!(prop(&r, "notes").as_string().unwrap().starts_with(&format!(r#"{{"deep":{}1"#, "[".repeat(10_000))));
    // As an object 10,000 levels deep: written where the engine's JSON.stringify reaches that
    // deep (Chromium), refused where it does not (Node), never half read.
    let deep_obj = js("(() => { let v = 1; for (let i = 0; i < 10000; i++) v = [v]; return { deep: v }; })()");
    match merge_analytics(deep_obj, "ig".into(), js("{ userId: '1' }"), opts()) {
        Ok(r) => assert_eq!(prop(&prop(&prop(&prop(&prop(&r, "notes"), "modash_data"), "platforms"), "instagram"), "userId").as_string().as_deref(), Some("1")),
        Err(e) => assert_eq!(prop(&e, "code").as_string().as_deref(), Some("NOTES_UNREADABLE")),
    }
    let deep_obj = js("(() => { let v = 1; for (let i = 0; i < 100; i++) v = [v]; return { deep: v }; })()");
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

/// Property, object form: random notes objects (seeded, generated in JS) through mergeAnalytics
/// and slimNotes; every path not owned reads the same, the input is never mutated.
#[wasm_bindgen_test]
fn objects_keep_every_unowned_path() {
    let check = js(r#"(merge, slim) => {
        let seed = 12345;
        const r = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
        const pick = (xs) => xs[Math.floor(r() * xs.length)];
        const value = (d) => {
            const k = r();
            if (d > 2 || k < 0.4) return pick([null, true, 0, -1.5, 1e21, 'x', 'é\n', '__proto__', []]);
            if (k < 0.6) return [value(d + 1), value(d + 1)];
            const o = {};
            for (let i = 0; i < 3; i++) Object.defineProperty(o, pick(['a', 'b', '__proto__', 'constructor', 'userId']), { value: value(d + 1), enumerable: true, writable: true, configurable: true });
            return o;
        };
        const entry = () => {
            const e = {};
            if (r() < 0.6) e.userId = pick(['1', 2, '', ' 3 ', null]);
            if (r() < 0.5) e.extra = value(0);
            if (r() < 0.4) e.cached_payload = { profile: { followers: 5, userId: 'P' }, rest: value(0) };
            return e;
        };
        const notes = () => {
            const n = { top: value(0) };
            const md = { other: value(0), platforms: {} };
            for (const p of ['instagram', 'tiktok', 'youtube', 'facebook']) if (r() < 0.6) md.platforms[p] = entry();
            if (r() < 0.5) md.userId = pick(['9', 9, '']);
            if (r() < 0.5) md.platform = pick(['instagram', 'tiktok', 'vine', '', null]);
            if (r() < 0.3) md.cached_payload = { profile: { avgViews: 1 } };
            n.modash_data = md;
            return n;
        };
        const OWNED = ['userId', 'username', 'followers', 'engagementRate', 'avgViews', 'avgLikes', 'last_refreshed', 'refreshed_by', 'cache_id', 'cached_payload'];
        const strip = (o, platforms, legacyPayload) => {
            const c = JSON.parse(JSON.stringify(o));
            for (const p of platforms) {
                const e = c.modash_data?.platforms?.[p];
                if (e) { for (const k of OWNED) delete e[k]; if (Object.keys(e).length === 0) delete c.modash_data.platforms[p]; }
            }
            if (legacyPayload) delete c.modash_data.cached_payload;
            return JSON.stringify(c);
        };
        for (let i = 0; i < 300; i++) {
            const n = notes();
            const before = JSON.stringify(n);
            const p = pick(['instagram', 'tiktok', 'youtube']);
            const m = merge(n, p);
            if (JSON.stringify(n) !== before) return `case ${i}: merge mutated its input`;
            // Owned: the written entry, and a migrated legacy id's entry (userId only).
            const all = ['instagram', 'tiktok', 'youtube'];
            if (strip(m.notes, all, false) !== strip(n, all, false)) return `case ${i}: merge changed an unowned path\n${before}\n${JSON.stringify(m.notes)}`;
            const s = slim(n);
            if (JSON.stringify(n) !== before) return `case ${i}: slim mutated its input`;
            const legacy = s.payloads.some((x) => x.source === 'legacy');
            if (strip(s.notes, all, legacy) !== strip(n, all, legacy)) return `case ${i}: slim changed an unowned path`;
            for (const x of s.payloads) {
                const from = x.source === 'legacy' ? n.modash_data.cached_payload : n.modash_data.platforms[x.platform].cached_payload;
                if (x.payload !== from) return `case ${i}: a payload was not returned as the same object`;
            }
        }
        return 'ok';
    }"#);
    let merge_fn = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue, JsValue) -> JsValue>::new(|n: JsValue, p: JsValue| {
        merge_analytics(n, p, js("{ userId: 'F1' }"), js("{ now: 0 }")).unwrap()
    });
    let slim_fn = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue) -> JsValue>::new(|n: JsValue| slim_notes(n, JsValue::UNDEFINED).unwrap());
    let out = js_sys::Function::from(check).call2(&JsValue::NULL, merge_fn.as_ref(), slim_fn.as_ref()).unwrap();
    assert_eq!(out.as_string().as_deref(), Some("ok"), "{out:?}");
}

/// Storing an id without a report (`markRefreshed: false`: a backfill, a lookup whose report
/// failed) keeps the entry's payload and claims no freshness, on objects and on text.
#[wasm_bindgen_test]
fn storing_an_id_only_keeps_the_payload() {
    let notes = js("({ modash_data: { platforms: { instagram: { last_refreshed: 'old', cached_payload: { profile: { followers: 5 } } } } } })");
    let o = js("{ markRefreshed: false }");
    let r = merge_analytics(notes.clone(), "ig".into(), js("{ userId: '42' }"), o.clone()).unwrap();
    assert_eq!(
        json(&prop(&r, "notes")),
        r#"{"modash_data":{"platforms":{"instagram":{"last_refreshed":"old","cached_payload":{"profile":{"followers":5}},"userId":"42"}}}}"#
    );
    assert_eq!(prop(&r, "droppedPayloadBytes").as_f64(), Some(0.0));
    let text = js_sys::JSON::stringify(&notes).unwrap();
    let r = merge_analytics(text.into(), "ig".into(), js("{ userId: '42' }"), o).unwrap();
    assert_eq!(
        prop(&r, "notes").as_string().as_deref(),
        Some(r#"{"modash_data":{"platforms":{"instagram":{"last_refreshed":"old","cached_payload":{"profile":{"followers":5}},"userId":"42"}}}}"#)
    );
    assert_eq!(prop(&r, "droppedPayloadBytes").as_f64(), Some(0.0));
}

/// `reportFigures`: a documented report's figures as plain numbers, null for what it lacks, and
/// `NOT_A_REPORT` for text that is not one.
#[wasm_bindgen_test]
fn report_figures_reads_the_documented_shape() {
    use modash_flow::wasm::report::report_figures;
    let ig = report_figures("instagram".into(), include_str!("../fixtures/modash/report.instagram.json")).unwrap();
    assert_eq!(prop(&ig, "userId").as_string().as_deref(), Some("173560420"));
    assert_eq!(prop(&ig, "followers").as_f64(), Some(313_300_000.0));
    assert_eq!(prop(&ig, "engagementRate").as_f64(), Some(0.0027044));
    assert_eq!(prop(&ig, "avgViews").as_f64(), Some(10_478_123.0));
    assert_eq!(prop(&ig, "avgLikes").as_f64(), Some(812_345.0));
    assert_eq!(js_sys::Array::from(&prop(&ig, "missing")).length(), 0);
    let none = report_figures("instagram".into(), include_str!("../fixtures/modash/report.instagram.no-views.json")).unwrap();
    assert!(prop(&none, "avgViews").is_null(), "null, not undefined or 0");
    assert_eq!(js_sys::Array::from(&prop(&none, "missing")).get(0).as_string().as_deref(), Some("avgViews"));
    for bad in ["[]", "<html>", "{\"profile\":null}"] {
        let e = report_figures("tiktok".into(), bad).unwrap_err();
        assert_eq!(prop(&e, "code").as_string().as_deref(), Some("NOT_A_REPORT"), "{bad}");
    }
    let e = report_figures("myspace".into(), "{}").unwrap_err();
    assert_eq!(prop(&e, "code").as_string().as_deref(), Some("UNSUPPORTED_PLATFORM"));
}
