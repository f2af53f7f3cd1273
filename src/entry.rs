//! The per-platform entry as the app shows it before (or instead of) a refresh: the panel's
//! stale-while-revalidate data and the server's stored answer read it here, never by parsing
//! notes themselves.

use crate::json::Leaf;
use crate::notes::{NotesView, METRIC_COUNT};
use crate::platform::Platform;
use crate::user_id;

/// What `notes.modash_data.platforms[platform]` holds, with every field checked: `None` where
/// a field is absent or not usable.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StoredEntry {
    /// The entry's own userId (trimmed string, or a safe integer as a decimal string).
    pub user_id: Option<String>,
    /// A non-blank username, trimmed.
    pub username: Option<String>,
    /// The last refresh (epoch ms), with the legacy rule's `last_refreshed` as a fallback.
    pub last_refreshed: Option<f64>,
    /// The `modash_profile_cache` row, by the userId rule (string or safe integer).
    pub cache_id: Option<String>,
    /// The core metrics (`notes::METRICS` order), finite numbers only.
    pub metrics: [Option<f64>; METRIC_COUNT],
    /// A full payload is still in notes (not yet slimmed).
    pub has_payload: bool,
}

/// The stored entry of `p` (all `None` when notes hold none).
pub fn stored_entry(view: &NotesView, p: Platform) -> StoredEntry {
    let e = view.entry(p);
    let text = |l: &Leaf| match l {
        Leaf::Str(s) => Some(crate::text::trim(s)).filter(|t| !t.is_empty()).map(str::to_string),
        _ => None,
    };
    let number = |l: &Leaf| match l {
        Leaf::Number(n) if n.is_finite() => Some(*n),
        _ => None,
    };
    StoredEntry {
        user_id: user_id::usable(&e.user_id),
        username: text(&e.username),
        last_refreshed: user_id::last_refreshed(view, p),
        cache_id: user_id::usable(&e.cache_id),
        metrics: e.metrics.each_ref().map(number),
        has_payload: e.has_payload,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::read_text;

    fn entry(text: &str, p: Platform) -> StoredEntry {
        stored_entry(read_text(text).view().expect("readable"), p)
    }

    #[test]
    fn reads_every_field_checked() {
        let e = entry(
            r#"{"modash_data":{"platforms":{"tiktok":{"userId":" 42 ","username":" ana ","cache_id":"17","followers":1200,
                "engagementRate":0.05,"avgViews":"9","last_refreshed":"2025-01-15T10:00:00Z","cached_payload":{}}}}}"#,
            Platform::Tiktok,
        );
        assert_eq!(e.user_id.as_deref(), Some("42"));
        assert_eq!(e.username.as_deref(), Some("ana"));
        assert_eq!(e.cache_id.as_deref(), Some("17"));
        assert_eq!(e.metrics[..3], [Some(1200.0), Some(0.05), None]);
        assert_eq!(e.last_refreshed, Some(1_736_935_200_000.0));
        assert!(e.has_payload);
        assert_eq!(entry(r#"{"modash_data":{"platforms":{"tiktok":{"cache_id":17,"username":"  "}}}}"#, Platform::Tiktok).cache_id.as_deref(), Some("17"));
        assert_eq!(entry(r#"{"modash_data":{"platforms":{"tiktok":{"username":"  ","followers":1e400}}}}"#, Platform::Tiktok), StoredEntry::default());
    }

    #[test]
    fn other_platforms_and_the_legacy_time() {
        let text = r#"{"modash_data":{"platform":"tiktok","last_refreshed":"2025-01-15T10:00:00Z","platforms":{"instagram":{"followers":5}}}}"#;
        assert_eq!(entry(text, Platform::Youtube), StoredEntry::default());
        assert_eq!(entry(text, Platform::Tiktok).last_refreshed, Some(1_736_935_200_000.0));
        assert_eq!(entry(text, Platform::Instagram).metrics[0], Some(5.0));
        assert_eq!(entry(text, Platform::Instagram).last_refreshed, None);
    }
}
