//! Text for numbers and strings in messages, without core's float formatter and `Debug`
//! escaping (together about 20 KB of wasm this module ships to every browser).

/// A number as JS would print it in most cases: `12`, `1.5`, `-0.25`, `NaN`, `Infinity`.
/// Up to 6 decimals; magnitudes of 1e13 and more print as a power of ten (`~1e20`).
pub fn fmt_num(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a >= 1e13 {
        let mut e = 0;
        let mut m = a;
        while m >= 10.0 {
            m /= 10.0;
            e += 1;
        }
        return format!("{sign}~1e{e}");
    }
    let scaled = (a * 1e6).round() as u64;
    let (int, mut frac) = (scaled / 1_000_000, scaled % 1_000_000);
    if frac == 0 {
        return if int == 0 { "0".into() } else { format!("{sign}{int}") };
    }
    let mut digits = 6;
    while frac % 10 == 0 {
        frac /= 10;
        digits -= 1;
    }
    format!("{sign}{int}.{frac:0digits$}")
}

/// Appends the decimal digits of `n` (what `format!("{n}")` gives, without the formatter).
pub fn push_uint(out: &mut String, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    let digits = std::str::from_utf8(&buf[i..]);
    debug_assert!(digits.is_ok(), "ASCII digits are UTF-8");
    out.push_str(digits.unwrap_or("0"));
}

/// A string in double quotes, with `"` and `\` escaped and control characters shown as `?`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 => out.push('?'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Edges mutation testing found unasserted: the sign of infinity and of -0 (JS prints
    /// `0`), and a space is no control character.
    #[test]
    fn signs_and_spaces() {
        assert_eq!(fmt_num(f64::INFINITY), "Infinity");
        assert_eq!(fmt_num(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(fmt_num(-0.0), "0");
        assert_eq!(quote("a b\u{1f}"), "\"a b?\"");
    }

    #[test]
    fn numbers() {
        for (x, want) in [
            (0.0, "0"),
            (-0.0, "0"),
            (12.0, "12"),
            (1.5, "1.5"),
            (-0.25, "-0.25"),
            (0.000001, "0.000001"),
            (43_200_000.0, "43200000"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
            (1e20, "~1e20"),
            (12.0 / 7.0, "1.714286"),
        ] {
            assert_eq!(fmt_num(x), want, "{x}");
        }
    }

    #[test]
    fn uints_match_the_formatter() {
        for n in [0u64, 1, 9, 10, 99, 100, 12345, u32::MAX as u64, u64::MAX] {
            let mut s = String::from("x");
            push_uint(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("a\"b\\c\n"), r#""a\"b\\c?""#);
    }
}
