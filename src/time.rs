//! Timestamps, cache age and freshness. No clock here: `now` is always passed in (epoch ms).

use crate::json::Leaf;

/// A timestamp up to this far in the future counts as age 0 (clock skew), in ms.
pub const MAX_SKEW_MS: f64 = 5.0 * 60_000.0;
/// The range of a JS `Date`, in ms either side of the epoch.
pub const MAX_EPOCH_MS: f64 = 8.64e15;

/// Parses a timestamp from notes: a string (RFC 3339 or Postgres text form), a finite number
/// of epoch ms, or a JS `Date`. Anything else, or an impossible date, gives `None`.
pub fn parse_leaf(leaf: &Leaf) -> Option<f64> {
    match leaf {
        Leaf::Str(s) => parse_str(s),
        Leaf::Number(n) | Leaf::Date(n) => in_range(*n),
        _ => None,
    }
}

fn in_range(ms: f64) -> Option<f64> {
    (ms.is_finite() && ms.abs() <= MAX_EPOCH_MS).then_some(ms + 0.0)
}

/// Parses a date-time string strictly and returns epoch milliseconds (fractions below 1 ms
/// are dropped, toward the past).
///
/// Accepts `YYYY-MM-DD`, a `T`, `t` or space, `HH:MM:SS`, optional `.fraction`, then an offset:
/// `Z`, `z`, `±HH:MM`, or (Postgres) `±HH` or `±HHMM`. A leap second `:60` is accepted only
/// at 23:59 UTC and maps to the next second. Surrounding white space is ignored. Strings
/// without an offset are refused: they would mean the reader's local time.
pub fn parse_str(s: &str) -> Option<f64> {
    parse_trimmed(crate::text::trim(s).as_bytes())
}

/// [`parse_str`] on UTF-8 bytes (a column of timestamps copied from JS as one buffer); `None`
/// when they are not UTF-8.
pub fn parse_utf8(b: &[u8]) -> Option<f64> {
    match (b.first(), b.last()) {
        // Nothing to trim (the `text::trim` fast path), and non-ASCII bytes fail the parse.
        (Some(&a), Some(&z)) if a > b' ' && a < 0x7f && z > b' ' && z < 0x7f => parse_trimmed(b),
        _ => parse_str(std::str::from_utf8(b).ok()?),
    }
}

fn parse_trimmed(b: &[u8]) -> Option<f64> {
    // The fixed part `YYYY-MM-DDTHH:MM:SS` as an array: no bounds checks below. A pair with a
    // non-digit reads as 1000, which every range check refuses.
    let h: &[u8; 19] = b.get(..19)?.try_into().ok()?;
    if h[4] != b'-' || h[7] != b'-' || !matches!(h[10], b'T' | b't' | b' ') || h[13] != b':' || h[16] != b':' {
        return None;
    }
    let (hi, lo) = (pair(h[0], h[1]), pair(h[2], h[3]));
    let (month, day) = (pair(h[5], h[6]), pair(h[8], h[9]));
    let (hour, minute, second) = (pair(h[11], h[12]), pair(h[14], h[15]), pair(h[17], h[18]));
    if hi > 99 || lo > 99 || !(1..=12).contains(&month) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let year = hi * 100 + lo;
    if day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let rest = &b[19..];
    let mut i = 0;
    let mut millis = 0i64;
    if rest.first() == Some(&b'.') {
        i = 1;
        let mut scale = 100;
        while let Some(&c) = rest.get(i).filter(|c| c.is_ascii_digit()) {
            millis += (c - b'0') as i64 * scale;
            scale /= 10;
            i += 1;
        }
        if i == 1 {
            return None;
        }
    }
    let offset_min = match *rest.get(i..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), ref tail @ ..] => {
            let (oh, om) = match *tail {
                [a, b] => (pair(a, b), 0),
                [a, b, c, d] => (pair(a, b), pair(c, d)),
                [a, b, b':', c, d] => (pair(a, b), pair(c, d)),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            if sign == b'-' {
                -(oh * 60 + om)
            } else {
                oh * 60 + om
            }
        }
        _ => return None,
    };
    let local_min = hour * 60 + minute;
    if second == 60 && (local_min - offset_min).rem_euclid(1440) != 23 * 60 + 59 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let ms = ((days * 1440 + local_min - offset_min) * 60 + second) * 1000 + millis;
    in_range(ms as f64)
}

/// Two ASCII digits as a number; 1000 when either is not a digit.
#[inline(always)]
fn pair(a: u8, b: u8) -> i64 {
    let (a, b) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    if a > 9 || b > 9 {
        1000
    } else {
        (a * 10 + b) as i64
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date, years 0 to 9999 (H. Hinnant's
/// algorithm on a March-based year, one 400-year era later so that everything is unsigned:
/// `u32` divisions by constants compile to multiplications on wasm, `i64` ones do not).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Day of the March-based year on which each month starts, January first.
    const MARCH_DOY: [u32; 12] = [306, 337, 0, 31, 61, 92, 122, 153, 184, 214, 245, 275];
    let y = (y.clamp(0, 9999) as u32) + 400 - u32::from(m <= 2);
    let doy = MARCH_DOY[(m.clamp(1, 12) - 1) as usize] + d.clamp(1, 31) as u32 - 1;
    let days = 365 * y + y / 4 - y / 100 + y / 400 + doy;
    days as i64 - 719_468 - 146_097
}

/// A UTC calendar date and time of day, as [`civil`] reads it from epoch ms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    pub millis: i64,
}

/// Civil date-time of epoch ms.
pub fn civil(ms: i64) -> Civil {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    // Inverse of days_from_civil (Hinnant's civil_from_days).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    Civil { year: y, month: m, day: d, hour: rem / 3_600_000, minute: rem / 60_000 % 60, second: rem / 1000 % 60, millis: rem % 1000 }
}

/// ISO-8601 UTC text of epoch ms, as `Date.prototype.toISOString` writes it
/// (`2025-01-15T10:00:00.000Z`); `None` outside years 0 to 9999.
pub fn to_iso(ms: f64) -> Option<String> {
    if !ms.is_finite() || !(-62_167_219_200_000.0..=253_402_300_799_999.0).contains(&ms) {
        return None;
    }
    let Civil { year: y, month: mo, day: d, hour: h, minute: mi, second: s, millis: f } = civil(ms.floor() as i64);
    Some(format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{f:03}Z"))
}

/// Age in ms of a refresh at `t` seen at `now`: `now - t`; up to 5 minutes in the future is
/// 0 (clock skew); further in the future is `None` (invalid).
pub fn age(t: f64, now: f64) -> Option<f64> {
    let a = now - t;
    if a >= 0.0 {
        Some(a)
    } else if -a <= MAX_SKEW_MS {
        Some(0.0)
    } else {
        None
    }
}

/// Fresh: the age is known and at most `ttl_ms` (the boundary itself is fresh).
pub fn is_fresh(age_ms: Option<f64>, ttl_ms: f64) -> bool {
    age_ms.is_some_and(|a| a <= ttl_ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const T: f64 = 1_736_935_200_000.0; // 2025-01-15T10:00:00Z

    /// Mutation testing found these unasserted: every separator and digit pair of the fixed
    /// part is checked on its own, a UTF-8 column value trims Unicode white space like text,
    /// and -0 is 0.
    #[test]
    fn each_separator_and_pair_is_checked() {
        let good = "2025-01-15T10:00:00Z";
        assert_eq!(parse_str(good), Some(T));
        for at in [4, 7, 10, 13, 16] {
            let mut b = good.as_bytes().to_vec();
            b[at] = b'/';
            assert_eq!(parse_utf8(&b), None, "{}", String::from_utf8_lossy(&b));
        }
        for at in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] {
            let mut b = good.as_bytes().to_vec();
            b[at] = b'x';
            assert_eq!(parse_utf8(&b), None, "{}", String::from_utf8_lossy(&b));
        }
        assert_eq!(parse_utf8("\u{a0}2025-01-15T10:00:00Z\u{a0}".as_bytes()), Some(T));
        // White space that is not ASCII at one end only (the fast path must not take either).
        assert_eq!(parse_utf8("\u{a0}2025-01-15T10:00:00Z".as_bytes()), Some(T));
        assert_eq!(parse_utf8("2025-01-15T10:00:00Z\u{a0}".as_bytes()), Some(T));
        assert_eq!(parse_utf8(b" 2025-01-15T10:00:00Z "), Some(T));
        assert!(parse_leaf(&Leaf::Number(-0.0)).unwrap().is_sign_positive());
    }

    #[test]
    fn forms() {
        assert_eq!(parse_str("2025-01-15T10:00:00Z"), Some(T));
        assert_eq!(parse_str("2025-01-15T10:00:00.123Z"), Some(T + 123.0));
        assert_eq!(parse_str("2025-01-15t10:00:00.1z"), Some(T + 100.0));
        assert_eq!(parse_str("2025-01-15T12:30:00+02:30"), Some(T));
        assert_eq!(parse_str("2025-01-15 10:00:00.123456+00"), Some(T + 123.0));
        assert_eq!(parse_str("2025-01-15 05:00:00-0500"), Some(T));
        assert_eq!(parse_str(" 2025-01-15T10:00:00Z "), Some(T));
        assert_eq!(parse_str("1969-12-31T23:59:59.999Z"), Some(-1.0));
        for bad in [
            "2025-02-30T00:00:00Z",
            "2025-01-15T10:00:00",
            "2025-01-15",
            "2025-01-15T24:00:00Z",
            "2025-01-15T10:00Z",
            "2025-01-15T10:00:00.Z",
            "2025-01-15T10:00:00+24:00",
            "2025-01-15T10:00:00+05:",
            "2025-01-15T10:00:00Z ",
            "",
            "yesterday",
            "2025-1-15T10:00:00Z",
            "2023-02-29T00:00:00Z",
        ] {
            if bad == "2025-01-15T10:00:00Z " {
                continue; // trailing space is trimmed: covered above
            }
            assert_eq!(parse_str(bad), None, "{bad:?}");
        }
        assert!(parse_str("2024-02-29T00:00:00Z").is_some());
    }

    #[test]
    fn every_day_of_years_0_to_9999_maps_back() {
        let first = days_from_civil(0, 1, 1);
        assert_eq!(first, -719_528);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        for days in first..=days_from_civil(9999, 12, 31) {
            let Civil { year: y, month: m, day: d, .. } = civil(days * 86_400_000);
            assert!(d <= days_in_month(y, m));
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }

    /// Month lengths and leap years from the calendar itself, not from `days_in_month` (the
    /// other tests use it as their oracle, so they cannot see it wrong).
    #[test]
    fn month_lengths_and_leap_years() {
        for (y, leap) in
            [(0, true), (4, true), (100, false), (1600, true), (1900, false), (1996, true), (2000, true), (2023, false), (2024, true), (2100, false)]
        {
            assert_eq!(is_leap(y), leap, "{y}");
            assert_eq!(parse_str(&format!("{y:04}-02-29T00:00:00Z")).is_some(), leap, "{y}-02-29");
        }
        for (m, days) in [(1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30), (7, 31), (8, 31), (9, 30), (10, 31), (11, 30), (12, 31)] {
            assert_eq!(days_in_month(2023, m), days, "month {m}");
            assert!(parse_str(&format!("2023-{m:02}-{days:02}T00:00:00Z")).is_some(), "2023-{m}-{days}");
            assert_eq!(parse_str(&format!("2023-{m:02}-{:02}T00:00:00Z", days + 1)), None, "2023-{m}-{}", days + 1);
        }
        // 1970-01-01 to 9999-12-31: 2,932,896 days.
        assert_eq!(days_from_civil(9999, 12, 31), 2_932_896);
    }

    #[test]
    fn iso_text_only_for_years_0_to_9999() {
        assert_eq!(to_iso(0.0).as_deref(), Some("1970-01-01T00:00:00.000Z"));
        assert_eq!(to_iso(-62_167_219_200_000.0).as_deref(), Some("0000-01-01T00:00:00.000Z"));
        assert_eq!(to_iso(253_402_300_799_999.0).as_deref(), Some("9999-12-31T23:59:59.999Z"));
        for ms in [-62_167_219_200_001.0, 253_402_300_800_000.0, 1e300, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(to_iso(ms), None, "{ms}");
        }
    }

    proptest! {
        #[test]
        fn bytes_parse_as_their_text(s in "\\PC{0,30}|[ \\t]?[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,4})?(Z|[+-][0-2][0-9](:?[0-5][0-9])?)[ \\n]?") {
            let parsed = parse_str(&s);
            prop_assert_eq!(parse_utf8(s.as_bytes()), parsed);
        }
    }

    proptest! {
        #[test]
        fn generated_date_times_parse(s in "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,4})?(Z|[+-](0[0-9]|1[0-9]|2[0-3])(:?[0-5][0-9])?)") {
            prop_assert!(parse_utf8(s.as_bytes()).is_some(), "{s}");
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_are_no_timestamp() {
        assert_eq!(parse_utf8(b"2025-01-15T10:00:00Z"), Some(T));
        assert_eq!(parse_utf8(b" 2025-01-15T10:00:00Z\n"), Some(T));
        assert_eq!(parse_utf8(b"\xff2025-01-15T10:00:00Z"), None);
        assert_eq!(parse_utf8(b""), None);
    }

    #[test]
    fn leaves() {
        assert_eq!(parse_leaf(&Leaf::Number(T)), Some(T));
        assert_eq!(parse_leaf(&Leaf::Date(T)), Some(T));
        assert_eq!(parse_leaf(&Leaf::Date(f64::NAN)), None);
        assert_eq!(parse_leaf(&Leaf::Number(f64::INFINITY)), None);
        assert_eq!(parse_leaf(&Leaf::Number(9e15)), None);
        assert_eq!(parse_leaf(&Leaf::Bool(true)), None);
        assert_eq!(parse_leaf(&Leaf::Null), None);
    }

    #[test]
    fn ages_and_freshness() {
        assert_eq!(age(T, T + 10.0), Some(10.0));
        assert_eq!(age(T + MAX_SKEW_MS, T), Some(0.0));
        assert_eq!(age(T + MAX_SKEW_MS + 1.0, T), None);
        assert!(is_fresh(Some(100.0), 100.0));
        assert!(!is_fresh(Some(100.5), 100.0));
        assert!(!is_fresh(None, 1e12));
        assert!(is_fresh(Some(0.0), 0.0));
    }

    proptest! {
        #[test]
        fn formatted_instants_round_trip(ms in 0i64..253_402_300_799_999) {
            let Civil { year: y, month: mo, day: d, hour: h, minute: mi, second: s, millis: f } = civil(ms);
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{f:03}Z");
            prop_assert_eq!(parse_str(&text), Some(ms as f64));
            let pg = format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}.{f:03}000+00");
            prop_assert_eq!(parse_str(&pg), Some(ms as f64));
            prop_assert_eq!(to_iso(ms as f64), Some(text));
        }

        #[test]
        fn offsets_shift_by_their_minutes(ms in 0i64..4_000_000_000_000, oh in 0i64..24, om in 0i64..60, neg in proptest::bool::ANY) {
            let off = (oh * 60 + om) * if neg { -1 } else { 1 };
            let Civil { year: y, month: mo, day: d, hour: h, minute: mi, second: s, .. } =
                civil(ms - ms % 1000 + off * 60_000);
            let sign = if neg { '-' } else { '+' };
            let text = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{sign}{oh:02}:{om:02}");
            prop_assert_eq!(parse_str(&text), Some((ms - ms % 1000) as f64));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse_str(&s);
        }

        #[test]
        fn impossible_days_are_refused(y in 1i64..9999, m in 1i64..=12, extra in 1i64..5) {
            let d = days_in_month(y, m) + extra;
            if d <= 99 {
                let text = format!("{y:04}-{m:02}-{d:02}T00:00:00Z");
                prop_assert_eq!(parse_str(&text), None);
            }
        }
    }
}
