//! Platforms: the three Modash networks, their aliases and normalisation.

use std::fmt;

/// A social platform Modash reports on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    Instagram,
    Tiktok,
    Youtube,
}

/// The names accepted in error messages, in display order.
pub const SUPPORTED: &str = "instagram, tiktok, youtube";

impl Platform {
    /// Every platform, in a fixed order (also the index order of [`Platform::index`]).
    pub const ALL: [Platform; 3] = [Platform::Instagram, Platform::Tiktok, Platform::Youtube];

    /// The normalised lower-case name, as stored in `notes.modash_data.platforms`.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Instagram => "instagram",
            Platform::Tiktok => "tiktok",
            Platform::Youtube => "youtube",
        }
    }

    /// Position in [`Platform::ALL`] (0, 1 or 2).
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Parses a non-empty name or alias (trimmed, any ASCII case); `None` when it is not one.
    pub fn parse(value: &str) -> Option<Platform> {
        let v = crate::text::trim(value);
        // Aliases are short ASCII words: avoid allocating for the common exact forms.
        // Every alias is ASCII, so ASCII case folding is enough (and keeps Unicode tables
        // out of the wasm).
        let lower;
        let v = if v.bytes().any(|b| b.is_ascii_uppercase()) {
            lower = v.to_ascii_lowercase();
            lower.as_str()
        } else {
            v
        };
        match v {
            "instagram" | "ig" | "insta" => Some(Platform::Instagram),
            "tiktok" | "tt" | "tik tok" | "tik-tok" => Some(Platform::Tiktok),
            "youtube" | "yt" | "you tube" => Some(Platform::Youtube),
            _ => None,
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A platform name that is none of the supported ones or their aliases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsupportedPlatform(pub String);

impl UnsupportedPlatform {
    /// Stable error code shown to JS.
    pub fn code(&self) -> crate::error::Code {
        crate::error::Code::UnsupportedPlatform
    }
}

impl fmt::Display for UnsupportedPlatform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Unsupported platform {}: expected one of {SUPPORTED}", crate::num::quote(&self.0))
    }
}

/// Normalises a requested platform: trims and lower-cases, accepts aliases; `None` or an
/// empty (all-blank) string means `instagram`, the app's default.
pub fn normalize(value: Option<&str>) -> Result<Platform, UnsupportedPlatform> {
    match value {
        None => Ok(Platform::Instagram),
        Some(v) if v.trim().is_empty() => Ok(Platform::Instagram),
        Some(v) => Platform::parse(v).ok_or_else(|| UnsupportedPlatform(v.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_defaults() {
        for (input, want) in [
            ("instagram", Platform::Instagram),
            (" IG ", Platform::Instagram),
            ("Insta", Platform::Instagram),
            ("TikTok", Platform::Tiktok),
            ("tt", Platform::Tiktok),
            ("tik tok", Platform::Tiktok),
            ("Tik-Tok", Platform::Tiktok),
            ("YouTube", Platform::Youtube),
            ("yt", Platform::Youtube),
            ("you tube", Platform::Youtube),
        ] {
            assert_eq!(normalize(Some(input)), Ok(want), "{input}");
        }
        assert_eq!(normalize(None), Ok(Platform::Instagram));
        assert_eq!(normalize(Some("")), Ok(Platform::Instagram));
        assert_eq!(normalize(Some("  ")), Ok(Platform::Instagram));
    }

    #[test]
    fn unsupported_names_value_and_list() {
        let err = normalize(Some("facebook")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("\"facebook\""), "{msg}");
        assert!(msg.contains("instagram, tiktok, youtube"), "{msg}");
        assert!(normalize(Some("tik  tok")).is_err());
        assert!(normalize(Some("i g")).is_err());
    }

    proptest::proptest! {
        #[test]
        fn normalisation_is_case_and_space_insensitive(p in 0usize..3, upper in proptest::collection::vec(proptest::bool::ANY, 10), pad in "[ \t]{0,3}") {
            let name = Platform::ALL[p].as_str();
            let mixed: String = name.chars().zip(upper.iter().cycle()).map(|(c, u)| if *u { c.to_ascii_uppercase() } else { c }).collect();
            let input = format!("{pad}{mixed}{pad}");
            proptest::prop_assert_eq!(normalize(Some(&input)), Ok(Platform::ALL[p]));
        }

        #[test]
        fn normalize_never_panics_and_is_idempotent(s in "\\PC{0,12}") {
            if let Ok(p) = normalize(Some(&s)) {
                proptest::prop_assert_eq!(normalize(Some(p.as_str())), Ok(p));
            }
        }
    }
}
