//! What a caller reads of notes: the one narrowing the reader takes (notes come to it as JSON
//! text whatever form the caller has them in: objects through `JSON.stringify`), so that a
//! call reads only the fields it uses. What is not read reads as absent; text is still validated
//! whole.

use super::shape::{EntryField, LegacyField, METRIC_COUNT};
use super::{EntryView, NotesView};
use crate::platform::Platform;

/// How much of each read entry is read: each level reads what the one before it reads, and
/// more.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fields {
    /// The entries' `userId`; the legacy `userId`, `modash_user_id` and `platform`
    /// (`resolveUserId`).
    Ids = 0,
    /// And `last_refreshed` (entry and legacy): what badges use.
    Freshness = 1,
    /// And the metrics and whether payloads are there: what the write path uses.
    Write = 2,
    /// Every field, `username` and `cache_id` too (`notesEntry`).
    All = 3,
}

impl Fields {
    pub const ALL: [Fields; 4] = [Fields::Ids, Fields::Freshness, Fields::Write, Fields::All];
}

/// The platforms whose entries are read, and how much of each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Needed {
    /// A bit per `Platform::index` ([`Needed::ALL_PLATFORMS`]: every one).
    pub platforms: u32,
    pub fields: Fields,
}

impl Needed {
    /// Every platform's bit.
    pub const ALL_PLATFORMS: u32 = (1 << Platform::ALL.len()) - 1;
    /// Everything.
    pub const ALL: Needed = Needed { platforms: Needed::ALL_PLATFORMS, fields: Fields::All };

    /// Every field of one platform's entry (and the legacy fields).
    pub const fn platform_only(p: Platform, fields: Fields) -> Needed {
        Needed { platforms: 1 << p.index(), fields }
    }

    /// The entry of `p` is read.
    pub fn platform(self, p: Platform) -> bool {
        self.platforms & (1 << p.index()) != 0
    }

    /// The fields of a read entry that are read, in the shape table's order.
    pub const fn entry_fields(self) -> &'static [EntryField] {
        use EntryField::*;
        match self.fields {
            Fields::Ids => &[UserId],
            Fields::Freshness => &[UserId, LastRefreshed],
            Fields::Write => EntryField::ALL.split_at(2 + METRIC_COUNT).0,
            Fields::All => &EntryField::ALL,
        }
    }

    /// The legacy fields that are read, in the shape table's order.
    pub const fn legacy_fields(self) -> &'static [LegacyField] {
        use LegacyField::*;
        match self.fields {
            Fields::Ids => &[UserId, ModashUserId, Platform],
            _ => &LegacyField::ALL,
        }
    }

    /// `f` of a read entry is read.
    pub fn entry_field(self, f: EntryField) -> bool {
        self.entry_fields().contains(&f)
    }

    /// The legacy field `f` is read.
    pub fn legacy_field(self, f: LegacyField) -> bool {
        self.legacy_fields().contains(&f)
    }

    /// Whether payloads (entry and legacy) are there is read.
    pub const fn payloads(self) -> bool {
        self.fields as u8 >= Fields::Write as u8
    }

    /// A whole read as a reader asked for `self` gives it: what is not read made absent.
    pub fn narrow<'a>(self, mut view: NotesView<'a>) -> NotesView<'a> {
        for (p, entry) in Platform::ALL.into_iter().zip(view.platforms.iter_mut()) {
            if !self.platform(p) {
                *entry = EntryView::default();
                continue;
            }
            for f in EntryField::ALL {
                if !self.entry_field(f) {
                    *entry.field_mut(f) = Default::default();
                }
            }
            entry.has_payload &= self.payloads();
        }
        for f in LegacyField::ALL {
            if !self.legacy_field(f) {
                *view.legacy_mut(f) = Default::default();
            }
        }
        view.legacy_payload &= self.payloads();
        view
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_level_reads_what_the_one_before_reads_and_more() {
        for w in Fields::ALL.windows(2) {
            let (less, more) = (Needed { platforms: 7, fields: w[0] }, Needed { platforms: 7, fields: w[1] });
            let count =
                |n: Needed| EntryField::ALL.iter().filter(|f| n.entry_field(**f)).count() + LegacyField::ALL.iter().filter(|f| n.legacy_field(**f)).count();
            for f in EntryField::ALL {
                assert!(!less.entry_field(f) || more.entry_field(f), "{f:?}");
            }
            assert!(count(more) + usize::from(more.payloads()) > count(less) + usize::from(less.payloads()), "{:?} reads more than {:?}", w[1], w[0]);
        }
        assert!(EntryField::ALL.iter().all(|f| Needed::ALL.entry_field(*f)) && Needed::ALL.payloads());
        assert_eq!(Needed::ALL_PLATFORMS, 7);
        // Each level's fields in the table's order.
        for fields in Fields::ALL {
            let n = Needed { platforms: 7, fields };
            let order = |f: &EntryField| EntryField::ALL.iter().position(|g| g == f);
            assert!(n.entry_fields().windows(2).all(|w| order(&w[0]) < order(&w[1])), "{fields:?}");
            let order = |f: &LegacyField| LegacyField::ALL.iter().position(|g| g == f);
            assert!(n.legacy_fields().windows(2).all(|w| order(&w[0]) < order(&w[1])), "{fields:?}");
        }
    }
}
