//! The influencer's `notes` column: a typed read view of the few fields the flow needs
//! (read from JSON text here, from JS objects at the boundary) and, in [`write`], the
//! lossless write path.

pub mod doc;
mod text;
pub mod write;

pub use text::read_text;

use crate::platform::Platform;

/// A field of notes as found: only what the rules need to tell apart.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Leaf {
    /// The key is not there (or `undefined`).
    #[default]
    Missing,
    Null,
    Bool(bool),
    /// A JSON or JS number (may be non-finite in text: `1e400` reads as infinity).
    Number(f64),
    Str(String),
    /// A JS `Date`, as epoch milliseconds (NaN for an invalid date).
    Date(f64),
    /// Anything else: an object, array, bigint, symbol or function.
    Other,
}

impl Leaf {
    /// True for `Missing` and `Null`.
    pub fn is_absent(&self) -> bool {
        matches!(self, Leaf::Missing | Leaf::Null)
    }
}

/// The per-platform entry `notes.modash_data.platforms[platform]`, as far as reads need it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EntryView {
    pub user_id: Leaf,
    pub last_refreshed: Leaf,
    /// Which core metrics are present (not undefined), in [`METRICS`] order.
    pub has_metric: [bool; 3],
    /// A `cached_payload` is present.
    pub has_payload: bool,
}

/// The core metrics kept in a slim entry, by their key in notes.
pub const METRICS: [&str; 3] = ["followers", "engagementRate", "avgViews"];

/// The fields of `notes` the read path uses.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NotesView {
    /// Indexed by [`Platform::index`].
    pub platforms: [EntryView; 3],
    /// Legacy `modash_data.userId`.
    pub legacy_user_id: Leaf,
    /// Legacy `modash_data.modash_user_id`.
    pub legacy_modash_user_id: Leaf,
    /// Legacy `modash_data.platform`.
    pub legacy_platform: Leaf,
    /// Legacy `modash_data.last_refreshed`.
    pub legacy_last_refreshed: Leaf,
    /// A legacy `modash_data.cached_payload` is present.
    pub legacy_payload: bool,
}

impl NotesView {
    /// The entry for one platform.
    pub fn entry(&self, p: Platform) -> &EntryView {
        &self.platforms[p.index()]
    }
}

/// Notes as read: a view, or the fact that they could not be read.
#[derive(Clone, Debug, PartialEq)]
pub enum NotesRead {
    Ok(NotesView),
    /// A string that is not JSON, or a value that is not an object.
    Unreadable,
}

impl NotesRead {
    /// The view, or an empty one when unreadable.
    pub fn view(&self) -> Option<&NotesView> {
        match self {
            NotesRead::Ok(v) => Some(v),
            NotesRead::Unreadable => None,
        }
    }
}
