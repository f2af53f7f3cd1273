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

/// Parses an HTTP-date; `None` for anything else.
pub fn parse(s: &str) -> Option<f64> {
    let s = s.trim();
    let parts: Vec<&str> = s.split_ascii_whitespace().collect();
    match parts.as_slice() {
        // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
        [wd, d, mo, y, t, "GMT"] if wd.strip_suffix(',').is_some_and(|w| DAYS.contains(&w)) => {
            to_ms(digits(y, 4)?, month(mo)?, digits(d, 2)?, clock(t)?)
        }
        // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years: RFC 9110 says a year
        // more than 50 years ahead means the past century; relative to 2000 here).
        [wd, date, t, "GMT"] if wd.strip_suffix(',').is_some_and(|w| LONG_DAYS.contains(&w)) => {
            let mut it = date.split('-');
            let (d, mo, yy) = (digits(it.next()?, 2)?, month(it.next()?)?, digits(it.next()?, 2)?);
            if it.next().is_some() {
                return None;
            }
            let y = if yy >= 70 { 1900 + yy } else { 2000 + yy };
            to_ms(y, mo, d, clock(t)?)
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

    #[test]
    fn the_three_forms() {
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Some(T));
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT"), Some(T));
        assert_eq!(parse("Sun Nov  6 08:49:37 1994"), Some(T));
        for bad in [
            "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 31 Feb 1994 08:49:37 GMT", "06 Nov 1994 08:49:37 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:49:37 GMT", "tomorrow", "", "120",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
