//! HTTP-date (RFC 9110 section 5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime
//! forms a recipient must still accept. Returns epoch milliseconds.

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const LONG_DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

fn digits(s: &str, n: usize) -> Option<i64> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

fn month(s: &str) -> Option<i64> {
    MONTHS.iter().position(|m| *m == s).map(|i| i as i64 + 1)
}

fn clock(s: &str) -> Option<(i64, i64, i64)> {
    let mut it = s.split(':');
    let (h, m, sec) = (digits(it.next()?, 2)?, digits(it.next()?, 2)?, digits(it.next()?, 2)?);
    (it.next().is_none() && h < 24 && m < 60 && sec <= 60).then_some((h, m, sec))
}

fn to_ms(y: i64, mo: i64, d: i64, (h, mi, s): (i64, i64, i64)) -> Option<f64> {
    // Reuse the strict date-time parser for calendar checks (Feb 30 is refused). A leap
    // second is not meaningful here: treat :60 as :59 plus one second.
    let leap = s == 60;
    let stamp = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{:02}Z", if leap { 59 } else { s });
    crate::time::parse_str(&stamp).map(|t| if leap { t + 1000.0 } else { t })
}

/// Milliseconds in 50 years of 365.2425 days (RFC 9110's window for two-digit years).
const FIFTY_YEARS_MS: f64 = 50.0 * 365.2425 * 86_400_000.0;

/// The four-digit year of an RFC 850 two-digit year `yy`, seen at `now_ms` (RFC 9110 section
/// 5.6.7): never more than 50 years in the future (such a year means the most recent past
/// year with the same last two digits), else the nearest year with those digits.
fn rfc850_year(yy: i64, mo: i64, d: i64, t: (i64, i64, i64), now_ms: f64) -> Option<f64> {
    let now_year = if now_ms.is_finite() { crate::time::civil(now_ms as i64).year } else { 2000 };
    let y = now_year - now_year.rem_euclid(100) + yy;
    let ms = to_ms(y, mo, d, t)?;
    if ms - now_ms > FIFTY_YEARS_MS {
        to_ms(y - 100, mo, d, t)
    } else if now_ms - ms > FIFTY_YEARS_MS {
        // Early in a century: `44` seen in 1994 is 2044 (not more than 50 years ahead).
        to_ms(y + 100, mo, d, t).filter(|&next| next - now_ms <= FIFTY_YEARS_MS).or(Some(ms))
    } else {
        Some(ms)
    }
}

/// Parses an HTTP-date seen at `now_ms` (which RFC 850's two-digit years need); `None` for
/// anything else.
pub fn parse(s: &str, now_ms: f64) -> Option<f64> {
    let s = s.trim();
    let parts: Vec<&str> = s.split_ascii_whitespace().collect();
    match parts.as_slice() {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        [wd, d, mo, y, t, "GMT"] if wd.strip_suffix(',').is_some_and(|w| DAYS.contains(&w)) => to_ms(digits(y, 4)?, month(mo)?, digits(d, 2)?, clock(t)?),
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT.
        [wd, date, t, "GMT"] if wd.strip_suffix(',').is_some_and(|w| LONG_DAYS.contains(&w)) => {
            let mut it = date.split('-');
            let (d, mo, yy) = (digits(it.next()?, 2)?, month(it.next()?)?, digits(it.next()?, 2)?);
            if it.next().is_some() {
                return None;
            }
            rfc850_year(yy, mo, d, clock(t)?, now_ms)
        }
        // asctime: Sun Nov  6 08:49:37 1994
        [wd, mo, d, t, y] if DAYS.contains(wd) => {
            let day = if d.len() == 1 { digits(d, 1)? } else { digits(d, 2)? };
            to_ms(digits(y, 4)?, month(mo)?, day, clock(t)?)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: f64 = 784_111_777_000.0; // 1994-11-06T08:49:37Z
    const NOW: f64 = 1_795_000_000_000.0; // 2026-11-18

    #[test]
    fn the_three_forms() {
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT", NOW), Some(T));
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT", NOW), Some(T));
        assert_eq!(parse("Sun Nov  6 08:49:37 1994", NOW), Some(T));
        // A leap second is the next minute's first.
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:60 GMT", NOW), Some(T + 23_000.0));
        for bad in [
            "Sun, 06 Nov 1994 08:49:37 UTC",
            // Each form with its own day names only.
            "Fun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06 Nov 1994 08:49:37 GMT",
            "Funday, 06-Nov-94 08:49:37 GMT",
            "Sun, 06-Nov-94 08:49:37 GMT",
            "Fun Nov  6 08:49:37 1994",
            "Sunday Nov  6 08:49:37 1994",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "06 Nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1994 08:49:61 GMT",
            "Sun, 06 Nov 1994 08:49:37:00 GMT",
            "tomorrow",
            "",
            "120",
        ] {
            assert_eq!(parse(bad, NOW), None, "{bad}");
        }
    }

    /// RFC 9110: a two-digit year is this century's unless that is more than 50 years ahead.
    #[test]
    fn rfc850_two_digit_years_follow_the_clock() {
        let year = |s: &str, now: f64| parse(s, now).map(|t| crate::time::civil(t as i64).year);
        // In 2026, 75 is 49 years ahead (2075), 77 is 51 years ahead (1977), 26 is this year.
        assert_eq!(year("Monday, 06-Nov-75 08:49:37 GMT", NOW), Some(2075));
        assert_eq!(year("Saturday, 06-Nov-77 08:49:37 GMT", NOW), Some(1977));
        assert_eq!(year("Friday, 06-Nov-26 08:49:37 GMT", NOW), Some(2026));
        assert_eq!(year("Monday, 06-Nov-00 08:49:37 GMT", NOW), Some(2000));
        // In 1994, 94 is this year, 44 is 50 years ahead (kept), 45 means 1945.
        assert_eq!(year("Sunday, 06-Nov-94 08:49:37 GMT", T), Some(1994));
        assert_eq!(year("Sunday, 06-Nov-44 08:49:37 GMT", T + 86_400_000.0 * 30.0), Some(2044));
        assert_eq!(year("Tuesday, 06-Nov-45 08:49:37 GMT", T), Some(1945));
        // Exactly 50 years ahead is still ahead (this century's 2050, the next one's 2044 seen
        // from 1994); exactly 50 back is still back, even where the century after it (2110 to
        // 2210, no 2200 leap day) would be less than 50 years ahead.
        let at = |y: i64| to_ms(y, 1, 1, (0, 0, 0)).unwrap();
        assert_eq!(year("Saturday, 01-Jan-50 00:00:00 GMT", at(2050) - FIFTY_YEARS_MS), Some(2050));
        assert_eq!(year("Friday, 01-Jan-44 00:00:00 GMT", at(2044) - FIFTY_YEARS_MS), Some(2044));
        assert_eq!(year("Friday, 01-Jan-10 00:00:00 GMT", at(2110) + FIFTY_YEARS_MS), Some(2110));
        // Over 50 back, the century after is taken only when it is not more than 50 ahead: from
        // 2349 to 2449 (2400 is a leap year) it is more, by three quarters of a day less a
        // millisecond.
        assert_eq!(year("Friday, 01-Jan-49 00:00:00 GMT", at(2349) + FIFTY_YEARS_MS + 1.0), Some(2349));
    }
}
