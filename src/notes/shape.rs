//! The paths of `notes` the flow reads and writes, spelled once. Every reader walks these
//! tables: the JSON text reader (`notes::text`), the write path's document (`write::text`),
//! the write plans (`write`), and the JS object reader at the boundary, which is handed the
//! key lists from here when the module starts (`wasm/collect.rs`).
//!
//! ```text
//! notes
//! └─ modash_data                 (MODASH_DATA)
//!    ├─ userId, modash_user_id, platform, last_refreshed   (LegacyField: one legacy id)
//!    ├─ cached_payload           (CACHED_PAYLOAD: a legacy payload, moved by slimNotes)
//!    └─ platforms                (PLATFORMS)
//!       └─ instagram | tiktok | youtube
//!          ├─ userId, last_refreshed, username, cache_id,
//!          │  followers, engagementRate, avgViews         (EntryField)
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

/// The per-platform entry's fields that readers hand over as leaves, in this order
/// everywhere (the JS reader writes them in [`EntryField::ALL`] order).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryField {
    UserId,
    LastRefreshed,
    Username,
    CacheId,
    Followers,
    EngagementRate,
    AvgViews,
}

impl EntryField {
    pub const ALL: [EntryField; 7] = [
        EntryField::UserId,
        EntryField::LastRefreshed,
        EntryField::Username,
        EntryField::CacheId,
        EntryField::Followers,
        EntryField::EngagementRate,
        EntryField::AvgViews,
    ];

    /// The key in notes.
    pub const fn key(self) -> &'static str {
        match self {
            EntryField::UserId => "userId",
            EntryField::LastRefreshed => "last_refreshed",
            EntryField::Username => "username",
            EntryField::CacheId => "cache_id",
            EntryField::Followers => "followers",
            EntryField::EngagementRate => "engagementRate",
            EntryField::AvgViews => "avgViews",
        }
    }

    /// The field stored under `key` (its bytes: JSON keys are compared as scanned).
    pub fn from_key(key: &[u8]) -> Option<EntryField> {
        EntryField::ALL.into_iter().find(|f| f.key().as_bytes() == key)
    }
}

/// The core metrics kept in a slim entry (and read from a payload), in this order.
pub const METRIC_FIELDS: [EntryField; 3] = [EntryField::Followers, EntryField::EngagementRate, EntryField::AvgViews];

/// The core metrics by their key: in a slim entry, and in a Modash report's `profile`.
pub const METRICS: [&str; 3] = [METRIC_FIELDS[0].key(), METRIC_FIELDS[1].key(), METRIC_FIELDS[2].key()];

/// A path from a Modash report's root to one value, key by key.
pub type ReportPath = &'static [&'static str];

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

/// Where each core metric ([`METRIC_FIELDS`]) of `platform`'s report lives. The platforms do
/// not name their views alike: Instagram's report gives the average of Reels plays
/// (`avgReelsPlays`, its video views) and, for accounts with feed videos, `avgViews`: Reels
/// first; TikTok's and YouTube's give `avgViews`.
pub const fn report_metric_paths(platform: crate::platform::Platform, metric: EntryField) -> &'static [ReportPath] {
    use crate::platform::Platform;
    match (metric, platform) {
        (EntryField::Followers, _) => &[&["profile", "profile", "followers"]],
        (EntryField::EngagementRate, _) => &[&["profile", "profile", "engagementRate"]],
        (EntryField::AvgViews, Platform::Instagram) => &[&["profile", "avgReelsPlays"], &["profile", "avgViews"]],
        (EntryField::AvgViews, Platform::Tiktok | Platform::Youtube) => &[&["profile", "avgViews"]],
        _ => &[],
    }
}

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
        assert_eq!(METRICS, ["followers", "engagementRate", "avgViews"]);
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
