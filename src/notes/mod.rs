//! The influencer's `notes` column: a typed read view of the few fields the flow needs
//! (read from JSON text here, from JS objects at the boundary). The lossless write path is
//! [`crate::write`], above this module.

mod needed;
pub mod shape;
pub(crate) mod text;

pub use crate::json::Leaf;
pub use needed::{Fields, Needed};
pub(crate) use text::leaf;
pub use text::{read_text, read_text_needed, read_utf8, read_utf8_needed};

use crate::platform::Platform;
pub use shape::{EntryField, LegacyField, NotObject, METRICS, METRIC_COUNT, TS_METRICS};

/// The per-platform entry `notes.modash_data.platforms[platform]`, as far as reads need it:
/// the [`EntryField`] leaves and whether a payload is there.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EntryView<'a> {
    pub user_id: Leaf<'a>,
    pub last_refreshed: Leaf<'a>,
    pub username: Leaf<'a>,
    pub cache_id: Leaf<'a>,
    /// The core metrics, in [`METRICS`] order.
    pub metrics: [Leaf<'a>; METRIC_COUNT],
    /// A `cached_payload` is present.
    pub has_payload: bool,
    /// The entry is there but is not an object (the write path refuses such notes).
    pub not_object: Option<NotObject>,
}

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
    /// `modash_data` is there but is not an object.
    pub modash_not_object: Option<NotObject>,
    /// `modash_data.platforms` is there but is not an object.
    pub platforms_not_object: Option<NotObject>,
}

impl EntryView<'_> {
    /// The same entry, owning its strings.
    pub fn into_owned(self) -> EntryView<'static> {
        EntryView {
            user_id: self.user_id.into_owned(),
            last_refreshed: self.last_refreshed.into_owned(),
            username: self.username.into_owned(),
            cache_id: self.cache_id.into_owned(),
            metrics: self.metrics.map(Leaf::into_owned),
            has_payload: self.has_payload,
            not_object: self.not_object,
        }
    }
}

impl<'a> EntryView<'a> {
    /// The leaf a reader stores for `field`.
    pub fn field_mut(&mut self, field: EntryField) -> &mut Leaf<'a> {
        match field {
            EntryField::UserId => &mut self.user_id,
            EntryField::LastRefreshed => &mut self.last_refreshed,
            EntryField::Username => &mut self.username,
            EntryField::CacheId => &mut self.cache_id,
            EntryField::Metric(i) => &mut self.metrics[i],
        }
    }

    /// Which core metrics are present (not undefined), in [`METRICS`] order.
    pub fn has_metric(&self) -> [bool; METRIC_COUNT] {
        self.metrics.each_ref().map(|m| *m != Leaf::Missing)
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
            modash_not_object: self.modash_not_object,
            platforms_not_object: self.platforms_not_object,
        }
    }
}

impl<'a> NotesView<'a> {
    /// The entry for one platform.
    pub fn entry(&self, p: Platform) -> &EntryView<'a> {
        &self.platforms[p.index()]
    }

    /// The leaf a reader stores for a legacy `field`.
    pub fn legacy_mut(&mut self, field: LegacyField) -> &mut Leaf<'a> {
        match field {
            LegacyField::UserId => &mut self.legacy_user_id,
            LegacyField::ModashUserId => &mut self.legacy_modash_user_id,
            LegacyField::Platform => &mut self.legacy_platform,
            LegacyField::LastRefreshed => &mut self.legacy_last_refreshed,
        }
    }

    /// The first object on the written paths that is there but is not one, with its path
    /// (`modash_data.platforms.tiktok`): the write path refuses such notes.
    pub fn not_object(&self) -> Option<(String, NotObject)> {
        if let Some(k) = self.modash_not_object {
            return Some((shape::MODASH_DATA.to_string(), k));
        }
        if let Some(k) = self.platforms_not_object {
            return Some((format!("{}.{}", shape::MODASH_DATA, shape::PLATFORMS), k));
        }
        Platform::ALL.into_iter().find_map(|p| self.entry(p).not_object.map(|k| (format!("{}.{}.{p}", shape::MODASH_DATA, shape::PLATFORMS), k)))
    }
}

/// Notes as read: a view, or the fact that they could not be read.
#[derive(Clone, Debug, PartialEq)]
// The view is returned by value on every read (no allocation for a Box): the size is the point.
#[expect(clippy::large_enum_variant, reason = "the object variant holds the notes view in place: boxing it costs an allocation per read")]
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
