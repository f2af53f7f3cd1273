//! Decimal text to `f64`, without core's float parser in the wasm build.
//!
//! Core's `f64::from_str` (Eisel-Lemire with a big-decimal fallback and its power-of-five
//! tables) is about 15 KB of the gzipped browser module. The numbers notes hold (follower
//! counts, rates such as `0.0345`, epoch milliseconds, TTL hours) all fit the exact fast path
//! below: at most 19 significant digits, a value below 2^53 and a power of ten up to 22, where
//! one IEEE multiplication or division of two exact values is the correctly rounded result
//! (Clinger, 1990). Anything else goes to the platform's own correctly rounding parser: JS's
//! `parseFloat` in the wasm build, `str::parse` natively. Both give the nearest `f64`, so the
//! answer never depends on the build.

/// Largest integer up to which every integer is an exact `f64` (2^53).
const EXACT_INT: u64 = 1 << 53;

/// The powers of ten that are exact `f64`s.
const POW10: [f64; 23] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/// Parses a finite decimal number as Rust's `f64::from_str` does, minus its words: an
/// optional sign, digits with an optional `.` (`1.`, `.5` and `1.5` are fine, `.` alone is
/// not), then an optional exponent (`e`/`E`, optional sign, digits). Gives the nearest `f64`
/// (magnitudes past `f64::MAX` are infinite, like `1e400`); `None` for anything else,
/// including `inf`, `NaN`, white space and empty text. JSON numbers are a subset.
pub fn parse(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    let mut i = 0;
    let negative = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    // Significant digits into a u64 (leading zeros skipped). A 20th significant digit is not
    // taken: the mantissa is then at least 10^18, past 2^53, so the exact path refuses it and
    // the platform's parser reads the whole text (what the mantissa and exponent say of such
    // text is never used).
    let (mut mantissa, mut digits) = (0u64, 0u32);
    let mut exp10: i64 = 0;
    let mut seen_digit = false;
    // A digit after the point scales by a tenth (leading zeros too: they only move the point).
    let mut take = |c: u8, after_point: bool| {
        let leading_zero = mantissa == 0 && c == b'0';
        if leading_zero || digits < 19 {
            if !leading_zero {
                mantissa = mantissa * 10 + (c - b'0') as u64;
                digits += 1;
            }
            exp10 -= i64::from(after_point);
        }
    };
    while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
        take(c, false);
        seen_digit = true;
        i += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            take(c, true);
            seen_digit = true;
            i += 1;
        }
    }
    if !seen_digit {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = match b.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        let mut e: i64 = 0;
        while let Some(&c) = b.get(i).filter(|c| c.is_ascii_digit()) {
            // Saturates far beyond any f64 exponent, so huge exponents stay huge.
            e = (e * 10 + (c - b'0') as i64).min(1 << 40);
            i += 1;
        }
        if i == start {
            return None;
        }
        exp10 += if exp_negative { -e } else { e };
    }
    if i != b.len() {
        return None;
    }
    let magnitude = if mantissa == 0 { Some(0.0) } else { exact(mantissa, exp10) };
    let magnitude = magnitude.unwrap_or_else(|| slow(text.strip_prefix(['-', '+']).unwrap_or(text)));
    Some(if negative { -magnitude } else { magnitude })
}

/// Clinger's fast path: exact when the mantissa and the power of ten are exact `f64`s.
fn exact(mantissa: u64, exp10: i64) -> Option<f64> {
    if mantissa > EXACT_INT || !(-22..=22).contains(&exp10) {
        return None;
    }
    let m = mantissa as f64;
    let p = POW10[exp10.unsigned_abs() as usize];
    Some(if exp10 < 0 { m / p } else { m * p })
}

/// The platform's correctly rounding parser, for what the fast path cannot do exactly
/// (`text` is unsigned and already checked).
#[cfg(target_arch = "wasm32")]
fn slow(text: &str) -> f64 {
    js_sys::parse_float(text)
}

#[cfg(not(target_arch = "wasm32"))]
fn slow(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn same(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (Some(x), Some(y)) => x.to_bits() == y.to_bits(),
            (None, None) => true,
            _ => false,
        }
    }

    fn rust(t: &str) -> Option<f64> {
        let words = t.bytes().any(|c| c.is_ascii_alphabetic() && c != b'e' && c != b'E');
        if words {
            None
        } else {
            t.parse().ok()
        }
    }

    #[test]
    fn forms_and_refusals() {
        for t in [
            "0",
            "-0",
            "+0",
            "1",
            "1.",
            ".5",
            "-.5",
            "1.5",
            "12e3",
            "1E-3",
            "1e+2",
            "0.0345",
            "1736935200000",
            "9007199254740992",
            "9007199254740993",
            "0.1",
            "3.14159",
            "1e22",
            "1e23",
            "1e-22",
            "1e-23",
            "123456789012345678901234567890",
            "1e400",
            "-1e400",
            "1e-400",
            "4.9e-324",
            "2.2250738585072011e-308",
            "1.7976931348623157e308",
            "0.000000000000000000000000000000000000001",
            "00012",
            "1.00000000000000000000000001",
            "9999999999999999999",
            "18446744073709551616",
            "1e-2147483649",
            "1e99999999999999999999",
        ] {
            assert!(same(parse(t), rust(t)), "{t}: {:?} vs {:?}", parse(t), rust(t));
            assert!(parse(t).is_some(), "{t}");
        }
        for t in ["", "-", "+", ".", "-.", "e5", ".e1", "1e", "1e+", "1.5.5", "--1", "1 ", " 1", "inf", "NaN", "0x10", "1_000", "١"] {
            assert_eq!(parse(t), None, "{t:?}");
        }
        assert!(parse("-0").unwrap().is_sign_negative());
    }

    /// The fast path's bounds (answers alone cannot show them: the platform's parser gives the
    /// same numbers, only slower): up to 2^53 and 10^±22 it answers, past them it refuses.
    #[test]
    fn exact_path_bounds() {
        assert_eq!(exact(EXACT_INT, 0), Some(9_007_199_254_740_992.0));
        assert_eq!(exact(EXACT_INT + 1, 0), None);
        assert_eq!(exact(3, 22), Some(3e22));
        assert_eq!(exact(3, -22), Some(3e-22));
        assert_eq!(exact(3, 23), None);
        assert_eq!(exact(3, -23), None);
        assert_eq!(exact(1, 0), Some(1.0));
    }

    proptest! {
        #[test]
        fn same_as_rust_on_decimal_text(t in "[+-]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][+-]?[0-9]{1,4})?") {
            prop_assert!(same(parse(&t), rust(&t)), "{}: {:?} vs {:?}", t, parse(&t), rust(&t));
        }

        #[test]
        fn fast_path_equals_rust(m in 0u64..=EXACT_INT, e in -22i64..=22) {
            let t = format!("{m}e{e}");
            prop_assert_eq!(exact(m, e).map(f64::to_bits), t.parse::<f64>().ok().map(f64::to_bits));
        }

        #[test]
        fn every_f64_round_trips(x in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO) {
            let t = format!("{x:e}");
            prop_assert_eq!(parse(&t).map(f64::to_bits), Some(x.to_bits()));
            let t = format!("{x}");
            prop_assert_eq!(parse(&t).map(f64::to_bits), Some(x.to_bits()));
        }

        #[test]
        fn never_panics(t in "\\PC{0,40}") {
            let _ = parse(&t);
        }
    }
}
