//! Modash userIds: which values are usable, the resolution order, and the legacy rule.

use crate::notes::{Leaf, NotesRead, NotesView};
use crate::platform::Platform;
use crate::time;
use std::borrow::Cow;

/// 2^53 - 1: the largest integer a JS number holds exactly.
pub const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A usable userId: a trimmed non-empty string, or a safe integer as its decimal string.
/// Everything else (empty, boolean, object, float, beyond 2^53) is absent.
pub fn usable(leaf: &Leaf) -> Option<String> {
    usable_ref(leaf).map(Cow::into_owned)
}

/// [`usable`] without copying a string id (it is borrowed, trimmed, from the leaf).
pub fn usable_ref<'v>(leaf: &'v Leaf) -> Option<Cow<'v, str>> {
    match leaf {
        Leaf::Str(s) => {
            let t = crate::text::trim(s);
            (!t.is_empty()).then_some(Cow::Borrowed(t))
        }
        Leaf::Number(n) if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER => Some(Cow::Owned(format!("{}", *n as i64))),
        _ => None,
    }
}

/// What a legacy `modash_data.platform` says.
#[derive(Clone, Debug, PartialEq)]
pub enum LegacyPlatform {
    /// Missing, null, or a blank string: the record predates multi-platform support.
    Absent,
    /// A name that normalises.
    Known(Platform),
    /// Present but not a platform name (or not a string): never trusted.
    Unknown,
}

impl LegacyPlatform {
    /// Classifies an optional legacy platform string.
    pub fn from_name(value: Option<&str>) -> Self {
        match value {
            None => LegacyPlatform::Absent,
            Some(s) if s.trim().is_empty() => LegacyPlatform::Absent,
            Some(s) => Platform::parse(s).map_or(LegacyPlatform::Unknown, LegacyPlatform::Known),
        }
    }

    /// Classifies the legacy field as read from notes.
    pub fn from_leaf(leaf: &Leaf) -> Self {
        match leaf {
            Leaf::Missing | Leaf::Null => LegacyPlatform::Absent,
            Leaf::Str(s) => LegacyPlatform::from_name(Some(s)),
            _ => LegacyPlatform::Unknown,
        }
    }

    /// The platform legacy fields belong to: their own, or Instagram when absent.
    pub fn owner(&self) -> Option<Platform> {
        match self {
            LegacyPlatform::Absent => Some(Platform::Instagram),
            LegacyPlatform::Known(p) => Some(*p),
            LegacyPlatform::Unknown => None,
        }
    }

    /// The legacy rule: legacy fields apply to `requested` when their platform normalises to
    /// it, or when it is absent and `requested` is Instagram.
    pub fn applies_to(&self, requested: Platform) -> bool {
        self.owner() == Some(requested)
    }
}

/// Where a resolved userId came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Platform,
    Legacy,
    None,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Platform => "platform",
            Source::Legacy => "legacy",
            Source::None => "none",
        }
    }
}

/// Why a present legacy id was not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectReason {
    PlatformMismatch,
    UnknownPlatform,
}

impl RejectReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::PlatformMismatch => "platform-mismatch",
            RejectReason::UnknownPlatform => "unknown-platform",
        }
    }
}

/// A legacy id the rule refused for the requested platform.
#[derive(Clone, Debug, PartialEq)]
pub struct RejectedLegacy {
    pub user_id: String,
    /// The legacy platform as stored (a string), or `None` when absent or not a string.
    pub legacy_platform: Option<String>,
    pub reason: RejectReason,
}

/// The answer of [`resolve`].
#[derive(Clone, Debug, PartialEq)]
pub struct Resolution {
    pub platform: Platform,
    pub user_id: Option<String>,
    pub source: Source,
    /// Set whenever a usable legacy id exists that the legacy rule refuses for this platform
    /// (whatever the source), so the UI can warn about the mismatch trap.
    pub rejected_legacy: Option<RejectedLegacy>,
    /// True when notes could not be read.
    pub unreadable: bool,
}

impl Resolution {
    /// True exactly when the id came from the legacy fields.
    pub fn needs_migration(&self) -> bool {
        self.source == Source::Legacy
    }
}

/// The usable legacy id: `modash_data.userId`, else `modash_data.modash_user_id`.
pub fn legacy_id(view: &NotesView) -> Option<String> {
    legacy_id_ref(view).map(Cow::into_owned)
}

fn legacy_id_ref<'v>(view: &'v NotesView) -> Option<Cow<'v, str>> {
    usable_ref(&view.legacy_user_id).or_else(|| usable_ref(&view.legacy_modash_user_id))
}

/// The resolution order alone: the per-platform entry's id, else the legacy id where the
/// legacy rule lets it apply, else none; borrowed from the view where it can be.
pub fn user_id_for<'v>(view: &'v NotesView, platform: Platform) -> (Option<Cow<'v, str>>, Source) {
    if let Some(id) = usable_ref(&view.entry(platform).user_id) {
        return (Some(id), Source::Platform);
    }
    if LegacyPlatform::from_leaf(&view.legacy_platform).applies_to(platform) {
        if let Some(id) = legacy_id_ref(view) {
            return (Some(id), Source::Legacy);
        }
    }
    (None, Source::None)
}

/// Resolves the userId for `platform`: the per-platform entry first, then the legacy fields
/// where the legacy rule lets them apply, else none.
pub fn resolve(notes: &NotesRead, platform: Platform) -> Resolution {
    let r = resolve_ref(notes, platform);
    Resolution { platform, user_id: r.user_id.map(Cow::into_owned), source: r.source, rejected_legacy: r.rejected_legacy, unreadable: r.unreadable }
}

/// [`Resolution`] with its id borrowed from the read where it can be (no copy of the id).
#[derive(Clone, Debug, PartialEq)]
pub struct ResolutionRef<'v> {
    pub platform: Platform,
    pub user_id: Option<Cow<'v, str>>,
    pub source: Source,
    pub rejected_legacy: Option<RejectedLegacy>,
    pub unreadable: bool,
}

impl ResolutionRef<'_> {
    /// True exactly when the id came from the legacy fields.
    pub fn needs_migration(&self) -> bool {
        self.source == Source::Legacy
    }
}

/// [`resolve`], borrowing the id from `notes`.
pub fn resolve_ref<'v>(notes: &'v NotesRead, platform: Platform) -> ResolutionRef<'v> {
    let Some(view) = notes.view() else {
        return ResolutionRef { platform, user_id: None, source: Source::None, rejected_legacy: None, unreadable: true };
    };
    let (user_id, source) = user_id_for(view, platform);
    ResolutionRef { platform, user_id, source, rejected_legacy: rejected_legacy(view, platform), unreadable: false }
}

/// A usable legacy id the legacy rule refuses for `platform` (whatever the source), with why.
pub fn rejected_legacy(view: &NotesView, platform: Platform) -> Option<RejectedLegacy> {
    let lp = LegacyPlatform::from_leaf(&view.legacy_platform);
    if lp.applies_to(platform) {
        return None;
    }
    Some(RejectedLegacy {
        user_id: legacy_id(view)?,
        legacy_platform: match &view.legacy_platform {
            Leaf::Str(s) if !s.trim().is_empty() => Some(s.to_string()),
            _ => None,
        },
        reason: if lp == LegacyPlatform::Unknown { RejectReason::UnknownPlatform } else { RejectReason::PlatformMismatch },
    })
}

/// The last refresh of `p` (the legacy rule's other use, beside [`LegacyPlatform`]): its entry's `last_refreshed`, or (only when the entry has none
/// and the legacy rule applies) the legacy `modash_data.last_refreshed`.
pub fn last_refreshed(view: &NotesView, p: Platform) -> Option<f64> {
    let own = &view.entry(p).last_refreshed;
    if !own.is_absent() {
        return time::parse_leaf(own);
    }
    if LegacyPlatform::from_leaf(&view.legacy_platform).applies_to(p) {
        time::parse_leaf(&view.legacy_last_refreshed)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::read_text;
    use proptest::prelude::*;

    fn res(text: &str, p: Platform) -> Resolution {
        resolve(&read_text(text), p)
    }

    /// The borrowing resolution says the same as the owned one (mutation testing found
    /// `ResolutionRef::needs_migration` unasserted), the names the JS results carry, and a
    /// blank legacy platform reported as absent.
    #[test]
    fn borrowed_resolution_names_and_blank_legacy_platform() {
        let legacy = read_text(r#"{"modash_data":{"userId":"42","platform":"tiktok"}}"#);
        assert!(resolve_ref(&legacy, Platform::Tiktok).needs_migration());
        assert!(!resolve_ref(&legacy, Platform::Instagram).needs_migration());
        let own = read_text(r#"{"modash_data":{"platforms":{"tiktok":{"userId":"7"}}}}"#);
        assert!(!resolve_ref(&own, Platform::Tiktok).needs_migration());
        assert_eq!([Source::Platform.as_str(), Source::Legacy.as_str(), Source::None.as_str()], ["platform", "legacy", "none"]);
        assert_eq!([RejectReason::PlatformMismatch.as_str(), RejectReason::UnknownPlatform.as_str()], ["platform-mismatch", "unknown-platform"]);
        let blank = res(r#"{"modash_data":{"userId":"42","platform":"  "}}"#, Platform::Tiktok);
        let named = res(r#"{"modash_data":{"userId":"42","platform":"tiktok"}}"#, Platform::Instagram);
        assert_eq!(named.rejected_legacy.map(|r| r.legacy_platform), Some(Some("tiktok".to_string())));
        // A blank legacy platform is Instagram's (the legacy rule): refused for TikTok, reported as absent.
        assert_eq!(blank.rejected_legacy.map(|r| r.legacy_platform), Some(None));
    }

    #[test]
    fn usable_values() {
        assert_eq!(usable(&Leaf::Str("  173560420 ".into())), Some("173560420".into()));
        assert_eq!(usable(&Leaf::Number(173560420.0)), Some("173560420".into()));
        assert_eq!(usable(&Leaf::Number(-0.0)), Some("0".into()));
        assert_eq!(usable(&Leaf::Number(MAX_SAFE_INTEGER)), Some("9007199254740991".into()));
        for bad in [
            Leaf::Str("".into()),
            Leaf::Str("   ".into()),
            Leaf::Bool(true),
            Leaf::Number(1.5),
            Leaf::Number(MAX_SAFE_INTEGER + 1.0),
            Leaf::Number(f64::NAN),
            Leaf::Number(f64::INFINITY),
            Leaf::Other,
            Leaf::Null,
            Leaf::Missing,
            Leaf::Date(5.0),
        ] {
            assert_eq!(usable(&bad), None, "{bad:?}");
        }
    }

    #[test]
    fn legacy_rule() {
        use Platform::*;
        let cases = [
            (None, Instagram, true),
            (None, Tiktok, false),
            (Some(""), Instagram, true),
            (Some("  "), Youtube, false),
            (Some("TikTok"), Tiktok, true),
            (Some("tt"), Tiktok, true),
            // The seed's bug: a legacy TikTok id used for Instagram.
            (Some("tiktok"), Instagram, false),
            (Some("instagram"), Tiktok, false),
            (Some("myspace"), Instagram, false),
        ];
        for (legacy, req, want) in cases {
            assert_eq!(LegacyPlatform::from_name(legacy).applies_to(req), want, "{legacy:?} {req}");
        }
    }

    #[test]
    fn resolution_order() {
        let both = r#"{"modash_data":{"userId":"L1","platforms":{"instagram":{"userId":"P1"}}}}"#;
        let r = res(both, Platform::Instagram);
        assert_eq!((r.user_id.as_deref(), r.source), (Some("P1"), Source::Platform));
        assert!(!r.needs_migration() && r.rejected_legacy.is_none());

        let legacy = r#"{"modash_data":{"userId":"","modash_user_id":42}}"#;
        let r = res(legacy, Platform::Instagram);
        assert_eq!((r.user_id.as_deref(), r.source), (Some("42"), Source::Legacy));
        assert!(r.needs_migration());

        let trap = r#"{"modash_data":{"userId":"6800000000000000001","platform":"tiktok"}}"#;
        let r = res(trap, Platform::Instagram);
        assert_eq!((r.user_id, r.source), (None, Source::None));
        let rej = r.rejected_legacy.unwrap();
        assert_eq!(rej.reason, RejectReason::PlatformMismatch);
        assert_eq!(rej.legacy_platform.as_deref(), Some("tiktok"));
        assert_eq!(rej.user_id, "6800000000000000001");
        let r = res(trap, Platform::Tiktok);
        assert_eq!(r.source, Source::Legacy);

        let unknown = r#"{"modash_data":{"userId":"9","platform":7}}"#;
        let r = res(unknown, Platform::Instagram);
        assert_eq!(r.rejected_legacy.unwrap().reason, RejectReason::UnknownPlatform);

        let r = res("{not json", Platform::Youtube);
        assert!(r.unreadable);
        assert_eq!(r.source, Source::None);
    }

    proptest! {
        #[test]
        fn safe_integers_round_trip(n in -(MAX_SAFE_INTEGER as i64)..=(MAX_SAFE_INTEGER as i64)) {
            prop_assert_eq!(usable(&Leaf::Number(n as f64)), Some(n.to_string()));
        }

        #[test]
        fn non_integers_and_huge_numbers_are_absent(x in proptest::num::f64::ANY) {
            let is_safe_int = x.fract() == 0.0 && x.abs() <= MAX_SAFE_INTEGER;
            prop_assert_eq!(usable(&Leaf::Number(x)).is_some(), is_safe_int);
        }

        #[test]
        fn strings_are_trimmed_or_absent(s in "\\s{0,2}[a-zA-Z0-9_]{0,8}\\s{0,2}") {
            let got = usable(&Leaf::Str(s.as_str().into()));
            let t = s.trim();
            prop_assert_eq!(got, (!t.is_empty()).then(|| t.to_string()));
        }

        #[test]
        fn legacy_id_never_crosses_platforms(lp in 0usize..4, req in 0usize..3, id in 1u32..1000) {
            let legacy = ["instagram", "tiktok", "youtube", ""][lp];
            let text = format!(r#"{{"modash_data":{{"userId":"{id}","platform":"{legacy}"}}}}"#);
            let requested = Platform::ALL[req];
            let r = res(&text, requested);
            let owner = if legacy.is_empty() { Platform::Instagram } else { Platform::ALL[lp] };
            prop_assert_eq!(r.source == Source::Legacy, owner == requested);
            prop_assert_eq!(r.rejected_legacy.is_some(), owner != requested);
        }
    }
}
