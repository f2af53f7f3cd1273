//! Notes JSON text through every reader and writer: the strict reader agrees with serde_json
//! (and reads bytes as it reads their text),
//! resolution and badges never panic, merge/slim either refuse or keep every unowned path.
#![no_main]
use libfuzzer_sys::fuzz_target;
use modash_flow::json;
use modash_flow::write::text::{merge_text, slim_text};
use modash_flow::notes::{read_text, read_utf8, NotesRead};
use modash_flow::write::{Fetched, MergeOptions, PayloadSource};
use modash_flow::notes::Leaf;
use modash_flow::platform::Platform;
use modash_flow::progress::{progress, Options};
use modash_flow::ttl::{TtlConfig, TtlSpec, UseCase};
use modash_flow::user_id::resolve;
use serde_json::Value;

fn strip(v: &mut Value, platform: &str, keys: &[&str]) {
    if let Some(e) = v.pointer_mut(&format!("/modash_data/platforms/{platform}")).and_then(Value::as_object_mut) {
        for k in keys {
            e.remove(*k);
        }
        if e.is_empty() {
            if let Some(p) = v.pointer_mut("/modash_data/platforms").and_then(Value::as_object_mut) {
                p.remove(platform);
            }
        }
    }
}

const OWNED: [&str; 9] = ["userId", "username", "followers", "engagementRate", "avgViews", "last_refreshed", "refreshed_by", "cache_id", "cached_payload"];

fuzz_target!(|data: &[u8]| {
    let ours = json::validate_bytes(data).is_ok();
    // Bytes are read with the UTF-8 check folded into the one pass: as if checked first.
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(!ours, "bytes that are not UTF-8 validated");
        assert!(read_utf8(data) == NotesRead::Unreadable);
        return;
    };
    assert!(read_utf8(data) == read_text(text));
    // The oracle, where serde_json's own recursion limit (128) does not decide.
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => assert!(ours, "serde_json accepts, we refuse: {text:?}"),
        Err(e) if !e.to_string().contains("recursion limit") => assert!(!ours, "we accept, serde_json refuses ({e}): {text:?}"),
        Err(_) => {}
    }
    let read = read_text(text);
    for p in Platform::ALL {
        let _ = resolve(&read, p);
    }
    let opts = Options { ttl: TtlSpec::Config(TtlConfig::default()), use_case: UseCase::Roster, now: 1.7e12 };
    let _ = progress(&read, &[Some("instagram"), Some("tt"), Some("youtube"), Some("x"), None], &opts);

    let fetched = Fetched { user_id: Leaf::Str("F1".into()), ..Default::default() };
    let mopts = MergeOptions { now: 1.7e12, refreshed_by: None, cache_id: None, mark_refreshed: true };
    let merged = merge_text(text, Platform::Tiktok, &fetched, &mopts);
    let slimmed = slim_text(text, |_, _| None);
    // serde_json::Value refuses numbers out of f64 range (`4e400`) that JSON allows and we keep
    // byte for byte: such inputs are checked by the unit tests, not compared here.
    let Ok(before) = serde_json::from_str::<Value>(text) else { return };
    if let Ok((out, plan, _)) = merged {
        let mut after: Value = serde_json::from_str(&out).expect("merge output is JSON");
        let mut b = before.clone();
        strip(&mut b, "tiktok", &OWNED);
        strip(&mut after, "tiktok", &OWNED);
        for e in plan.edits.iter().skip(1) {
            strip(&mut b, e.platform.as_str(), &["userId"]);
            strip(&mut after, e.platform.as_str(), &["userId"]);
        }
        // Objects on the path that were created empty are an allowed difference.
        if let Some(md) = after.get_mut("modash_data").and_then(Value::as_object_mut) {
            if md.get("platforms").is_some_and(|p| p.as_object().is_some_and(|o| o.is_empty())) && !b.get("modash_data").and_then(|m| m.get("platforms")).is_some() {
                md.remove("platforms");
            }
        }
        if after.get("modash_data").is_some_and(|m| m.as_object().is_some_and(|o| o.is_empty())) && b.get("modash_data").map_or(true, Value::is_null) {
            after.as_object_mut().unwrap().remove("modash_data");
            if let Some(o) = b.as_object_mut() {
                o.remove("modash_data");
            }
        }
        if b.get("modash_data").is_some_and(Value::is_null) && after.get("modash_data").is_some() {
            return; // null replaced by a created object: nothing was lost
        }
        assert_eq!(b, after, "merge changed an unowned path");
    }
    if let Ok(s) = slimmed {
        let after: Value = serde_json::from_str(&s.text).expect("slim output is JSON");
        for (sl, raw) in &s.payloads {
            let payload: Value = serde_json::from_str(raw).expect("payload is JSON");
            let from = match sl.source {
                PayloadSource::Platform => before.pointer(&format!("/modash_data/platforms/{}/cached_payload", sl.platform)).cloned(),
                PayloadSource::Legacy => before.pointer("/modash_data/cached_payload").cloned(),
            };
            assert_eq!(Some(payload), from, "a slimmed payload differs from the original");
        }
        let again = slim_text(&s.text, |_, _| None).expect("slim output slims again");
        assert!(again.payloads.is_empty());
        let _ = after;
    }
});
