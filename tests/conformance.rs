//! Conformance: the JSON reader against JSONTestSuite and the timestamp parser against the
//! RFC 3339 cases of JSON-Schema-Test-Suite (both MIT; see tests/vectors/). Also the JSON
//! reader against serde_json as an oracle on random text.
#![cfg(not(target_arch = "wasm32"))]

use modash_flow::json::{validate, validate_bytes};
use modash_flow::notes::{read_text, read_text_needed, read_utf8, Fields, Needed, NotesRead};
use modash_flow::time::parse_str;
use proptest::prelude::*;
use std::path::Path;

fn vectors() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

#[test]
fn json_test_suite() {
    let mut counts = [0usize; 3];
    for entry in std::fs::read_dir(vectors().join("json-test-suite")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let got = validate_bytes(&bytes);
        match &name[..2] {
            "y_" => {
                assert!(got.is_ok(), "{name} must be accepted: {got:?}");
                counts[0] += 1;
            }
            "n_" => {
                assert!(got.is_err(), "{name} must be rejected");
                counts[1] += 1;
            }
            _ => counts[2] += 1, // i_: either answer, but no panic (we got here)
        }
        // Notes read from text must never panic either, and accept only objects.
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let read = read_text(text);
            if read != NotesRead::Unreadable {
                assert!(text.trim_start().starts_with('{') && validate(text).is_ok(), "{name}");
            }
        }
    }
    assert_eq!(counts, [84, 157, 35], "vector files present (y, n, i)");
}

#[test]
fn rfc3339_date_times() {
    let text = std::fs::read_to_string(vectors().join("rfc3339-date-time.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for case in cases {
        let data = case["data"].as_str().unwrap();
        let valid = case["valid"].as_bool().unwrap();
        assert_eq!(parse_str(data).is_some(), valid, "{data:?} valid={valid}");
    }
    // Leap second maps to the next second.
    assert_eq!(parse_str("1998-12-31T23:59:60Z"), parse_str("1999-01-01T00:00:00Z"));
}

fn json_like() -> impl Strategy<Value = String> {
    // Fragments that build both valid and broken JSON, kept under serde_json's depth limit.
    let atom = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("fals".to_string()),
        Just("0".to_string()),
        Just("-1.5e3".to_string()),
        Just("01".to_string()),
        Just("1.".to_string()),
        Just("\"a\\n\\u00e9\"".to_string()),
        Just("\"\\x\"".to_string()),
        Just("\"\u{7}\"".to_string()),
        Just("\"é\"".to_string()),
        Just("1e400".to_string()),
        Just("-".to_string()),
    ];
    atom.prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            proptest::collection::vec(("[a-z\"]{0,3}", inner.clone()), 0..4).prop_map(|v| {
                let body: Vec<String> = v.into_iter().map(|(k, val)| format!("\"{k}\":{val}")).collect();
                format!("{{{}}}", body.join(","))
            }),
            (inner.clone(), "[ ,:\\]\\}\\[\\{]{0,2}").prop_map(|(a, junk)| format!("{a}{junk}")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn reader_agrees_with_serde_json(text in json_like()) {
        let ours = validate(&text).is_ok();
        let oracle = serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok();
        prop_assert_eq!(ours, oracle, "{}", text);
    }
}

/// Notes-shaped text whose values (and one whole entry) are random JSON, valid or broken.
fn notes_like() -> impl Strategy<Value = String> {
    // Mostly valid values (so that most texts are readable), now and then a broken one.
    let valid = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("12".to_string()),
        Just("\"2025-01-15T10:00:00Z\"".to_string()),
        Just("\" 42 \"".to_string()),
        Just("\"a\\u00e9\"".to_string()),
        Just("[1,{\"userId\":\"x\"}]".to_string()),
        Just("{\"userId\":\"9\",\"last_refreshed\":\"2025-01-01T00:00:00Z\",\"followers\":3}".to_string()),
    ];
    let value = prop_oneof![8 => valid, 1 => json_like()];
    proptest::collection::vec(value, 7).prop_map(|v| {
        format!(
            r#"{{"modash_data":{{"userId":{},"platform":{},"last_refreshed":{},"cached_payload":{},"platforms":{{"instagram":{{"userId":{},"last_refreshed":{}}},"tiktok":{}}}}}}}"#,
            v[0], v[1], v[2], v[3], v[4], v[5], v[6]
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]
    /// Reading only some platforms, or only the ids, gives exactly the whole read with the
    /// rest blanked; and the same verdict on broken text.
    #[test]
    fn reading_part_of_the_notes_is_the_whole_read_narrowed(text in notes_like(), platforms in 0u32..8, level in 0usize..4) {
        let needed = Needed { platforms, fields: Fields::ALL[level] };
        let part = read_text_needed(&text, needed);
        let expected = match read_text(&text) {
            NotesRead::Unreadable => NotesRead::Unreadable,
            NotesRead::Ok(v) => NotesRead::Ok(needed.narrow(v)),
        };
        prop_assert_eq!(part, expected, "{}", text);
    }
}

/// Byte sequences that are not UTF-8 (lone continuation, overlong, surrogate, past U+10FFFF,
/// truncated) and some that are, to splice into JSON text.
fn odd_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(vec![0x80]),
        Just(vec![0xFF]),
        Just(vec![0xC0, 0x80]),
        Just(vec![0xC3]),
        Just(vec![0xED, 0xA0, 0x80]),
        Just(vec![0xF4, 0x90, 0x80, 0x80]),
        Just(vec![0xE2, 0x82]),
        Just(vec![0xF0, 0x9F, 0x98]),
        Just("é".into()),
        Just("€".into()),
        Just("😀".into()),
        Just(vec![0xE0, 0x9F, 0xBF]),
        Just(vec![0xF0, 0x8F, 0xBF, 0xBF]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    /// Bytes are read in one pass with the UTF-8 check folded in: the same answers as checking
    /// UTF-8 first and reading the text.
    #[test]
    fn bytes_read_as_utf8_first_then_text(text in json_like(), odd in odd_bytes(), at in 0usize..200, notes in proptest::bool::ANY) {
        let text = if notes { format!(r#"{{"modash_data":{{"userId":{text},"platforms":{{"tiktok":{{"userId":"a{text}"}}}}}}}}"#) } else { text };
        let mut bytes = text.into_bytes();
        let at = at.min(bytes.len());
        bytes.splice(at..at, odd);
        let text = std::str::from_utf8(&bytes).ok();
        prop_assert_eq!(validate_bytes(&bytes).is_ok(), text.is_some_and(|t| validate(t).is_ok()));
        let expected = text.map_or(NotesRead::Unreadable, read_text);
        prop_assert_eq!(read_utf8(&bytes), expected);
    }
}
