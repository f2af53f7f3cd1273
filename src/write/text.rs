//! Notes as JSON text, edited losslessly. One pass validates the whole text and opens only
//! the objects on the owned path (root, `modash_data`, `platforms`, the three entries); every
//! other value stays a slice of the input and is written back byte for byte. The containers
//! on the path are re-emitted compactly (`{"k":v,...}`), keys keep their order and escapes.
//! Duplicate keys: the last one is the one read and edited, as with `JSON.parse`.

use super::{self as write, EntryEdit, Fetched, MergeOptions, MergePlan, Num, PayloadFacts, PayloadLevel, PayloadSource, SlimPlan, Slimmed, Unreadable, Value};
use crate::json::{self, JsonError, Parser, Scalar};
use crate::notes::leaf;
use crate::notes::shape::{self, EntryField, LegacyField, NotObject};
use crate::notes::{Leaf, NotesView, METRICS};
use crate::platform::Platform;
use std::borrow::Cow;

#[derive(Clone, Copy, PartialEq)]
enum Level {
    Root,
    Modash,
    Platforms,
    Entry,
}

enum Val<'a> {
    Raw(&'a str),
    Obj(Obj<'a>),
    New(String),
}

struct Member<'a> {
    key_raw: Cow<'a, str>,
    key: Cow<'a, str>,
    value: Val<'a>,
}

#[derive(Default)]
struct Obj<'a> {
    members: Vec<Member<'a>>,
}

/// What a value on the path is when it is not an object (`None` for an object, null, absent).
fn not_object(v: Option<&Val<'_>>) -> Option<NotObject> {
    match v {
        Some(Val::Raw(r)) => NotObject::of_json(r),
        Some(Val::New(t)) => NotObject::of_json(t),
        Some(Val::Obj(_)) | None => None,
    }
}

/// For messages: what a raw JSON value is ("a string", "null", …).
fn kind(raw: &str) -> &'static str {
    NotObject::of_json(raw).map_or("null", NotObject::describe)
}

fn parse_obj<'a>(p: &mut Parser<'a>, level: Level) -> Result<Obj<'a>, JsonError> {
    let mut obj = Obj::default();
    p.ws();
    p.pos += 1; // '{', checked by the caller
    p.ws();
    if p.peek() == Some(b'}') {
        p.pos += 1;
        return Ok(obj);
    }
    loop {
        p.ws();
        let (key_raw, escaped) = p.raw_string()?;
        let key: Cow<'a, str> = if escaped { Cow::Owned(json::unescape(key_raw)) } else { Cow::Borrowed(key_raw) };
        p.ws();
        if p.peek() != Some(b':') {
            return Err(JsonError { offset: p.pos, what: "expected ':' after an object key" });
        }
        p.pos += 1;
        p.ws();
        let child = match level {
            Level::Root if key == shape::MODASH_DATA => Some(Level::Modash),
            Level::Modash if key == shape::PLATFORMS => Some(Level::Platforms),
            Level::Platforms if Platform::ALL.iter().any(|pl| pl.as_str() == key) => Some(Level::Entry),
            _ => None,
        };
        let value = match child {
            Some(l) if p.peek() == Some(b'{') => Val::Obj(parse_obj(p, l)?),
            _ => {
                let start = p.pos;
                p.skip_value()?;
                Val::Raw(p.slice(start, p.pos))
            }
        };
        obj.members.push(Member { key_raw: Cow::Borrowed(key_raw), key, value });
        p.ws();
        match p.peek() {
            Some(b',') => p.pos += 1,
            Some(b'}') => {
                p.pos += 1;
                return Ok(obj);
            }
            _ => return Err(JsonError { offset: p.pos, what: "expected ',' or '}' in object" }),
        }
    }
}

impl<'a> Obj<'a> {
    fn last(&self, key: &str) -> Option<&Val<'a>> {
        self.members.iter().rev().find(|m| m.key == key).map(|m| &m.value)
    }

    fn raw(&self, key: &str) -> Option<&'a str> {
        match self.last(key) {
            Some(Val::Raw(r)) => Some(r),
            _ => None,
        }
    }

    fn obj(&self, key: &str) -> Option<&Obj<'a>> {
        match self.last(key) {
            Some(Val::Obj(o)) => Some(o),
            _ => None,
        }
    }

    fn leaf(&self, key: &str) -> Leaf<'_> {
        match self.last(key) {
            None => Leaf::Missing,
            Some(Val::Obj(_)) => Leaf::Other,
            Some(Val::Raw(r)) => checked_leaf(r),
            Some(Val::New(t)) => checked_leaf(t),
        }
    }

    /// The object at `key` (the last occurrence), created when missing or null; refuses any
    /// other value.
    fn obj_mut(&mut self, key: &str, path: &str) -> Result<&mut Obj<'a>, Unreadable> {
        let idx = match self.members.iter().rposition(|m| m.key == key) {
            Some(i) => i,
            None => {
                let mut key_raw = String::new();
                json::write_string(&mut key_raw, key);
                let key_raw = key_raw.get(1..key_raw.len().saturating_sub(1)).unwrap_or("").to_string();
                self.members.push(Member { key_raw: Cow::Owned(key_raw), key: Cow::Owned(key.to_string()), value: Val::Obj(Obj::default()) });
                self.members.len() - 1
            }
        };
        let m = &mut self.members[idx];
        match &m.value {
            Val::Obj(_) => {}
            Val::Raw(r) if *r == "null" => m.value = Val::Obj(Obj::default()),
            Val::Raw(r) => return Err(Unreadable(format!("{path} is {}, not an object", kind(r)))),
            Val::New(_) => return Err(Unreadable(format!("{path} is not an object"))),
        }
        match &mut m.value {
            Val::Obj(o) => Ok(o),
            _ => Err(Unreadable(format!("{path} is not an object"))),
        }
    }

    fn set(&mut self, key: &'static str, text: String) {
        match self.members.iter_mut().rev().find(|m| m.key == key) {
            Some(m) => m.value = Val::New(text),
            None => self.members.push(Member { key_raw: Cow::Borrowed(key), key: Cow::Borrowed(key), value: Val::New(text) }),
        }
    }

    /// Removes every `key` member; returns the bytes of the removed values' text.
    fn remove(&mut self, key: &str) -> usize {
        let mut bytes = 0;
        self.members.retain(|m| {
            if m.key != key {
                return true;
            }
            bytes += match &m.value {
                Val::Raw(r) => r.len(),
                Val::New(t) => t.len(),
                Val::Obj(_) => 0,
            };
            false
        });
        bytes
    }

    fn write(&self, out: &mut String) {
        out.push('{');
        for (i, m) in self.members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(&m.key_raw);
            out.push_str("\":");
            match &m.value {
                Val::Raw(r) => out.push_str(r),
                Val::New(t) => out.push_str(t),
                Val::Obj(o) => o.write(out),
            }
        }
        out.push('}');
    }
}

/// Notes text, parsed once for editing.
pub struct Doc<'a> {
    root: Obj<'a>,
}

impl<'a> Doc<'a> {
    /// Parses and validates the whole text; refuses anything but a JSON object.
    pub fn parse(text: &'a str) -> Result<Doc<'a>, Unreadable> {
        let mut p = Parser::new(text);
        p.ws();
        if p.peek() != Some(b'{') {
            return Err(match json::validate(text) {
                Ok(()) => Unreadable(format!("notes JSON is {}, not an object", kind(text.trim_start()))),
                Err(e) => Unreadable(format!("notes is not valid JSON ({e})")),
            });
        }
        let root = parse_obj(&mut p, Level::Root).and_then(|o| p.finish().map(|_| o));
        root.map(|root| Doc { root }).map_err(|e| Unreadable(format!("notes is not valid JSON ({e})")))
    }

    /// The read view (from the last occurrence of each key), walking the notes shape table.
    pub fn view(&self) -> NotesView<'_> {
        let mut v = NotesView::default();
        let md = match self.root.last(shape::MODASH_DATA) {
            Some(Val::Obj(md)) => md,
            other => {
                v.modash_not_object = not_object(other);
                return v;
            }
        };
        for f in LegacyField::ALL {
            *v.legacy_mut(f) = md.leaf(f.key());
        }
        v.legacy_payload = md.last(shape::CACHED_PAYLOAD).is_some();
        let pl = match md.last(shape::PLATFORMS) {
            Some(Val::Obj(pl)) => pl,
            other => {
                v.platforms_not_object = not_object(other);
                return v;
            }
        };
        for p in Platform::ALL {
            let entry = &mut v.platforms[p.index()];
            match pl.last(p.as_str()) {
                Some(Val::Obj(e)) => {
                    for f in EntryField::ALL {
                        *entry.field_mut(f) = e.leaf(f.key());
                    }
                    entry.has_payload = e.last(shape::CACHED_PAYLOAD).is_some();
                }
                other => entry.not_object = not_object(other),
            }
        }
        v
    }

    /// The raw text of `platforms[p].cached_payload`, or of the legacy one.
    pub fn payload_raw(&self, p: Option<Platform>) -> Option<&'a str> {
        let md = self.root.obj(shape::MODASH_DATA)?;
        match p {
            None => md.raw(shape::CACHED_PAYLOAD),
            Some(p) => md.obj(shape::PLATFORMS)?.obj(p.as_str())?.raw(shape::CACHED_PAYLOAD),
        }
    }

    fn entry_mut(&mut self, p: Platform) -> Result<&mut Obj<'a>, Unreadable> {
        self.root
            .obj_mut(shape::MODASH_DATA, shape::MODASH_DATA)?
            .obj_mut(shape::PLATFORMS, "modash_data.platforms")?
            .obj_mut(p.as_str(), &format!("modash_data.platforms.{p}"))
    }

    /// Applies entry edits; returns the bytes of removed payloads.
    pub fn apply(&mut self, edits: &[EntryEdit]) -> Result<usize, Unreadable> {
        let mut dropped = 0;
        for e in edits {
            let entry = self.entry_mut(e.platform)?;
            for (k, v) in &e.set {
                entry.set(k, value_text(v));
            }
            if e.remove_payload {
                dropped += entry.remove(shape::CACHED_PAYLOAD);
            }
        }
        Ok(dropped)
    }

    /// Removes the legacy `modash_data.cached_payload`.
    pub fn remove_legacy_payload(&mut self) -> usize {
        match self.root.obj_mut(shape::MODASH_DATA, shape::MODASH_DATA) {
            Ok(md) => md.remove(shape::CACHED_PAYLOAD),
            Err(_) => 0,
        }
    }

    /// The text.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.root.write(&mut out);
        out
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Str(s) => {
            let mut out = String::with_capacity(s.len() + 2);
            json::write_string(&mut out, s);
            out
        }
        Value::Num(n) => n.text.clone(),
        Value::Null => "null".into(),
    }
}

/// Reads userId and core metrics from a payload's text, both levels, for
/// [`PayloadFacts::from_levels`]. Numbers keep their exact text.
pub fn payload_facts(raw: &str) -> PayloadFacts {
    /// One object level; with `nested`, also the raw text of its `profile` member.
    fn read_level(raw: &str, nested: bool) -> (PayloadLevel, Option<&str>) {
        let mut level = PayloadLevel::default();
        let mut profile = None;
        let mut p = Parser::new(raw);
        p.ws();
        if p.peek() != Some(b'{') {
            return (level, None);
        }
        let _ = p.object(|p, key| {
            if nested && key == shape::REPORT_PROFILE.as_bytes() {
                p.ws();
                let start = p.pos;
                p.skip_value()?;
                profile = Some(p.slice(start, p.pos));
            } else if key == EntryField::UserId.key().as_bytes() {
                level.user_id = leaf(p)?.into_owned();
            } else if let Some(i) = METRICS.iter().position(|m| m.key.as_bytes() == key) {
                level.metrics[i] = match p.scalar()? {
                    Scalar::Number(t) => Some(Num {
                        value: crate::decimal::parse(t).unwrap_or_else(|| {
                            debug_assert!(false, "a checked JSON number did not parse: {t}");
                            f64::NAN
                        }),
                        text: t.to_string(),
                    }),
                    _ => None,
                };
            } else {
                p.skip_value()?;
            }
            Ok(())
        });
        (level, profile)
    }
    let (top, profile) = read_level(raw, true);
    let profile = profile.map(|r| read_level(r, false).0).unwrap_or_default();
    PayloadFacts::from_levels(profile, top)
}

/// `mergeAnalytics` on text: the new text, the plan, and the bytes of the removed payload.
pub fn merge_text(text: &str, platform: Platform, fetched: &Fetched, opts: &MergeOptions) -> Result<(String, MergePlan, usize), Unreadable> {
    let (doc, plan, dropped) = merge_doc(text, platform, fetched, opts)?;
    Ok((doc.to_text(), plan, dropped))
}

/// [`merge_text`] without writing the new text (the object form applies the plan itself).
pub fn merge_doc<'a>(text: &'a str, platform: Platform, fetched: &Fetched, opts: &MergeOptions) -> Result<(Doc<'a>, MergePlan, usize), Unreadable> {
    let mut doc = Doc::parse(text)?;
    let plan = write::plan_merge(&doc.view(), platform, fetched, opts)?;
    let dropped = doc.apply(&plan.edits)?;
    Ok((doc, plan, dropped))
}

/// `slimNotes` on text.
pub struct SlimText<'a> {
    pub text: String,
    /// Each slimmed payload with its raw JSON text.
    pub payloads: Vec<(Slimmed, &'a str)>,
    /// What was changed (for applying the same to the notes' JS object).
    pub plan: SlimPlan,
}

/// `slimNotes` on text; `cache_id` gives the cache row id per platform or legacy payload.
pub fn slim_text<'a>(text: &'a str, cache_id: impl Fn(Platform, PayloadSource) -> Option<String>) -> Result<SlimText<'a>, Unreadable> {
    let mut doc = Doc::parse(text)?;
    let plan: SlimPlan = write::plan_slim(
        &doc.view(),
        |p| doc.payload_raw(Some(p)).map(payload_facts).unwrap_or_default(),
        || doc.payload_raw(None).map(payload_facts).unwrap_or_default(),
        cache_id,
    )?;
    let payloads = plan
        .slimmed
        .iter()
        .filter_map(|s| {
            let raw = doc.payload_raw(if s.source == PayloadSource::Legacy { None } else { Some(s.platform) })?;
            Some((s.clone(), raw))
        })
        .collect();
    if plan.edits.is_empty() && !plan.remove_legacy_payload {
        // Nothing to slim: the text is returned as it came, white space included.
        return Ok(SlimText { text: text.to_string(), payloads, plan });
    }
    doc.apply(&plan.edits)?;
    if plan.remove_legacy_payload {
        doc.remove_legacy_payload();
    }
    Ok(SlimText { text: doc.to_text(), payloads, plan })
}

/// A plan's edits as JSON text, for applying them to a JS object (`src/wasm/js/write.js`): the
/// keys of the path (from the notes shape table), then each entry's edits by name.
/// `{"modashData":"modash_data","platforms":"platforms","payload":"cached_payload",
/// "removeLegacyPayload":false,"edits":[{"platform":"tiktok","set":{"userId":"1"},"removePayload":true}]}`
pub fn plan_json(edits: &[EntryEdit], remove_legacy_payload: bool) -> String {
    let mut out = String::new();
    let key = |out: &mut String, k: &str| {
        json::write_string(out, k);
        out.push(':');
    };
    out.push('{');
    for (name, value) in [("modashData", shape::MODASH_DATA), ("platforms", shape::PLATFORMS), ("payload", shape::CACHED_PAYLOAD)] {
        key(&mut out, name);
        json::write_string(&mut out, value);
        out.push(',');
    }
    key(&mut out, "removeLegacyPayload");
    out.push_str(if remove_legacy_payload { "true" } else { "false" });
    out.push(',');
    key(&mut out, "edits");
    out.push('[');
    for (i, e) in edits.iter().enumerate() {
        out.push_str(if i == 0 { "{" } else { ",{" });
        key(&mut out, "platform");
        json::write_string(&mut out, e.platform.as_str());
        out.push(',');
        key(&mut out, "set");
        out.push('{');
        for (j, (k, v)) in e.set.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            key(&mut out, k);
            out.push_str(&value_text(v));
        }
        out.push_str("},");
        key(&mut out, "removePayload");
        out.push_str(if e.remove_payload { "true}" } else { "false}" });
    }
    out.push_str("]}");
    out
}

/// A value's leaf from its JSON text, which was checked (read from the document or written by
/// us): a scalar or a container, never an error.
fn checked_leaf(text: &str) -> Leaf<'_> {
    leaf(&mut Parser::new(text)).unwrap_or_else(|e| {
        debug_assert!(false, "a checked value did not read: {e:?}");
        Leaf::Other
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> MergeOptions {
        MergeOptions { now: 1_736_935_200_000.0, refreshed_by: Some("staff-1".into()), cache_id: Some(Some("c1".into())), mark_refreshed: true }
    }

    #[test]
    fn merge_keeps_everything_else_byte_for_byte() {
        let text = r#"{"z":1.0,"big":12345678901234567890123,"inf":1e400,"u":"\u00e9\ud83d\ude00",
            "modash_data":{"userId":"L","platforms":{"youtube":{"userId":"UC1"},
            "instagram":{"keep":[1, 2],"followers":1,"cached_payload":{"profile":{"followers":99}}}},"x":true},"a":{ "n" : null }}"#;
        // A report without figures: the old followers are not kept beside the new refresh time.
        let f = Fetched { user_id: Leaf::Str("IG9".into()), username: Some("ana\"b".into()), ..Default::default() };
        let (out, plan, dropped) = merge_text(text, Platform::Instagram, &f, &opts()).unwrap();
        assert_eq!(dropped, r#"{"profile":{"followers":99}}"#.len());
        assert_eq!(plan.user_id_stored.as_deref(), Some("IG9"));
        assert!(out.starts_with(r#"{"z":1.0,"big":12345678901234567890123,"inf":1e400,"u":"\u00e9\ud83d\ude00","modash_data":{"userId":"L","platforms":{"youtube":{"userId":"UC1"},"instagram":{"keep":[1, 2],"followers":null,"userId":"IG9","username":"ana\"b","engagementRate":null,"avgViews":null,"avgLikes":null,"last_refreshed":"2025-01-15T10:00:00.000Z","refreshed_by":"staff-1","cache_id":"c1"}},"x":true},"a":{ "n" : null }}"#), "{out}");
        assert!(json::validate(&out).is_ok());
    }

    #[test]
    fn a_plan_crosses_as_json_naming_every_part() {
        let edits = [
            EntryEdit {
                platform: Platform::Tiktok,
                set: vec![
                    ("userId", Value::Str("7\"1".into())),
                    ("followers", Value::Num(Num { value: 1e21, text: "1e+21".into() })),
                    ("avgLikes", Value::Null),
                ],
                remove_payload: true,
            },
            EntryEdit { platform: Platform::Youtube, set: vec![], remove_payload: false },
        ];
        let v: serde_json::Value = serde_json::from_str(&plan_json(&edits, true)).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"modashData": "modash_data", "platforms": "platforms", "payload": "cached_payload", "removeLegacyPayload": true, "edits": [
                {"platform": "tiktok", "set": {"userId": "7\"1", "followers": 1e21, "avgLikes": null}, "removePayload": true},
                {"platform": "youtube", "set": {}, "removePayload": false}]})
        );
        assert_eq!(
            plan_json(&[], false),
            r#"{"modashData":"modash_data","platforms":"platforms","payload":"cached_payload","removeLegacyPayload":false,"edits":[]}"#
        );
    }

    #[test]
    fn numbers_beyond_f64_survive_byte_for_byte() {
        // Found by the notes_text fuzz target (a harness false alarm: serde_json::Value refuses
        // such numbers); kept as a regression test of the splice.
        let text = "\r\r{\"\":\r\n44e0000000000106617540419523070860\r}\r";
        let (out, _, _) = merge_text(text, Platform::Tiktok, &Fetched::default(), &opts()).unwrap();
        assert!(out.starts_with(r#"{"":44e0000000000106617540419523070860,"modash_data":"#), "{out}");
        let s = slim_text(text, |_, _| None).unwrap();
        assert_eq!(s.text, text, "nothing to slim: the text comes back as it was");
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        let f = Fetched::default();
        for (bad, needle) in [
            ("not json", "not valid JSON"),
            ("[1]", "an array"),
            ("\"{}\"", "a string"),
            (r#"{"modash_data":"x"}"#, "modash_data is a string"),
            (r#"{"modash_data":{"platforms":[1]}}"#, "modash_data.platforms is an array"),
            (r#"{"modash_data":{"platforms":{"tiktok":7}}}"#, "modash_data.platforms.tiktok is a number"),
            (r#"{"a":1"#, "not valid JSON"),
        ] {
            let e = merge_text(bad, Platform::Instagram, &f, &opts()).unwrap_err();
            assert!(e.to_string().contains(needle), "{bad}: {e}");
        }
        // null and missing parents are created.
        let (out, _, _) = merge_text(r#"{"modash_data":null}"#, Platform::Tiktok, &f, &opts()).unwrap();
        assert!(
            out.starts_with(
                r#"{"modash_data":{"platforms":{"tiktok":{"followers":null,"engagementRate":null,"avgViews":null,"avgLikes":null,"last_refreshed""#
            ),
            "{out}"
        );
    }

    #[test]
    fn other_keys_under_platforms_are_kept_as_written() {
        // Only the three platforms' entries are parsed for editing: any other key keeps its bytes.
        let text = r#"{"modash_data":{"platforms":{"facebook":{ "cached_payload" : { "followers" : 1 } },"tiktok":{ }}}}"#;
        let (out, _, _) = merge_text(text, Platform::Tiktok, &Fetched::default(), &opts()).unwrap();
        assert!(out.starts_with(r#"{"modash_data":{"platforms":{"facebook":{ "cached_payload" : { "followers" : 1 } },"tiktok":{"followers":null"#), "{out}");
        let s = slim_text(text, |_, _| None).unwrap();
        assert!(s.payloads.is_empty());
        assert_eq!(s.text, text);
    }

    #[test]
    fn slim_lifts_top_level_figures_of_a_payload_without_profile() {
        let text = r#"{"modash_data":{"platforms":{"youtube":{"cached_payload":{"userId":"UC9","followers":12,"avgViews":3}}}}}"#;
        let s = slim_text(text, |_, _| None).unwrap();
        assert_eq!(s.text, r#"{"modash_data":{"platforms":{"youtube":{"userId":"UC9","followers":12,"avgViews":3}}}}"#);
    }

    #[test]
    fn slim_moves_payloads_and_lifts_metrics() {
        let text = r#"{"modash_data":{"userId":"L1","cached_payload":{"profile":{"followers":5,"avgViews":7}},
            "platforms":{"tiktok":{"followers":1,"cached_payload":{"profile":{"userId":"T1","followers":2,"engagementRate":0.0345}}}}}}"#;
        let s = slim_text(text, |p, src| Some(format!("{p}-{src:?}"))).unwrap();
        assert_eq!(s.payloads.len(), 2);
        assert_eq!(s.payloads[0].1, r#"{"profile":{"followers":5,"avgViews":7}}"#);
        assert_eq!(s.payloads[0].0.platform, Platform::Instagram);
        assert_eq!(s.payloads[0].0.user_id.as_deref(), Some("L1"));
        assert_eq!(s.payloads[1].0.user_id.as_deref(), Some("T1"));
        assert_eq!(
            s.text,
            r#"{"modash_data":{"userId":"L1","platforms":{"tiktok":{"followers":1,"userId":"T1","engagementRate":0.0345,"cache_id":"tiktok-Platform"},"instagram":{"userId":"L1","followers":5,"avgViews":7,"cache_id":"instagram-Legacy"}}}}"#
        );
        // Idempotent: nothing left to slim.
        let again = slim_text(&s.text, |_, _| None).unwrap();
        assert!(again.payloads.is_empty());
        assert_eq!(again.text, s.text);
    }
}
