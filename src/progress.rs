//! Roster progress badges: how many of an influencer's platforms have fresh analytics.

use crate::label;
use crate::notes::NotesRead;
use crate::num;
use crate::platform::Platform;
use crate::time;
use crate::ttl::{TtlSpec, UseCase};
use crate::user_id;
use crate::user_id::last_refreshed;

/// Options shared by every row of a batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub ttl: TtlSpec,
    pub use_case: UseCase,
    /// Epoch ms.
    pub now: f64,
}

/// One listed platform's state.
#[derive(Clone, Debug, PartialEq)]
pub struct PlatformFreshness {
    /// The normalised name, or the name as listed (trimmed) when unsupported.
    pub name: String,
    /// `None` when the listed name is not a supported platform.
    pub platform: Option<Platform>,
    pub user_id: Option<String>,
    /// Epoch ms of the last refresh, when known and not in the future beyond clock skew.
    pub last_refreshed: Option<f64>,
    pub age_ms: Option<f64>,
    pub fresh: bool,
    /// Short age label (`3h ago`).
    pub age_label: Option<String>,
}

/// An influencer's badge.
#[derive(Clone, Debug, PartialEq)]
pub struct Progress {
    pub synced: u32,
    pub total: u32,
    /// `synced/total`.
    pub label: String,
    /// `Analytics synced for 2/3 platform(s) (refreshed 3h ago)`.
    pub tooltip: String,
    pub platforms: Vec<PlatformFreshness>,
    /// The newest known refresh among the listed platforms (epoch ms).
    pub newest_refresh: Option<f64>,
    /// Notes could not be read: nothing counts as fresh.
    pub unreadable: bool,
}

/// One listed platform's state, borrowed (see [`Sink`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowRef<'a> {
    /// The normalised name, or the name as listed (trimmed, lower case) when unsupported.
    pub name: &'a str,
    pub platform: Option<Platform>,
    pub user_id: Option<&'a str>,
    pub last_refreshed: Option<f64>,
    pub age_ms: Option<f64>,
    pub fresh: bool,
    pub age_label: Option<&'a str>,
}

/// The badge totals, borrowed (see [`Sink`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BadgeRef<'a> {
    pub synced: u32,
    pub total: u32,
    pub label: &'a str,
    pub tooltip: &'a str,
    pub newest_refresh: Option<f64>,
    pub unreadable: bool,
}

/// Receives a badge as it is computed: each listed platform in order, then the totals. The
/// roster batch writes them straight into its output buffer (no allocation per row).
pub trait Sink {
    fn row(&mut self, row: RowRef<'_>);
    fn badge(&mut self, badge: BadgeRef<'_>);
}

/// Reusable buffers for [`progress_into`]: keep one across the rows of a batch.
#[derive(Default)]
pub struct Scratch {
    seen: Vec<String>,
    name: String,
    age: String,
    label: String,
    tooltip: String,
}

/// Computes the badge for one influencer. `platforms` are the names the app lists (`None`
/// for a value that is not a string); duplicates after normalisation count once, unsupported
/// names are listed, counted in `total` and never fresh.
pub fn progress(notes: &NotesRead, platforms: &[Option<&str>], opts: &Options) -> Progress {
    struct Collect(Progress);
    impl Sink for Collect {
        fn row(&mut self, r: RowRef<'_>) {
            self.0.platforms.push(PlatformFreshness {
                name: r.name.to_string(),
                platform: r.platform,
                user_id: r.user_id.map(str::to_string),
                last_refreshed: r.last_refreshed,
                age_ms: r.age_ms,
                fresh: r.fresh,
                age_label: r.age_label.map(str::to_string),
            });
        }
        fn badge(&mut self, b: BadgeRef<'_>) {
            let p = &mut self.0;
            (p.synced, p.total, p.newest_refresh, p.unreadable) = (b.synced, b.total, b.newest_refresh, b.unreadable);
            (p.label, p.tooltip) = (b.label.to_string(), b.tooltip.to_string());
        }
    }
    let mut out = Collect(Progress {
        synced: 0,
        total: 0,
        label: String::new(),
        tooltip: String::new(),
        platforms: Vec::with_capacity(platforms.len()),
        newest_refresh: None,
        unreadable: false,
    });
    progress_into(notes, platforms, opts, &mut Scratch::default(), &mut out);
    out.0
}

/// [`progress`], handing the rows and the totals to `sink` instead of building them.
pub fn progress_into(notes: &NotesRead, platforms: &[Option<&str>], opts: &Options, scratch: &mut Scratch, sink: &mut impl Sink) {
    let Scratch { seen, name, age, label: badge_label, tooltip } = scratch;
    seen.clear();
    let mut seen_platforms = [false; 3];
    let (mut synced, mut total, mut newest) = (0u32, 0u32, None::<f64>);
    for listed in platforms {
        let parsed = listed.and_then(Platform::parse);
        let shown: &str = match parsed {
            Some(p) => {
                if std::mem::replace(&mut seen_platforms[p.index()], true) {
                    continue;
                }
                p.as_str()
            }
            None => {
                name.clear();
                name.push_str(listed.unwrap_or("").trim());
                name.make_ascii_lowercase();
                if seen.iter().any(|s| s == name) {
                    continue;
                }
                seen.push(name.clone());
                name.as_str()
            }
        };
        let mut row = RowRef { name: shown, platform: parsed, user_id: None, last_refreshed: None, age_ms: None, fresh: false, age_label: None };
        let id;
        if let (Some(p), Some(view)) = (parsed, notes.view()) {
            id = user_id::user_id_for(view, p).0;
            row.user_id = id.as_deref();
            if let Some(t) = last_refreshed(view, p) {
                row.age_ms = time::age(t, opts.now);
                if let Some(a) = row.age_ms {
                    row.last_refreshed = Some(t);
                    age.clear();
                    label::push_short(age, a);
                    row.age_label = Some(age.as_str());
                    row.fresh = time::is_fresh(Some(a), opts.ttl.for_platform(opts.use_case, p));
                    newest = Some(newest.map_or(t, |m: f64| m.max(t)));
                }
            }
        }
        synced += row.fresh as u32;
        total += 1;
        sink.row(row);
    }
    badge_label.clear();
    num::push_uint(badge_label, synced as u64);
    badge_label.push('/');
    num::push_uint(badge_label, total as u64);
    tooltip.clear();
    tooltip.push_str("Analytics synced for ");
    tooltip.push_str(badge_label);
    tooltip.push_str(" platform(s)");
    if let Some(t) = newest {
        tooltip.push_str(" (refreshed ");
        label::push_short(tooltip, time::age(t, opts.now).unwrap_or(0.0));
        tooltip.push(')');
    }
    sink.badge(BadgeRef { synced, total, label: badge_label, tooltip, newest_refresh: newest, unreadable: notes.view().is_none() });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::read_text;
    use crate::ttl::TtlConfig;
    use crate::ttl::HOUR_MS;

    const NOW: f64 = 1_736_935_200_000.0; // 2025-01-15T10:00:00Z

    fn opts() -> Options {
        Options { ttl: TtlSpec::Config(TtlConfig::default()), use_case: UseCase::Roster, now: NOW }
    }

    #[test]
    fn badge_counts_fresh_platforms_once() {
        let notes = read_text(
            r#"{"modash_data":{"platforms":{
                "instagram":{"userId":"1","last_refreshed":"2025-01-15T07:00:00Z"},
                "tiktok":{"userId":"2","last_refreshed":"2025-01-13T10:00:00Z"},
                "youtube":{"userId":"UCx","last_refreshed":"2025-01-15T09:00:00.000Z"}}}}"#,
        );
        let p = progress(&notes, &[Some("Instagram"), Some("ig"), Some("tiktok"), Some("YT")], &opts());
        assert_eq!((p.synced, p.total), (2, 3));
        assert_eq!(p.label, "2/3");
        assert_eq!(p.tooltip, "Analytics synced for 2/3 platform(s) (refreshed 1h ago)");
        assert_eq!(p.newest_refresh, Some(NOW - HOUR_MS));
        assert_eq!(p.platforms[1].age_label.as_deref(), Some("2d ago"));
        assert!(!p.platforms[1].fresh);
    }

    #[test]
    fn platform_override_changes_only_that_platform() {
        let notes = read_text(
            r#"{"modash_data":{"platforms":{
                "instagram":{"last_refreshed":"2025-01-15T07:00:00Z"},
                "tiktok":{"last_refreshed":"2025-01-15T07:00:00Z"}}}}"#,
        );
        let mut c = TtlConfig::default();
        c.platforms[Platform::Tiktok.index()] = Some(2.0 * HOUR_MS);
        let o = Options { ttl: TtlSpec::Config(c), ..opts() };
        let p = progress(&notes, &[Some("instagram"), Some("tiktok")], &o);
        assert_eq!((p.platforms[0].fresh, p.platforms[1].fresh), (true, false));
    }

    #[test]
    fn unsupported_unreadable_future_and_legacy() {
        let notes = read_text(r#"{"modash_data":{"userId":"5","last_refreshed":"2025-01-15T09:59:00Z"}}"#);
        let p = progress(&notes, &[Some("instagram"), Some("tiktok"), Some("Facebook"), None], &opts());
        assert_eq!((p.synced, p.total), (1, 4));
        assert_eq!(p.platforms[0].user_id.as_deref(), Some("5"));
        assert!(p.platforms[1].last_refreshed.is_none(), "legacy time never counts for tiktok");
        assert_eq!(p.platforms[2].name, "facebook");
        assert!(p.platforms[2].platform.is_none() && !p.platforms[2].fresh);
        assert_eq!(p.tooltip, "Analytics synced for 1/4 platform(s) (refreshed 1m ago)");

        let bad = progress(&read_text("{oops"), &[Some("instagram")], &opts());
        assert!(bad.unreadable);
        assert_eq!((bad.synced, bad.total, bad.tooltip.as_str()), (0, 1, "Analytics synced for 0/1 platform(s)"));

        let future = read_text(r#"{"modash_data":{"platforms":{"instagram":{"last_refreshed":"2025-01-15T10:10:00Z"}}}}"#);
        let p = progress(&future, &[Some("instagram")], &opts());
        assert_eq!((p.synced, p.platforms[0].age_ms, p.newest_refresh), (0, None, None));
        let skew = read_text(r#"{"modash_data":{"platforms":{"instagram":{"last_refreshed":"2025-01-15T10:04:00Z"}}}}"#);
        assert_eq!(progress(&skew, &[Some("instagram")], &opts()).synced, 1);
    }

    #[test]
    fn zero_ttl_is_always_stale_except_age_zero() {
        let notes = read_text(r#"{"modash_data":{"platforms":{"instagram":{"last_refreshed":"2025-01-15T09:59:59Z"}}}}"#);
        let o = Options { ttl: TtlSpec::Fixed(0.0), ..opts() };
        assert_eq!(progress(&notes, &[Some("instagram")], &o).synced, 0);
    }
}
