//! Small text helpers shared by the rules.

/// `str::trim` (Unicode white space, as JS's `trim`), without the Unicode scan when the text
/// starts and ends with a printable ASCII byte (every userId, platform and timestamp does).
#[inline]
pub fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&b)) if a > b' ' && a < 0x7f && b > b' ' && b < 0x7f => s,
        _ => s.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn trims_like_str_trim() {
        for s in ["", " ", "a", " a ", "\u{a0}ig\u{a0}", "\tx\n", "x\u{2003}", "\u{85}y", "é", " é "] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn same_as_str_trim(s in "\\PC{0,6}|[ \\t\\u{a0}\\u{2003}]{0,2}[a-z]{0,4}[ \\t\\u{a0}]{0,2}") {
            prop_assert_eq!(trim(&s), s.trim());
        }
    }
}
