//! The influencer's `notes` column: a typed read view of the few fields the flow needs
//! (read from JSON text here, from JS objects at the boundary). The lossless write path is
//! [`crate::write`], above this module.

mod text;

pub use crate::json::Leaf;
pub(crate) use text::leaf;
pub use text::{read_text, read_utf8};

use crate::platform::Platform;

/// The per-platform entry `notes.modash_data.platforms[platform]`, as far as reads need it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EntryView<'a> {
    pub user_id: Leaf<'a>,
    pub last_refreshed: Leaf<'a>,
    /// Which core metrics are present (not undefined), in [`METRICS`] order.
    pub has_metric: [bool; 3],
    /// A `cached_payload` is present.
    pub has_payload: bool,
}

/// The core metrics kept in a slim entry, by their key in notes.
pub const METRICS: [&str; 3] = ["followers", "engagementRate", "avgViews"];

/// The fields of `notes` the read path uses.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct NotesView<'a> {
    /// Indexed by [`Platform::index`].
    pub platforms: [EntryView<'a>; 3],
    /// Legacy `modash_data.userId`.
    pub legacy_user_id: Leaf<'a>,
    /// Legacy `modash_data.modash_user_id`.
    pub legacy_modash_user_id: Leaf<'a>,
    /// Legacy `modash_data.platform`.
    pub legacy_platform: Leaf<'a>,
    /// Legacy `modash_data.last_refreshed`.
    pub legacy_last_refreshed: Leaf<'a>,
    /// A legacy `modash_data.cached_payload` is present.
    pub legacy_payload: bool,
}

impl EntryView<'_> {
    /// The same entry, owning its strings.
    pub fn into_owned(self) -> EntryView<'static> {
        EntryView {
            user_id: self.user_id.into_owned(),
            last_refreshed: self.last_refreshed.into_owned(),
            has_metric: self.has_metric,
            has_payload: self.has_payload,
        }
    }
}

impl NotesView<'_> {
    /// The same view, owning its strings.
    pub fn into_owned(self) -> NotesView<'static> {
        let [a, b, c] = self.platforms;
        NotesView {
            platforms: [a.into_owned(), b.into_owned(), c.into_owned()],
            legacy_user_id: self.legacy_user_id.into_owned(),
            legacy_modash_user_id: self.legacy_modash_user_id.into_owned(),
            legacy_platform: self.legacy_platform.into_owned(),
            legacy_last_refreshed: self.legacy_last_refreshed.into_owned(),
            legacy_payload: self.legacy_payload,
        }
    }
}

impl<'a> NotesView<'a> {
    /// The entry for one platform.
    pub fn entry(&self, p: Platform) -> &EntryView<'a> {
        &self.platforms[p.index()]
    }
}

/// Notes as read: a view, or the fact that they could not be read.
#[derive(Clone, Debug, PartialEq)]
// The view is returned by value on every read (no allocation for a Box): the size is the point.
#[allow(clippy::large_enum_variant)]
pub enum NotesRead<'a> {
    Ok(NotesView<'a>),
    /// A string that is not JSON, or a value that is not an object.
    Unreadable,
}

impl<'a> NotesRead<'a> {
    /// The same read, owning its strings.
    pub fn into_owned(self) -> NotesRead<'static> {
        match self {
            NotesRead::Ok(v) => NotesRead::Ok(v.into_owned()),
            NotesRead::Unreadable => NotesRead::Unreadable,
        }
    }

    /// The view, or an empty one when unreadable.
    pub fn view(&self) -> Option<&NotesView<'a>> {
        match self {
            NotesRead::Ok(v) => Some(v),
            NotesRead::Unreadable => None,
        }
    }
}
