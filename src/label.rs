//! Cache-age labels. The short form is made here; the long form is chosen here (value and
//! unit) and worded by `Intl.RelativeTimeFormat` at the boundary, with an English fallback.

const MIN: f64 = 60_000.0;
const HOUR: f64 = 60.0 * MIN;
const DAY: f64 = 24.0 * HOUR;

/// The unit a label counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Month,
    Year,
}

impl Unit {
    /// The `Intl.RelativeTimeFormat` unit name.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Second => "second",
            Unit::Minute => "minute",
            Unit::Hour => "hour",
            Unit::Day => "day",
            Unit::Month => "month",
            Unit::Year => "year",
        }
    }
}

/// Splits an age (ms, >= 0) into a whole count of one unit, floored: under a minute is
/// `0 seconds` ("now"); days up to 30; months (of 30 days) up to 12; then years (365 days).
pub fn parts(age_ms: f64) -> (u64, Unit) {
    let a = age_ms.max(0.0);
    if a < MIN {
        (0, Unit::Second)
    } else if a < HOUR {
        ((a / MIN) as u64, Unit::Minute)
    } else if a < DAY {
        ((a / HOUR) as u64, Unit::Hour)
    } else {
        let days = (a / DAY) as u64;
        if days <= 30 {
            (days, Unit::Day)
        } else if days < 365 {
            ((days / 30).min(12), Unit::Month)
        } else {
            (days / 365, Unit::Year)
        }
    }
}

/// The arguments for `Intl.RelativeTimeFormat.format(value, unit)` (`numeric: 'auto'`): the
/// past as a negative count; under a minute `0 seconds`, which Intl words as "now".
pub fn intl_args(age_ms: f64) -> (f64, &'static str) {
    let (n, unit) = parts(age_ms);
    (if n == 0 { 0.0 } else { -(n as f64) }, unit.as_str())
}

/// The short label: `just now`, `5m ago`, `3h ago`, `2d ago`, `4mo ago`, `2y ago`.
pub fn short(age_ms: f64) -> String {
    let mut out = String::with_capacity(8);
    push_short(&mut out, age_ms);
    out
}

/// Appends the short label to `out` (no formatting machinery: the roster computes thousands).
pub fn push_short(out: &mut String, age_ms: f64) {
    let (n, unit) = parts(age_ms);
    let suffix = match unit {
        Unit::Second => return out.push_str("just now"),
        Unit::Minute => "m ago",
        Unit::Hour => "h ago",
        Unit::Day => "d ago",
        Unit::Month => "mo ago",
        Unit::Year => "y ago",
    };
    crate::num::push_uint(out, n);
    out.push_str(suffix);
}

/// The long label in English, worded as `Intl.RelativeTimeFormat('en', { numeric: 'auto' })`
/// words it: `now`, `1 minute ago`, `3 hours ago`, `yesterday`, `last month`, `2 years ago`.
pub fn long_en(age_ms: f64) -> String {
    match parts(age_ms) {
        (_, Unit::Second) => "now".to_string(),
        (1, Unit::Day) => "yesterday".to_string(),
        (1, Unit::Month) => "last month".to_string(),
        (1, Unit::Year) => "last year".to_string(),
        (n, unit) => format!("{n} {}{} ago", unit.as_str(), if n == 1 { "" } else { "s" }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn short_labels() {
        let cases = [
            (0.0, "just now"),
            (59_999.0, "just now"),
            (60_000.0, "1m ago"),
            (5.0 * MIN + 59_000.0, "5m ago"),
            (3.0 * HOUR + 59.0 * MIN, "3h ago"),
            (2.0 * DAY + 23.0 * HOUR, "2d ago"),
            (30.0 * DAY, "30d ago"),
            (31.0 * DAY, "1mo ago"),
            (125.0 * DAY, "4mo ago"),
            (364.0 * DAY, "12mo ago"),
            (365.0 * DAY, "1y ago"),
            (800.0 * DAY, "2y ago"),
        ];
        for (age, want) in cases {
            assert_eq!(short(age), want, "{age}");
        }
    }

    #[test]
    fn intl_arguments() {
        assert_eq!(intl_args(30_000.0), (0.0, "second"));
        assert_eq!(intl_args(3.0 * HOUR), (-3.0, "hour"));
        assert_eq!(intl_args(DAY), (-1.0, "day"));
    }

    #[test]
    fn long_english() {
        assert_eq!(long_en(10.0), "now");
        assert_eq!(long_en(MIN), "1 minute ago");
        assert_eq!(long_en(3.0 * HOUR), "3 hours ago");
        assert_eq!(long_en(DAY), "yesterday");
        assert_eq!(long_en(5.0 * DAY), "5 days ago");
        assert_eq!(long_en(40.0 * DAY), "last month");
        assert_eq!(long_en(400.0 * DAY), "last year");
        assert_eq!(long_en(900.0 * DAY), "2 years ago");
    }

    proptest! {
        #[test]
        fn labels_grow_with_age(a in 0.0f64..1e12, b in 0.0f64..1e12) {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let rank = |x: f64| { let (n, u) = parts(x); (u as u8, n) };
            prop_assert!(rank(lo) <= rank(hi));
        }
    }
}
