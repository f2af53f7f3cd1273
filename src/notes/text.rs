//! Reads a [`NotesView`] from the raw JSON text of the column in one pass: the whole text is
//! validated, only the needed paths are decoded, everything else (payloads) is skipped.
//! Duplicate keys: the last one wins, as with `JSON.parse`.

use super::needed::Needed;
use super::shape::{self, EntryField, LegacyField, NotObject};
use super::{EntryView, Leaf, NotesRead, NotesView};
use crate::json::{JsonError, Parser, Scalar};
use crate::platform::Platform;

/// Reads notes from JSON text; `Unreadable` unless the text is valid JSON with an object at
/// the top.
pub fn read_text(text: &str) -> NotesRead<'_> {
    read(Parser::new(text), Needed::ALL)
}

/// [`read_text`] reading only what `needed` names (the rest reads as absent).
pub fn read_text_needed(text: &str, needed: Needed) -> NotesRead<'_> {
    read(Parser::new(text), needed)
}

/// [`read_text`] on bytes (a `Uint8Array` column): `Unreadable` unless they are UTF-8, checked
/// in the same pass.
pub fn read_utf8(bytes: &[u8]) -> NotesRead<'_> {
    read(Parser::from_utf8(bytes), Needed::ALL)
}

/// [`read_utf8`] reading only what `needed` names (the rest reads as absent).
pub fn read_utf8_needed(bytes: &[u8], needed: Needed) -> NotesRead<'_> {
    read(Parser::from_utf8(bytes), needed)
}

fn read(mut p: Parser<'_>, needed: Needed) -> NotesRead<'_> {
    p.ws();
    if p.peek() != Some(b'{') {
        return NotesRead::Unreadable;
    }
    // Everything is read in place: a view is a few dozen leaves, and moving it (or an entry)
    // around cost more than the reading (most of the time went to copies).
    let mut read = NotesRead::Ok(NotesView::default());
    let NotesRead::Ok(view) = &mut read else { return NotesRead::Unreadable };
    let mut seen = false;
    let walked = p.object(|p, key| {
        if key == shape::MODASH_DATA.as_bytes() {
            // A duplicate key starts again from nothing, as with JSON.parse.
            if std::mem::replace(&mut seen, true) {
                *view = NotesView::default();
            }
            read_modash(p, needed, view)
        } else {
            p.skip_value()
        }
    });
    match walked.and_then(|_| p.finish()) {
        Ok(()) => read,
        Err(_) => NotesRead::Unreadable,
    }
}

pub(crate) fn leaf<'a>(p: &mut Parser<'a>) -> Result<Leaf<'a>, JsonError> {
    Ok(match p.scalar()? {
        Scalar::Null => Leaf::Null,
        Scalar::Bool(b) => Leaf::Bool(b),
        // The grammar was checked, so the decimal parser accepts it (overflow gives inf).
        Scalar::Number(n) => Leaf::Number(crate::decimal::parse(n).unwrap_or_else(|| {
            debug_assert!(false, "a checked JSON number did not parse: {n}");
            f64::NAN
        })),
        Scalar::String(s) => Leaf::Str(s),
        Scalar::Container => Leaf::Other,
    })
}

/// True when the next value is an object; otherwise records what it is (null and absent
/// count as nothing) and skips it.
fn enter(p: &mut Parser<'_>, not_object: &mut Option<NotObject>) -> Result<bool, JsonError> {
    p.ws();
    if p.peek() == Some(b'{') {
        return Ok(true);
    }
    *not_object = NotObject::of_first_byte(p.peek());
    p.skip_value()?;
    Ok(false)
}

fn read_modash<'a>(p: &mut Parser<'a>, needed: Needed, view: &mut NotesView<'a>) -> Result<(), JsonError> {
    if !enter(p, &mut view.modash_not_object)? {
        return Ok(());
    }
    let mut platforms_seen = false;
    p.object(|p, key| {
        if key == shape::PLATFORMS.as_bytes() {
            if std::mem::replace(&mut platforms_seen, true) {
                view.platforms = Default::default();
                view.platforms_not_object = None;
            }
            if enter(p, &mut view.platforms_not_object)? {
                read_platforms(p, &mut view.platforms, needed)?;
            }
        } else if key == shape::CACHED_PAYLOAD.as_bytes() {
            view.legacy_payload = needed.payloads();
            p.skip_value()?
        } else if let Some(f) = LegacyField::from_key(key).filter(|f| needed.legacy_field(*f)) {
            *view.legacy_mut(f) = leaf(p)?;
        } else {
            p.skip_value()?
        }
        Ok(())
    })
}

fn read_platforms<'a>(p: &mut Parser<'a>, out: &mut [EntryView<'a>; 3], needed: Needed) -> Result<(), JsonError> {
    let mut seen = 0u32;
    p.object(|p, key| {
        // Keys are stored normalised; only exact names count.
        match Platform::ALL.iter().find(|pl| pl.as_str().as_bytes() == key).filter(|pl| needed.platform(**pl)) {
            Some(pl) => {
                let entry = &mut out[pl.index()];
                if seen & (1 << pl.index()) != 0 {
                    *entry = EntryView::default();
                }
                seen |= 1 << pl.index();
                read_entry(p, needed, entry)?
            }
            None => p.skip_value()?,
        }
        Ok(())
    })
}

fn read_entry<'a>(p: &mut Parser<'a>, needed: Needed, entry: &mut EntryView<'a>) -> Result<(), JsonError> {
    if !enter(p, &mut entry.not_object)? {
        return Ok(());
    }
    p.object(|p, key| {
        if let Some(f) = EntryField::from_key(key).filter(|f| needed.entry_field(*f)) {
            *entry.field_mut(f) = leaf(p)?;
        } else {
            if key == shape::CACHED_PAYLOAD.as_bytes() && needed.payloads() {
                entry.has_payload = true;
            }
            p.skip_value()?
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::Fields;

    /// A platform written twice: the last entry counts whole (nothing of the first stays), and
    /// a view owning its strings is the same view.
    #[test]
    fn a_repeated_platform_counts_whole_and_owned_views_are_equal() {
        let text = r#"{"modash_data":{"platforms":{"tiktok":{"userId":"1","username":"a"},"tiktok":{"userId":"2"}}}}"#;
        let read = read_text(text);
        let view = read.view().unwrap();
        let tt = view.entry(Platform::Tiktok);
        assert_eq!((tt.user_id.clone(), tt.username.clone()), (Leaf::Str("2".into()), Leaf::Missing));
        assert_eq!(read.clone().into_owned(), read);
        let one = view.entry(Platform::Tiktok).clone();
        assert_eq!(one.clone().into_owned(), one);
    }

    #[test]
    fn reads_needed_fields_and_skips_payloads() {
        let text = r#"{"other":[1,2,{"x":null}],"modash_data":{"userId":123,"platform":"IG",
            "platforms":{"tiktok":{"userId":"6789","last_refreshed":"2025-01-15T10:00:00Z",
            "cached_payload":{"profile":{"followers":1}}},"Instagram":{"userId":"nope"}},
            "last_refreshed":"2025-01-01T00:00:00Z"}}"#;
        let NotesRead::Ok(v) = read_text(text) else { panic!("unreadable") };
        assert_eq!(v.legacy_user_id, Leaf::Number(123.0));
        assert_eq!(v.legacy_platform, Leaf::Str("IG".into()));
        assert_eq!(v.entry(Platform::Tiktok).user_id, Leaf::Str("6789".into()));
        assert_eq!(v.entry(Platform::Instagram).user_id, Leaf::Missing);
        assert_eq!(v.legacy_last_refreshed, Leaf::Str("2025-01-01T00:00:00Z".into()));
    }

    #[test]
    fn reads_only_what_is_needed_and_still_validates_the_rest() {
        let text = r#"{"modash_data":{"userId":"L","modash_user_id":7,"platform":"tiktok","last_refreshed":"2025-01-01T00:00:00Z",
            "cached_payload":{},"platforms":{"instagram":{"userId":"I","last_refreshed":"2025-01-02T00:00:00Z"},
            "tiktok":{"userId":"T","username":"t","followers":5,"last_refreshed":"2025-01-03T00:00:00Z","cached_payload":[]}}}}"#;
        let NotesRead::Ok(all) = read_text(text) else { panic!("unreadable") };
        let NotesRead::Ok(ids) = read_text_needed(text, Needed::platform_only(Platform::Tiktok, Fields::Ids)) else { panic!("unreadable") };
        // The asked platform's id and the legacy ids and platform: as a whole read has them.
        assert_eq!(ids.entry(Platform::Tiktok).user_id, all.entry(Platform::Tiktok).user_id);
        assert_eq!(
            (&ids.legacy_user_id, &ids.legacy_modash_user_id, &ids.legacy_platform),
            (&all.legacy_user_id, &all.legacy_modash_user_id, &all.legacy_platform)
        );
        // The rest reads as absent.
        assert_eq!(ids.entry(Platform::Instagram), &EntryView::default());
        let tiktok = ids.entry(Platform::Tiktok);
        assert_eq!((&tiktok.last_refreshed, &tiktok.username, &tiktok.metrics[0], tiktok.has_payload), (&Leaf::Missing, &Leaf::Missing, &Leaf::Missing, false));
        assert_eq!((&ids.legacy_last_refreshed, ids.legacy_payload), (&Leaf::Missing, false));
        // Every platform and field: the same as a whole read.
        assert_eq!(read_text_needed(text, Needed::ALL), read_text(text));
        // What is not read is still checked: broken JSON anywhere is unreadable.
        for broken in [r#"{"modash_data":{"platforms":{"instagram":{"userId":"I",}}}}"#, r#"{"modash_data":{"last_refreshed":tru}}"#, r#"{"x":[1,]}"#] {
            assert_eq!(read_text_needed(broken, Needed { platforms: 2, fields: Fields::Ids }), NotesRead::Unreadable, "{broken}");
        }
        // A second modash_data (or platforms) replaces the first, as in JSON.parse.
        let twice =
            r#"{"modash_data":{"userId":"A","platforms":{"tiktok":{"userId":"1"}}},"modash_data":{"platforms":{"tiktok":{"userId":"2"}},"platforms":{}}}"#;
        let NotesRead::Ok(v) = read_text_needed(twice, Needed { platforms: 2, fields: Fields::Ids }) else { panic!() };
        assert_eq!((&v.legacy_user_id, &v.entry(Platform::Tiktok).user_id), (&Leaf::Missing, &Leaf::Missing));
        let twice = r#"{"modash_data":{"platforms":{"tiktok":{"userId":"1","username":"u"},"youtube":7,"tiktok":{"userId":"2"},"youtube":{}}}}"#;
        let NotesRead::Ok(v) = read_text(twice) else { panic!() };
        assert_eq!((&v.entry(Platform::Tiktok).user_id, &v.entry(Platform::Tiktok).username), (&Leaf::Str("2".into()), &Leaf::Missing));
        assert_eq!(v.entry(Platform::Youtube), &EntryView::default());
    }

    #[test]
    fn last_duplicate_wins_and_non_objects_are_unreadable() {
        let NotesRead::Ok(v) = read_text(r#"{"modash_data":{"userId":"1"},"modash_data":{"userId":"2"}}"#) else { panic!() };
        assert_eq!(v.legacy_user_id, Leaf::Str("2".into()));
        for bad in ["", "null", "[]", "\"{}\"", "{", "{\"a\":1} {}", "not json"] {
            assert_eq!(read_text(bad), NotesRead::Unreadable, "{bad:?}");
        }
        // A modash_data that is not an object reads as empty, not unreadable (the write path
        // refuses it).
        let view = NotesView { modash_not_object: Some(NotObject::String), ..Default::default() };
        assert_eq!(read_text(r#"{"modash_data":"x"}"#), NotesRead::Ok(view));
        let NotesRead::Ok(v) = read_text(r#"{"modash_data":{"platforms":{"tiktok":[1],"youtube":null}}}"#) else { panic!() };
        assert_eq!(v.not_object(), Some(("modash_data.platforms.tiktok".to_string(), NotObject::Array)));
        let NotesRead::Ok(v) = read_text(r#"{"modash_data":{"platforms":7}}"#) else { panic!() };
        assert_eq!(v.not_object(), Some(("modash_data.platforms".to_string(), NotObject::Number)));
    }
}
