//! The paths of `notes` the flow reads and writes, spelled once. Every reader walks these
//! tables: the JSON text reader (`notes::text`), the write path's document (`write::text`),
//! the write plans (`write`), a report's figures (`report`) and the module's results, which
//! set each metric by its key from [`METRICS`].
//!
//! ```text
//! notes
//! └─ modash_data                 (MODASH_DATA)
//!    ├─ userId, modash_user_id, platform, last_refreshed   (LegacyField: one legacy id)
//!    ├─ cached_payload           (CACHED_PAYLOAD: a legacy payload, moved by slimNotes)
//!    └─ platforms                (PLATFORMS)
//!       └─ instagram | tiktok | youtube
//!          ├─ userId, last_refreshed, username, cache_id,
//!          │  followers, engagementRate, avgViews, avgLikes  (EntryField; METRICS)
//!          ├─ refreshed_by       (REFRESHED_BY: written, never read)
//!          └─ cached_payload     (CACHED_PAYLOAD)
//! ```

/// `notes.modash_data`.
pub const MODASH_DATA: &str = "modash_data";
/// `modash_data.platforms`, keyed by normalised platform name.
pub const PLATFORMS: &str = "platforms";
/// A full Modash report kept in notes (per entry, or the legacy one in `modash_data`).
pub const CACHED_PAYLOAD: &str = "cached_payload";
/// A Modash report's `profile` (a payload's userId and metrics are read there, then at its top).
pub const REPORT_PROFILE: &str = "profile";
/// Who refreshed an entry (written by `mergeAnalytics`).
pub const REFRESHED_BY: &str = "refreshed_by";

/// A path from a Modash report's root to one value, key by key.
pub type ReportPath = &'static [&'static str];

/// A core metric: kept in a slim entry under `key` (also its name in the module's results,
/// `fetched` and options), and read from a Modash report at the first of its `report` paths
/// that holds a usable value (by [`crate::platform::Platform::index`]).
#[derive(Debug)]
pub struct Metric {
    pub key: &'static str,
    pub report: [&'static [ReportPath]; 3],
}

/// The core metrics' table: each metric's doc, key and report paths give `METRICS` and the
/// TypeScript `Metrics` interface the `.d.ts` ships (`TS_METRICS`), so the two cannot differ.
macro_rules! metrics {
    ($($(#[doc = $doc:literal])* $key:literal => $report:expr,)*) => {
        /// The core metrics, in this order everywhere. **A new metric is one entry here** (its
        /// doc is its line's doc in the TypeScript `Metrics` interface) and the test that names
        /// it (`a_report_gives_every_metric`, in `report.rs`); every reader, the write path,
        /// `notesEntry`, `reportFigures`, `mergeAnalytics` and the `.d.ts` take it from here.
        ///
        /// Where a report keeps each: followers and the engagement rate are basic data, under
        /// `profile.profile`; the averages are analysed data, under `profile`. The platforms do
        /// not name their views alike: Instagram's report gives the average of Reels plays
        /// (`avgReelsPlays`, its video views) and, for accounts with feed videos, `avgViews`:
        /// Reels first; TikTok's and YouTube's give `avgViews`. Every platform's gives `avgLikes`.
        pub const METRICS: &[Metric] = &[$(Metric { key: $key, report: $report },)*];

        /// The TypeScript `Metrics` interface, generated from the table above.
        pub const TS_METRICS: &str = concat!(
            "\n/**\n * The core metrics notes keep per platform (`METRICS` in src/notes/shape.rs, in that order):\n",
            " * finite numbers, else null.\n */\nexport interface Metrics {\n",
            $("  /**", $($doc,)* " */\n  ", $key, ": number | null;\n",)*
            "}\n"
        );
    };
}

metrics! {
    /// Followers (Modash's `profile.profile.followers`).
    "followers" => [&[&["profile", "profile", "followers"]]; 3],
    /// A fraction, as Modash sends it (0.0271 is 2.71 %).
    "engagementRate" => [&[&["profile", "profile", "engagementRate"]]; 3],
    /// Average views per post (Instagram: its Reels plays first).
    "avgViews" => [&[&["profile", "avgReelsPlays"], &["profile", "avgViews"]], &[&["profile", "avgViews"]], &[&["profile", "avgViews"]]],
    /// Average likes per post.
    "avgLikes" => [&[&["profile", "avgLikes"]]; 3],
}

/// How many core metrics there are (the length of every metrics array).
pub const METRIC_COUNT: usize = METRICS.len();

/// The per-platform entry's fields that readers hand over as leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryField {
    UserId,
    LastRefreshed,
    /// The core metric `METRICS[i]`.
    Metric(usize),
    Username,
    CacheId,
}

impl EntryField {
    /// Every field: the ids and freshness, the metrics, then what only `notesEntry` reads.
    pub const ALL: [EntryField; 4 + METRIC_COUNT] = {
        let mut all = [EntryField::UserId; 4 + METRIC_COUNT];
        all[1] = EntryField::LastRefreshed;
        let mut i = 0;
        while i < METRIC_COUNT {
            all[2 + i] = EntryField::Metric(i);
            i += 1;
        }
        all[2 + METRIC_COUNT] = EntryField::Username;
        all[3 + METRIC_COUNT] = EntryField::CacheId;
        all
    };

    /// The key in notes.
    pub const fn key(self) -> &'static str {
        match self {
            EntryField::UserId => "userId",
            EntryField::LastRefreshed => "last_refreshed",
            EntryField::Metric(i) => METRICS[i].key,
            EntryField::Username => "username",
            EntryField::CacheId => "cache_id",
        }
    }

    /// The field stored under `key` (its bytes: JSON keys are compared as scanned).
    pub fn from_key(key: &[u8]) -> Option<EntryField> {
        EntryField::ALL.into_iter().find(|f| f.key().as_bytes() == key)
    }
}

/// Where a Modash report (`GET /v1/{platform}/profile/{userId}/report`) keeps what the flow
/// reads, each as paths tried in order (the first that holds a usable value wins). Sources:
/// docs.modash.io, each platform's report example (the page itself was not readable from this
/// project's machines: the shape is the one issue 26 quotes from it, and the one public
/// integrations of the API read): `{ error: false, profile }`, the account's basic data
/// (`userId`, `username`, `fullname`, `followers`, `engagements`, `engagementRate`) nested once
/// more under `profile.profile`, the analysed data (`avgLikes`, `avgComments`, `avgViews`,
/// `avgReelsPlays`, `postsCount`, …) at `profile`. help.modash.io, "API cheat sheet": followers,
/// engagements and engagement rate are basic data (weekly to twice a month), averages analysed
/// data (monthly). help.modash.io, "Modash API data points descriptions": the engagement rate
/// is likes divided by followers, a fraction (`0.0027` is 0.27 %), stored as sent.
pub const REPORT_USER_ID: &[ReportPath] = &[&["profile", "userId"], &["profile", "profile", "userId"]];
/// The account's username (a report's basic data).
pub const REPORT_USERNAME: &[ReportPath] = &[&["profile", "profile", "username"]];
/// The account's display name.
pub const REPORT_FULLNAME: &[ReportPath] = &[&["profile", "profile", "fullname"]];
/// How many posts the account has (analysed data; shown in the panel, never stored in notes).
pub const REPORT_POSTS_COUNT: &[ReportPath] = &[&["profile", "postsCount"]];

/// The legacy single-account fields of `modash_data`, in the order readers hand them over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LegacyField {
    UserId,
    ModashUserId,
    Platform,
    LastRefreshed,
}

impl LegacyField {
    pub const ALL: [LegacyField; 4] = [LegacyField::UserId, LegacyField::ModashUserId, LegacyField::Platform, LegacyField::LastRefreshed];

    /// The key in `modash_data`.
    pub const fn key(self) -> &'static str {
        match self {
            LegacyField::UserId => "userId",
            LegacyField::ModashUserId => "modash_user_id",
            LegacyField::Platform => "platform",
            LegacyField::LastRefreshed => "last_refreshed",
        }
    }

    /// The field stored under `key` (its bytes: JSON keys are compared as scanned).
    pub fn from_key(key: &[u8]) -> Option<LegacyField> {
        LegacyField::ALL.into_iter().find(|f| f.key().as_bytes() == key)
    }
}

/// What a value on the path is when it is there but not an object (for the write path's
/// refusal). `null` counts as absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotObject {
    String,
    Number,
    Boolean,
    Array,
    /// A function, symbol, bigint, or a value whose reading threw.
    Other,
}

impl NotObject {
    /// For messages: "a string", "an array", …
    pub fn describe(self) -> &'static str {
        match self {
            NotObject::String => "a string",
            NotObject::Number => "a number",
            NotObject::Boolean => "a boolean",
            NotObject::Array => "an array",
            NotObject::Other => "not a plain value",
        }
    }

    /// The kind of a raw JSON value's text (by its first byte); `None` for an object or null.
    pub fn of_json(raw: &str) -> Option<NotObject> {
        NotObject::of_first_byte(raw.trim_start().as_bytes().first().copied())
    }

    /// The kind of a JSON value by its first byte (valid JSON assumed); `None` for an object,
    /// null or nothing.
    pub fn of_first_byte(b: Option<u8>) -> Option<NotObject> {
        match b {
            Some(b'{' | b'n') | None => None,
            Some(b'"') => Some(NotObject::String),
            Some(b'[') => Some(NotObject::Array),
            Some(b't' | b'f') => Some(NotObject::Boolean),
            Some(_) => Some(NotObject::Number),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_are_distinct() {
        for f in EntryField::ALL {
            assert_eq!(EntryField::from_key(f.key().as_bytes()), Some(f));
        }
        for f in LegacyField::ALL {
            assert_eq!(LegacyField::from_key(f.key().as_bytes()), Some(f));
        }
        let keys: Vec<_> = EntryField::ALL.iter().map(|f| f.key()).chain([CACHED_PAYLOAD, REFRESHED_BY]).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), keys.len());
    }

    #[test]
    fn the_typescript_metrics_interface_has_every_metric_once_with_its_doc() {
        let fields: Vec<&str> = TS_METRICS.lines().filter(|l| l.ends_with(": number | null;")).map(str::trim).collect();
        let want: Vec<String> = METRICS.iter().map(|m| format!("{}: number | null;", m.key)).collect();
        assert_eq!(fields, want);
        assert!(TS_METRICS.contains("  /** A fraction, as Modash sends it (0.0271 is 2.71 %). */\n  engagementRate: number | null;\n"), "{TS_METRICS}");
        assert!(TS_METRICS.contains("export interface Metrics {") && TS_METRICS.trim_end().ends_with('}'));
    }

    #[test]
    fn json_kinds() {
        assert_eq!(NotObject::of_json("\"x\""), Some(NotObject::String));
        assert_eq!(NotObject::of_json(" [1]"), Some(NotObject::Array));
        assert_eq!(NotObject::of_json("-1"), Some(NotObject::Number));
        assert_eq!(NotObject::of_json("false"), Some(NotObject::Boolean));
        assert_eq!(NotObject::of_json("null"), None);
        assert_eq!(NotObject::of_json("{}"), None);
    }
}
