//! Reads a [`NotesView`] from the raw JSON text of the column in one pass: the whole text is
//! validated, only the needed paths are decoded, everything else (payloads) is skipped.
//! Duplicate keys: the last one wins, as with `JSON.parse`.

use super::shape::{self, EntryField, LegacyField, NotObject};
use super::{EntryView, Leaf, NotesRead, NotesView};
use crate::json::{JsonError, Parser, Scalar};
use crate::platform::Platform;

/// Reads notes from JSON text; `Unreadable` unless the text is valid JSON with an object at
/// the top.
pub fn read_text(text: &str) -> NotesRead<'_> {
    read(Parser::new(text))
}

/// [`read_text`] on bytes (a `Uint8Array` column): `Unreadable` unless they are UTF-8, checked
/// in the same pass.
pub fn read_utf8(bytes: &[u8]) -> NotesRead<'_> {
    read(Parser::from_utf8(bytes))
}

fn read(mut p: Parser<'_>) -> NotesRead<'_> {
    p.ws();
    if p.peek() != Some(b'{') {
        return NotesRead::Unreadable;
    }
    let mut view = NotesView::default();
    let walked = p.object(|p, key| {
        if key == shape::MODASH_DATA {
            view = read_modash(p)?;
            Ok(())
        } else {
            p.skip_value()
        }
    });
    match walked.and_then(|_| p.finish()) {
        Ok(()) => NotesRead::Ok(view),
        Err(_) => NotesRead::Unreadable,
    }
}

pub(crate) fn leaf<'a>(p: &mut Parser<'a>) -> Result<Leaf<'a>, JsonError> {
    Ok(match p.scalar()? {
        Scalar::Null => Leaf::Null,
        Scalar::Bool(b) => Leaf::Bool(b),
        // The grammar was checked, so the decimal parser accepts it (overflow gives inf).
        Scalar::Number(n) => Leaf::Number(crate::decimal::parse(n).unwrap_or(f64::NAN)),
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

fn read_modash<'a>(p: &mut Parser<'a>) -> Result<NotesView<'a>, JsonError> {
    let mut view = NotesView::default();
    if !enter(p, &mut view.modash_not_object)? {
        return Ok(view);
    }
    p.object(|p, key| {
        if key == shape::PLATFORMS {
            view.platforms = Default::default();
            if enter(p, &mut view.platforms_not_object)? {
                read_platforms(p, &mut view.platforms)?;
            }
        } else if key == shape::CACHED_PAYLOAD {
            view.legacy_payload = true;
            p.skip_value()?
        } else if let Some(f) = LegacyField::from_key(&key) {
            *view.legacy_mut(f) = leaf(p)?;
        } else {
            p.skip_value()?
        }
        Ok(())
    })?;
    Ok(view)
}

fn read_platforms<'a>(p: &mut Parser<'a>, out: &mut [EntryView<'a>; 3]) -> Result<(), JsonError> {
    p.object(|p, key| {
        // Keys are stored normalised; only exact names count.
        match Platform::ALL.iter().find(|pl| pl.as_str() == key) {
            Some(pl) => out[pl.index()] = read_entry(p)?,
            None => p.skip_value()?,
        }
        Ok(())
    })
}

fn read_entry<'a>(p: &mut Parser<'a>) -> Result<EntryView<'a>, JsonError> {
    let mut entry = EntryView::default();
    if !enter(p, &mut entry.not_object)? {
        return Ok(entry);
    }
    p.object(|p, key| {
        if let Some(f) = EntryField::from_key(&key) {
            *entry.field_mut(f) = leaf(p)?;
        } else {
            if key == shape::CACHED_PAYLOAD {
                entry.has_payload = true;
            }
            p.skip_value()?
        }
        Ok(())
    })?;
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;

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
