//! The write path as plans: what `mergeAnalytics` and `slimNotes` change, computed from the
//! read view alone. Applying a plan is form-specific: [`text`] splices JSON text, the wasm
//! boundary copies only the objects along the path of a JS object. It sits above the readers
//! (`notes`) and the rules it applies (`user_id`, `time`), and nothing below imports it.

pub mod text;

use crate::notes::shape::{EntryField, REFRESHED_BY};
use crate::notes::{Leaf, NotesView, METRICS, METRIC_COUNT};
use crate::platform::Platform;
use crate::time;
use crate::user_id::{self, LegacyPlatform};
use std::fmt;

/// A number with the text it is written as in JSON (the caller formats it: JS's `String(n)`).
#[derive(Clone, Debug, PartialEq)]
pub struct Num {
    pub value: f64,
    pub text: String,
}

/// A value a plan writes.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    Num(Num),
    Null,
}

/// The changes to one per-platform entry `modash_data.platforms[platform]`.
#[derive(Clone, Debug, PartialEq)]
pub struct EntryEdit {
    pub platform: Platform,
    /// Keys to set, in this order (existing keys keep their place).
    pub set: Vec<(&'static str, Value)>,
    /// Remove the entry's `cached_payload`.
    pub remove_payload: bool,
}

/// Notes that the write path refuses to touch.
#[derive(Clone, Debug, PartialEq)]
pub struct Unreadable(pub String);

impl Unreadable {
    pub fn code(&self) -> crate::error::Code {
        crate::error::Code::NotesUnreadable
    }
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Refusing to write notes: {}", self.0)
    }
}

/// What a Modash fetch returned, as far as notes keep it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fetched {
    pub user_id: Leaf<'static>,
    pub username: Option<String>,
    /// In [`METRICS`] order; only finite numbers are kept.
    pub metrics: [Option<Num>; METRIC_COUNT],
}

/// Options of a merge.
#[derive(Clone, Debug, PartialEq)]
pub struct MergeOptions {
    /// Epoch ms written as `last_refreshed`.
    pub now: f64,
    pub refreshed_by: Option<String>,
    /// `None`: not given (left as is); `Some(None)`: written as null.
    pub cache_id: Option<Option<String>>,
    /// True after a report fetch: write `last_refreshed` and `refreshed_by`, and drop the
    /// entry's `cached_payload` (the fetch replaces it; the caller stores the new one in the
    /// cache table). False when only ids are stored (a backfill, a lookup whose report failed):
    /// nothing claims fresh analytics and the payload stays (nothing replaces it).
    pub mark_refreshed: bool,
}

impl MergeOptions {
    /// `markRefreshed` when a caller does not say: a merge follows a report fetch.
    pub const MARK_REFRESHED_BY_DEFAULT: bool = true;
}

/// The plan of `mergeAnalytics`.
#[derive(Clone, Debug, PartialEq)]
pub struct MergePlan {
    pub edits: Vec<EntryEdit>,
    pub user_id_stored: Option<String>,
    pub migrated_legacy: bool,
    pub warnings: Vec<&'static str>,
}

/// Refuses notes whose written path holds something other than an object (or null): writing
/// there would replace it.
fn writable(view: &NotesView) -> Result<(), Unreadable> {
    match view.not_object() {
        Some((path, kind)) => Err(Unreadable(format!("{path} is {}, not an object", kind.describe()))),
        None => Ok(()),
    }
}

/// Plans a merge of a fetch into `platform`'s entry, plus the legacy migration.
pub fn plan_merge(view: &NotesView, platform: Platform, fetched: &Fetched, opts: &MergeOptions) -> Result<MergePlan, Unreadable> {
    writable(view)?;
    let mut warnings = Vec::new();
    let stored = user_id::usable(&view.entry(platform).user_id);
    let from_fetch = user_id::usable(&fetched.user_id);
    let legacy = user_id::legacy_id(view);
    let owner = LegacyPlatform::from_leaf(&view.legacy_platform).owner();
    let mut migrated_legacy = false;

    let user_id = match (&from_fetch, &stored) {
        (Some(f), Some(s)) if f != s => {
            warnings.push("userId-changed");
            Some(f.clone())
        }
        (Some(f), _) => Some(f.clone()),
        (None, Some(s)) => Some(s.clone()),
        (None, None) if owner == Some(platform) && legacy.is_some() => {
            migrated_legacy = true;
            legacy.clone()
        }
        (None, None) => {
            warnings.push("missing-userId");
            None
        }
    };

    let mut set: Vec<(&'static str, Value)> = Vec::new();
    if let Some(id) = &user_id {
        set.push((EntryField::UserId.key(), Value::Str(id.clone())));
    }
    if let Some(u) = &fetched.username {
        set.push((EntryField::Username.key(), Value::Str(u.clone())));
    }
    for (key, m) in METRICS.iter().map(|m| m.key).zip(&fetched.metrics) {
        match m.as_ref().filter(|n| n.value.is_finite()) {
            Some(n) => set.push((key, Value::Num(n.clone()))),
            // A report without the figure: the one stored before is not this refresh's, so it
            // is not kept beside the new `last_refreshed` (null, never a made-up zero).
            None if opts.mark_refreshed => set.push((key, Value::Null)),
            None => {}
        }
    }
    if opts.mark_refreshed {
        let iso = time::to_iso(opts.now).unwrap_or_else(|| "1970-01-01T00:00:00.000Z".into());
        set.push((EntryField::LastRefreshed.key(), Value::Str(iso)));
        set.push((REFRESHED_BY, opts.refreshed_by.clone().map_or(Value::Null, Value::Str)));
    }
    if let Some(c) = &opts.cache_id {
        set.push((EntryField::CacheId.key(), c.clone().map_or(Value::Null, Value::Str)));
    }
    let mut edits = vec![EntryEdit { platform, set, remove_payload: opts.mark_refreshed }];

    // Migrate a legacy id into its own platform's entry when that entry has none.
    if let (Some(l), Some(id)) = (owner, &legacy) {
        if l != platform && user_id::usable(&view.entry(l).user_id).is_none() {
            edits.push(EntryEdit { platform: l, set: vec![(EntryField::UserId.key(), Value::Str(id.clone()))], remove_payload: false });
            migrated_legacy = true;
        }
    }
    Ok(MergePlan { edits, user_id_stored: user_id, migrated_legacy, warnings })
}

/// Fields read from a Modash payload to fill a slim entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PayloadFacts {
    pub user_id: Leaf<'static>,
    /// In [`METRICS`] order.
    pub metrics: [Option<Num>; METRIC_COUNT],
}

/// The fields of one level of a payload: its top, or its `profile` object.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PayloadLevel {
    pub user_id: Leaf<'static>,
    /// In [`METRICS`] order; `None` unless a finite number.
    pub metrics: [Option<Num>; METRIC_COUNT],
}

impl PayloadFacts {
    /// The payload rule: `profile.<field>` first (Modash report payloads keep them there),
    /// else the top-level `<field>`. A userId counts as given when the key is there at all; a
    /// metric only when it is a finite number.
    pub fn from_levels(profile: PayloadLevel, top: PayloadLevel) -> PayloadFacts {
        let user_id = if profile.user_id == Leaf::Missing { top.user_id } else { profile.user_id };
        let mut metrics = profile.metrics;
        for (m, t) in metrics.iter_mut().zip(top.metrics) {
            if m.as_ref().map_or(true, |n| !n.value.is_finite()) {
                *m = t.filter(|n| n.value.is_finite());
            }
        }
        PayloadFacts { user_id, metrics }
    }
}

/// Where a slimmed payload came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PayloadSource {
    Platform,
    Legacy,
}

impl PayloadSource {
    /// Its name in results (`slimNotes`' `source`), and the `cacheIds` key of the legacy one.
    pub const fn as_str(self) -> &'static str {
        match self {
            PayloadSource::Platform => "platform",
            PayloadSource::Legacy => "legacy",
        }
    }
}

/// One payload that slimming takes out of notes.
#[derive(Clone, Debug, PartialEq)]
pub struct Slimmed {
    pub platform: Platform,
    pub source: PayloadSource,
    /// The entry's userId after slimming.
    pub user_id: Option<String>,
}

/// The plan of `slimNotes`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SlimPlan {
    pub edits: Vec<EntryEdit>,
    /// Remove the legacy `modash_data.cached_payload`.
    pub remove_legacy_payload: bool,
    pub slimmed: Vec<Slimmed>,
}

/// Plans slimming: every per-platform `cached_payload` is removed, and the legacy one where
/// the legacy rule names its platform (an unknown legacy platform leaves it in place).
/// Missing metrics and userIds are lifted from the payload. `facts(p)` reads the payload of
/// platform `p`'s entry, `facts_legacy()` the legacy one; `cache_id(p, legacy)` gives the
/// cache row id to store, if any.
pub fn plan_slim(
    view: &NotesView,
    facts: impl Fn(Platform) -> PayloadFacts,
    facts_legacy: impl Fn() -> PayloadFacts,
    cache_id: impl Fn(Platform, PayloadSource) -> Option<String>,
) -> Result<SlimPlan, Unreadable> {
    writable(view)?;
    let mut plan = SlimPlan::default();
    let owner = LegacyPlatform::from_leaf(&view.legacy_platform).owner();
    for p in Platform::ALL {
        let entry = view.entry(p);
        let legacy_here = view.legacy_payload && owner == Some(p);
        if !entry.has_payload && !legacy_here {
            continue;
        }
        let mut set = Vec::new();
        let mut user_id = user_id::usable(&entry.user_id);
        let mut has_metric = entry.has_metric();
        let mut sources = Vec::new();
        if entry.has_payload {
            sources.push((PayloadSource::Platform, facts(p)));
        }
        if legacy_here {
            sources.push((PayloadSource::Legacy, facts_legacy()));
        }
        // A legacy payload moves into its platform's entry together with the legacy id.
        if legacy_here && user_id.is_none() {
            if let Some(id) = user_id::legacy_id(view) {
                set.push((EntryField::UserId.key(), Value::Str(id.clone())));
                user_id = Some(id);
            }
        }
        for (_, f) in &sources {
            if user_id.is_none() {
                if let Some(id) = user_id::usable(&f.user_id) {
                    set.push((EntryField::UserId.key(), Value::Str(id.clone())));
                    user_id = Some(id);
                }
            }
            for (i, m) in f.metrics.iter().enumerate() {
                if let Some(n) = m.as_ref().filter(|n| n.value.is_finite() && !has_metric[i]) {
                    set.push((METRICS[i].key, Value::Num(n.clone())));
                    has_metric[i] = true;
                }
            }
        }
        // The per-platform payload's cache row wins over the legacy one.
        if let Some(id) = sources.iter().find_map(|(s, _)| cache_id(p, *s)) {
            set.push((EntryField::CacheId.key(), Value::Str(id)));
        }
        for (source, _) in &sources {
            plan.slimmed.push(Slimmed { platform: p, source: *source, user_id: user_id.clone() });
        }
        plan.remove_legacy_payload |= legacy_here;
        plan.edits.push(EntryEdit { platform: p, set, remove_payload: entry.has_payload });
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::read_text;

    fn view(text: &str) -> NotesView<'_> {
        read_text(text).view().cloned().expect("readable")
    }

    fn opts() -> MergeOptions {
        MergeOptions { now: 1_736_935_200_000.0, refreshed_by: Some("staff-1".into()), cache_id: None, mark_refreshed: true }
    }

    #[test]
    fn merge_stores_user_id_and_warns() {
        let v = view(r#"{"modash_data":{"platforms":{"tiktok":{"userId":"1"}}}}"#);
        let f = Fetched { user_id: Leaf::Number(2.0), ..Default::default() };
        let plan = plan_merge(&v, Platform::Tiktok, &f, &opts()).unwrap();
        assert_eq!(plan.user_id_stored.as_deref(), Some("2"));
        assert_eq!(plan.warnings, ["userId-changed"]);
        // The same id again (as a number or as text) is no change.
        for same in [Leaf::Number(1.0), Leaf::Str("1".into())] {
            let plan = plan_merge(&v, Platform::Tiktok, &Fetched { user_id: same, ..Default::default() }, &opts()).unwrap();
            assert_eq!((plan.user_id_stored.as_deref(), plan.warnings), (Some("1"), vec![]));
        }
        assert_eq!([PayloadSource::Platform, PayloadSource::Legacy].map(PayloadSource::as_str), ["platform", "legacy"]);
        let plan = plan_merge(&v, Platform::Tiktok, &Fetched::default(), &opts()).unwrap();
        assert_eq!(plan.user_id_stored.as_deref(), Some("1"));
        let plan = plan_merge(&v, Platform::Youtube, &Fetched::default(), &opts()).unwrap();
        assert_eq!((plan.user_id_stored, plan.warnings), (None, vec!["missing-userId"]));
        assert!(plan.edits[0].set.contains(&(EntryField::LastRefreshed.key(), Value::Str("2025-01-15T10:00:00.000Z".into()))));
    }

    #[test]
    fn payload_rule_prefers_profile() {
        let n = |v: f64| Some(Num { value: v, text: v.to_string() });
        // Per metric: the profile's when it is a finite number, else the top level's.
        let mut profile = PayloadLevel { user_id: Leaf::Str("P".into()), ..PayloadLevel::default() };
        let mut top = PayloadLevel { user_id: Leaf::Str("T".into()), ..PayloadLevel::default() };
        profile.metrics[..3].clone_from_slice(&[n(1.0), None, n(f64::NAN)]);
        top.metrics[..3].clone_from_slice(&[n(9.0), n(2.0), n(3.0)]);
        let f = PayloadFacts::from_levels(profile, top.clone());
        assert_eq!(f.user_id, Leaf::Str("P".into()));
        assert_eq!(f.metrics[..3], [n(1.0), n(2.0), n(3.0)]);
        let f = PayloadFacts::from_levels(PayloadLevel::default(), top);
        assert_eq!(f.user_id, Leaf::Str("T".into()));
    }

    #[test]
    fn merge_migrates_legacy_ids_by_the_rule() {
        let v = view(r#"{"modash_data":{"userId":"L","platform":"tiktok"}}"#);
        let f = Fetched { user_id: Leaf::Str("IG".into()), ..Default::default() };
        let plan = plan_merge(&v, Platform::Instagram, &f, &opts()).unwrap();
        assert!(plan.migrated_legacy);
        assert_eq!(
            plan.edits[1],
            EntryEdit { platform: Platform::Tiktok, set: vec![(EntryField::UserId.key(), Value::Str("L".into()))], remove_payload: false }
        );
        // Same platform, fetch without id: the legacy id is stored.
        let plan = plan_merge(&v, Platform::Tiktok, &Fetched::default(), &opts()).unwrap();
        assert_eq!((plan.user_id_stored.as_deref(), plan.migrated_legacy, plan.edits.len()), (Some("L"), true, 1));
        // Storing a userId only: no freshness claimed, and the payload stays (nothing replaces it).
        let plan = plan_merge(&v, Platform::Tiktok, &Fetched::default(), &MergeOptions { mark_refreshed: false, ..opts() }).unwrap();
        assert_eq!(plan.edits[0].set, vec![(EntryField::UserId.key(), Value::Str("L".into()))]);
        assert!(!plan.edits[0].remove_payload);
        assert!(plan_merge(&v, Platform::Tiktok, &Fetched::default(), &opts()).unwrap().edits[0].remove_payload);
        // Unknown legacy platform: never migrated.
        let v = view(r#"{"modash_data":{"userId":"L","platform":"vine"}}"#);
        let plan = plan_merge(&v, Platform::Instagram, &Fetched::default(), &opts()).unwrap();
        assert!(!plan.migrated_legacy);
    }
}
