//! The crossing, by property: random notes (objects with getters, JSON text, UTF-8 bytes; odd
//! numbers, unicode, deep nesting, wrong types where objects belong) read as objects (through
//! `JSON.stringify`), as text and as bytes give the same view, and the same as the core reading
//! serde_json's rendering of them, narrowed as each call asks (`Needed`); single values and
//! batches alike. And the property catches a reader that is wrong on purpose.

use js_sys::{Array, Object, Reflect, Uint8Array};
use modash_flow::notes::{read_text, Fields, Needed, NotesRead};
use modash_flow::platform::Platform;
use modash_flow::wasm::read;
use serde_json::{json, Map, Value};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

/// xorshift64*: the cases are the same on every run (a failure names its seed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Clone>(&mut self, list: &[T]) -> T {
        list[self.below(list.len())].clone()
    }
}

const ODD_NUMBERS: [f64; 14] = [
    0.0,
    -0.0,
    1.0,
    1.5,
    0.1 + 0.2,
    1e21,
    1e-7,
    5e-324,
    f64::MAX,
    9_007_199_254_740_993.0,
    -123_456_789.0,
    2.5e-5,
    12_345_678_901_234_567_890.0,
    173_560_420.0,
];

fn text(r: &mut Rng) -> String {
    let long_ascii = "x".repeat(600);
    let long_unicode = "日本😀".repeat(200);
    let pool = [
        "",
        "a",
        "tiktok",
        " 42 ",
        "é",
        "日本語",
        "😀 emoji",
        "a\"b",
        "back\\slash",
        "\u{2028}line",
        "tab\t",
        "\u{0}nul",
        "ﬀ",
        "2025-01-15T10:00:00Z",
        "2025-01-15T10:00:00.123+02:00",
        "not a date",
    ];
    match r.below(20) {
        0 => long_ascii,
        1 => long_unicode,
        _ => r.pick(&pool).to_string(),
    }
}

fn number(r: &mut Rng) -> Value {
    let n = if r.chance(50) { r.pick(&ODD_NUMBERS) } else { (r.next() % 2_000_000) as f64 - 1_000_000.0 };
    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
}

/// Any JSON value, down to `depth` levels.
fn any(r: &mut Rng, depth: usize) -> Value {
    match r.below(if depth == 0 { 4 } else { 6 }) {
        0 => Value::Null,
        1 => Value::Bool(r.chance(50)),
        2 => number(r),
        3 => Value::String(text(r)),
        4 => Value::Array((0..r.below(4)).map(|_| any(r, depth - 1)).collect()),
        _ => Value::Object((0..r.below(4)).map(|_| (text(r), any(r, depth - 1))).collect()),
    }
}

/// A payload nested up to 60 levels.
fn deep(r: &mut Rng) -> Value {
    let mut v = any(r, 2);
    for _ in 0..r.below(60) {
        v = if r.chance(50) { json!([v]) } else { json!({ "profile": v, "followers": 1 }) };
    }
    v
}

/// A leaf where the flow reads one: mostly what belongs there, sometimes anything.
fn leaf(r: &mut Rng, usual: &dyn Fn(&mut Rng) -> Value) -> Value {
    if r.chance(80) {
        usual(r)
    } else {
        any(r, 1)
    }
}

fn id(r: &mut Rng) -> Value {
    match r.below(3) {
        0 => Value::String(format!("{}", r.next() % 10_000_000_000)),
        1 => number(r),
        _ => Value::String(text(r)),
    }
}

fn timestamp(r: &mut Rng) -> Value {
    Value::String(r.pick(&["2025-01-15T10:00:00Z", "2025-01-15T10:00:00.123+02:00", "2024-02-29", "nope", ""]).to_string())
}

/// An object that is one most of the time, else anything else.
fn object_or_not(r: &mut Rng, make: &mut dyn FnMut(&mut Rng) -> Map<String, Value>) -> Value {
    if r.chance(85) {
        Value::Object(make(r))
    } else {
        any(r, 1)
    }
}

fn entry(r: &mut Rng) -> Map<String, Value> {
    let mut e = Map::new();
    let fields: &[Field<'_>] = &[
        ("userId", &id),
        ("last_refreshed", &timestamp),
        ("username", &|r: &mut Rng| Value::String(text(r))),
        ("cache_id", &|r: &mut Rng| Value::String(text(r))),
        ("followers", &number),
        ("engagementRate", &number),
        ("avgViews", &number),
        ("avgLikes", &number),
        ("refreshed_by", &|r: &mut Rng| Value::String(text(r))),
        ("cached_payload", &deep),
    ];
    for (k, make) in fields {
        if r.chance(55) {
            e.insert(k.to_string(), leaf(r, *make));
        }
    }
    e
}

/// Random notes, shaped like the column's most of the time.
fn notes(r: &mut Rng) -> Value {
    let mut top = Map::new();
    if r.chance(40) {
        top.insert(text(r), deep(r));
    }
    if r.chance(90) {
        let md = object_or_not(r, &mut |r| {
            let mut md = Map::new();
            let legacy: [Field<'_>; 5] = [
                ("userId", &id),
                ("modash_user_id", &id),
                ("platform", &|r: &mut Rng| Value::String(r.pick(&["tiktok", "IG", " Instagram ", "youtube", "x"]).to_string())),
                ("last_refreshed", &timestamp),
                ("cached_payload", &deep),
            ];
            for (k, make) in legacy {
                if r.chance(40) {
                    md.insert(k.into(), leaf(r, make));
                }
            }
            if r.chance(85) {
                let pl = object_or_not(r, &mut |r| {
                    let mut pl = Map::new();
                    for name in ["instagram", "tiktok", "youtube", "Instagram", "twitch"] {
                        if r.chance(60) {
                            pl.insert(name.into(), object_or_not(r, &mut entry));
                        }
                    }
                    pl
                });
                md.insert("platforms".into(), pl);
            }
            md
        });
        top.insert("modash_data".into(), md);
    }
    Value::Object(top)
}

/// The same notes as a JS object: every property a data property (so `__proto__` is data),
/// some on the read path behind a getter.
fn object(v: &Value, r: &mut Rng) -> JsValue {
    match v {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(a) => a.iter().map(|x| object(x, r)).collect::<Array>().into(),
        Value::Object(o) => {
            let out = Object::new();
            for (k, x) in o {
                let value = object(x, r);
                let descriptor = Object::new();
                if r.chance(15) {
                    let getter = js_sys::Function::new_with_args("v", "return () => v").call1(&JsValue::NULL, &value).unwrap();
                    Reflect::set(&descriptor, &"get".into(), &getter).unwrap();
                } else {
                    Reflect::set(&descriptor, &"value".into(), &value).unwrap();
                    Reflect::set(&descriptor, &"writable".into(), &JsValue::TRUE).unwrap();
                }
                Reflect::set(&descriptor, &"enumerable".into(), &JsValue::TRUE).unwrap();
                Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE).unwrap();
                Object::define_property(&out, &JsValue::from_str(k), &descriptor);
            }
            out.into()
        }
    }
}

type ReadFn<'a> = &'a dyn Fn(&JsValue, Needed) -> NotesRead<'static>;
/// A key and how to make a value for it.
type Field<'a> = (&'a str, &'a dyn Fn(&mut Rng) -> Value);

/// The first case (of `cases`, from `seed`) where a path disagrees with the oracle, described.
fn first_disagreement(seed: u64, cases: usize, read_object: ReadFn<'_>, read_text_js: ReadFn<'_>) -> Option<String> {
    let mut r = Rng(seed);
    let mut rows_object = Vec::new();
    let mut rows_text = Vec::new();
    let mut expected_rows = Vec::new();
    for case in 0..cases {
        let v = notes(&mut r);
        let rendered = serde_json::to_string(&v).unwrap();
        let whole = read_text(&rendered);
        let (obj, text_js, bytes) = (object(&v, &mut r), JsValue::from_str(&rendered), JsValue::from(Uint8Array::from(rendered.as_bytes())));
        for fields in Fields::ALL {
            let needed = Needed { platforms: if r.chance(50) { Needed::ALL_PLATFORMS } else { 1 << r.below(3) }, fields };
            let expected = match &whole {
                NotesRead::Ok(view) => NotesRead::Ok(needed.narrow(view.clone())),
                NotesRead::Unreadable => NotesRead::Unreadable,
            };
            for (path, got) in [("object", read_object(&obj, needed)), ("text", read_text_js(&text_js, needed)), ("bytes", read::notes_needed(&bytes, needed))]
            {
                if got != expected {
                    return Some(format!("seed {seed} case {case}, {path} path, {needed:?}: {rendered}\n  got      {got:?}\n  expected {expected:?}"));
                }
            }
        }
        // Batches read every row's badge fields through the same crossing.
        let names: Array = Platform::ALL.iter().map(|p| JsValue::from_str(p.as_str())).collect();
        let row = |notes: &JsValue| {
            let o = Object::new();
            Reflect::set(&o, &"notes".into(), notes).unwrap();
            Reflect::set(&o, &"platforms".into(), &names).unwrap();
            JsValue::from(o)
        };
        rows_object.push(row(&obj));
        rows_text.push(row(&text_js));
        let badges = Needed { platforms: Needed::ALL_PLATFORMS, fields: Fields::Freshness };
        expected_rows.push(match &whole {
            NotesRead::Ok(view) => NotesRead::Ok(badges.narrow(view.clone().into_owned())),
            NotesRead::Unreadable => NotesRead::Unreadable,
        });
    }
    for (path, rows) in [("object batch", rows_object), ("text batch", rows_text)] {
        let Ok(rows) = read::rows(&rows.into_iter().collect::<Array>().into()) else { panic!("rows read") };
        let badges = Needed { platforms: Needed::ALL_PLATFORMS, fields: Fields::Freshness };
        for (i, (row, expected)) in rows.iter().zip(&expected_rows).enumerate() {
            let got = row.notes.read(badges).into_owned();
            if &got != expected {
                return Some(format!("seed {seed} row {i}, {path}:\n  got      {got:?}\n  expected {expected:?}"));
            }
        }
    }
    None
}

fn object_path(v: &JsValue, needed: Needed) -> NotesRead<'static> {
    read::notes_needed(v, needed)
}

#[wasm_bindgen_test]
fn objects_text_and_bytes_read_the_same_view_as_the_core_reads_serde_json_text() {
    for seed in [0x9e37_79b9_7f4a_7c15, 42, 7] {
        if let Some(problem) = first_disagreement(seed, 120, &object_path, &object_path) {
            panic!("{problem}");
        }
    }
}

#[wasm_bindgen_test]
fn the_property_catches_a_reader_that_is_wrong_on_purpose() {
    // An object reader that takes one metric for another, and a text reader that loses the
    // legacy platform: each is caught.
    let swaps_metrics = |v: &JsValue, needed: Needed| {
        let mut read = read::notes_needed(v, needed);
        if let NotesRead::Ok(view) = &mut read {
            for e in &mut view.platforms {
                e.metrics.swap(0, 1);
            }
        }
        read
    };
    let loses_platform = |v: &JsValue, needed: Needed| {
        let mut read = read::notes_needed(v, needed);
        if let NotesRead::Ok(view) = &mut read {
            view.legacy_platform = Default::default();
        }
        read
    };
    let caught = first_disagreement(42, 120, &swaps_metrics, &object_path);
    assert!(caught.as_deref().is_some_and(|p| p.contains("object path")), "{caught:?}");
    let caught = first_disagreement(42, 120, &object_path, &loses_platform);
    assert!(caught.as_deref().is_some_and(|p| p.contains("text path")), "{caught:?}");
}
