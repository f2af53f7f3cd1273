//! Property: the write path never changes what it does not own. Random notes (as serde_json
//! values written to text) go through mergeAnalytics and slimNotes on text; every path but the
//! owned ones reads the same before and after.
#![cfg(not(target_arch = "wasm32"))]

use modash_flow::notes::Leaf;
use modash_flow::platform::Platform;
use modash_flow::write::text::{merge_text, slim_text};
use modash_flow::write::{Fetched, MergeOptions};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e9f64..1e9).prop_map(|x| json!(x)),
        "[a-zA-Z0-9 é\"\\\\]{0,8}".prop_map(Value::String),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("[a-z_]{1,6}", inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn entry() -> impl Strategy<Value = Value> {
    (
        proptest::option::of(prop_oneof!["[0-9]{1,6}".prop_map(Value::String), (1i64..1000).prop_map(|n| json!(n))]),
        proptest::option::of(any_value()),
        proptest::option::of(any_value()),
        any::<bool>(),
    )
        .prop_map(|(id, extra, payload, followers)| {
            let mut m = Map::new();
            if let Some(id) = id {
                m.insert("userId".into(), id);
            }
            if let Some(x) = extra {
                m.insert("notes_extra".into(), x);
            }
            if followers {
                m.insert("followers".into(), json!(10));
            }
            if let Some(p) = payload {
                m.insert("cached_payload".into(), json!({ "profile": { "followers": 5, "engagementRate": 0.5 }, "rest": p }));
            }
            Value::Object(m)
        })
}

fn notes() -> impl Strategy<Value = Value> {
    (
        proptest::collection::btree_map("[a-z]{1,5}", any_value(), 0..4),
        proptest::collection::btree_map("(instagram|tiktok|youtube|facebook)", entry(), 0..4),
        proptest::option::of("(instagram|tiktok|vine|)"),
        proptest::option::of("[0-9]{1,5}"),
        proptest::option::of(any_value()),
        proptest::collection::btree_map("[a-z]{1,5}", any_value(), 0..3),
    )
        .prop_map(|(top, platforms, lp, lid, lpayload, md_extra)| {
            let mut md: Map<String, Value> = md_extra.into_iter().collect();
            md.insert("platforms".into(), Value::Object(platforms.into_iter().collect()));
            if let Some(lp) = lp {
                md.insert("platform".into(), json!(lp));
            }
            if let Some(id) = lid {
                md.insert("userId".into(), json!(id));
            }
            if let Some(p) = lpayload {
                md.insert("cached_payload".into(), json!({ "profile": { "avgViews": 3 }, "rest": p }));
            }
            let mut root: Map<String, Value> = top.into_iter().collect();
            root.insert("modash_data".into(), Value::Object(md));
            Value::Object(root)
        })
}

fn strip(v: &mut Value, platform: &str, keys: &[&str]) {
    if let Some(e) = v.pointer_mut(&format!("/modash_data/platforms/{platform}")).and_then(Value::as_object_mut) {
        for k in keys {
            e.remove(*k);
        }
        if e.is_empty() {
            v["modash_data"]["platforms"].as_object_mut().unwrap().remove(platform);
        }
    }
}

/// What the write path owns in an entry: the ids and bookkeeping, and every core metric (from
/// the module's table: a new metric is owned without naming it here).
fn owned() -> Vec<&'static str> {
    let mut keys = vec!["userId", "username", "last_refreshed", "refreshed_by", "cache_id", "cached_payload"];
    keys.extend(modash_flow::notes::METRICS.iter().map(|m| m.key));
    keys
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn merge_changes_only_what_it_owns(n in notes(), p in 0usize..3) {
        let platform = Platform::ALL[p];
        let text = serde_json::to_string(&n).unwrap();
        let fetched = Fetched { user_id: Leaf::Str("F1".into()), username: Some("u".into()), ..Default::default() };
        let opts = MergeOptions { now: 1.7e12, refreshed_by: None, cache_id: None, mark_refreshed: true };
        let (out, plan, _) = merge_text(&text, platform, &fetched, &opts).unwrap();
        let mut after: Value = serde_json::from_str(&out).unwrap();
        prop_assert_eq!(after["modash_data"]["platforms"][platform.as_str()]["userId"].as_str(), Some("F1"));
        prop_assert!(after["modash_data"]["platforms"][platform.as_str()].get("cached_payload").is_none());
        let mut before = n.clone();
        strip(&mut before, platform.as_str(), &owned());
        strip(&mut after, platform.as_str(), &owned());
        for e in plan.edits.iter().skip(1) {
            strip(&mut before, e.platform.as_str(), &["userId"]);
            strip(&mut after, e.platform.as_str(), &["userId"]);
        }
        prop_assert_eq!(before, after);
    }

    /// Storing ids only (a backfill, a lookup whose report failed) must never drop a payload:
    /// nothing replaces it.
    #[test]
    fn storing_ids_only_keeps_every_payload(n in notes(), p in 0usize..3) {
        let platform = Platform::ALL[p];
        let text = serde_json::to_string(&n).unwrap();
        let fetched = Fetched { user_id: Leaf::Str("F1".into()), ..Default::default() };
        let opts = MergeOptions { now: 1.7e12, refreshed_by: None, cache_id: None, mark_refreshed: false };
        let (out, plan, dropped) = merge_text(&text, platform, &fetched, &opts).unwrap();
        let after: Value = serde_json::from_str(&out).unwrap();
        prop_assert_eq!(dropped, 0);
        prop_assert_eq!(plan.user_id_stored.as_deref(), Some("F1"));
        for q in Platform::ALL {
            for key in ["cached_payload", "last_refreshed", "refreshed_by"] {
                let ptr = format!("/modash_data/platforms/{}/{key}", q.as_str());
                prop_assert_eq!(after.pointer(&ptr), n.pointer(&ptr), "{}", ptr);
            }
        }
        prop_assert_eq!(after.pointer("/modash_data/cached_payload"), n.pointer("/modash_data/cached_payload"));
    }

    #[test]
    fn slim_removes_payloads_and_nothing_else(n in notes()) {
        let text = serde_json::to_string(&n).unwrap();
        let s = slim_text(&text, |_, _| None).unwrap();
        let after: Value = serde_json::from_str(&s.text).unwrap();
        // Every removed payload is returned, equal as JSON.
        for (slimmed, raw) in &s.payloads {
            let payload: Value = serde_json::from_str(raw).unwrap();
            let from = match slimmed.source {
                modash_flow::write::PayloadSource::Platform => n.pointer(&format!("/modash_data/platforms/{}/cached_payload", slimmed.platform)).cloned(),
                modash_flow::write::PayloadSource::Legacy => n.pointer("/modash_data/cached_payload").cloned(),
            };
            prop_assert_eq!(Some(payload), from);
        }
        // Outside the supported platforms' entries (and the legacy payload), nothing changed.
        let mut before = n.clone();
        let mut after2 = after.clone();
        let legacy_slimmed = s.payloads.iter().any(|(s, _)| s.source == modash_flow::write::PayloadSource::Legacy);
        for v in [&mut before, &mut after2] {
            for p in Platform::ALL {
                strip(v, p.as_str(), &owned());
            }
            if legacy_slimmed {
                v["modash_data"].as_object_mut().unwrap().remove("cached_payload");
            }
        }
        prop_assert_eq!(before, after2);
        // Slimming twice changes nothing more.
        let again = slim_text(&s.text, |_, _| None).unwrap();
        prop_assert!(again.payloads.is_empty());
        prop_assert_eq!(again.text, s.text);
    }
}
