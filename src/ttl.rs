//! Cache TTLs: the configuration, reading it from environment variables, and the one function
//! that picks the TTL for a use case and platform (badge and panel both call it).

use crate::platform::Platform;
use std::fmt;

/// One hour in milliseconds.
pub const HOUR_MS: f64 = 3_600_000.0;
/// The largest TTL an env variable may set: one year, in hours.
pub const MAX_HOURS: f64 = 8760.0;

/// TTLs in milliseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct TtlConfig {
    pub base: f64,
    pub roster: f64,
    pub discovery: f64,
    pub bulk_refresh: f64,
    /// Per-platform overrides, indexed by [`Platform::index`].
    pub platforms: [Option<f64>; 3],
}

impl Default for TtlConfig {
    /// 12 h base and roster, 1 h discovery, 24 h bulk refresh, no platform overrides.
    fn default() -> Self {
        TtlConfig { base: 12.0 * HOUR_MS, roster: 12.0 * HOUR_MS, discovery: HOUR_MS, bulk_refresh: 24.0 * HOUR_MS, platforms: [None; 3] }
    }
}

/// A config as given, field by field (ms); `None` takes the default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TtlParts {
    pub base: Option<f64>,
    pub roster: Option<f64>,
    pub discovery: Option<f64>,
    pub bulk_refresh: Option<f64>,
    pub platforms: [Option<f64>; 3],
}

impl TtlConfig {
    /// Fills what is not given from the defaults; `roster` follows `base` when not given.
    pub fn from_parts(p: TtlParts) -> TtlConfig {
        let d = TtlConfig::default();
        let base = p.base.unwrap_or(d.base);
        TtlConfig {
            base,
            roster: p.roster.unwrap_or(base),
            discovery: p.discovery.unwrap_or(d.discovery),
            bulk_refresh: p.bulk_refresh.unwrap_or(d.bulk_refresh),
            platforms: p.platforms,
        }
    }
}

/// Where a TTL is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum UseCase {
    #[default]
    Roster,
    Discovery,
    BulkRefresh,
}

impl UseCase {
    /// Parses `roster`, `discovery` or `bulkRefresh` (exact).
    pub fn parse(s: &str) -> Option<UseCase> {
        match s {
            "roster" => Some(UseCase::Roster),
            "discovery" => Some(UseCase::Discovery),
            "bulkRefresh" => Some(UseCase::BulkRefresh),
            _ => None,
        }
    }
}

/// A TTL that is not a finite non-negative number of milliseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct InvalidTtl {
    pub field: String,
    pub value: String,
}

impl InvalidTtl {
    pub fn code(&self) -> crate::error::Code {
        crate::error::Code::InvalidTtl
    }
}

impl fmt::Display for InvalidTtl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Invalid TTL {}: {} (expected a finite number of milliseconds >= 0)", self.field, self.value)
    }
}

/// Checks one TTL in milliseconds.
pub fn check_ms(field: &str, ms: f64) -> Result<f64, InvalidTtl> {
    if ms.is_finite() && ms >= 0.0 {
        Ok(ms + 0.0) // turns -0 into 0
    } else {
        Err(InvalidTtl { field: field.to_string(), value: crate::num::fmt_num(ms) })
    }
}

/// The TTL in milliseconds for a use case and platform: the platform's override when one is
/// configured, else the use case's TTL.
pub fn resolve(config: &TtlConfig, use_case: UseCase, platform: Platform) -> f64 {
    config.platforms[platform.index()].unwrap_or(match use_case {
        UseCase::Roster => config.roster,
        UseCase::Discovery => config.discovery,
        UseCase::BulkRefresh => config.bulk_refresh,
    })
}

/// An environment variable as seen.
#[derive(Clone, Debug, PartialEq)]
pub enum EnvValue {
    /// Unset, `undefined`, or an empty string.
    Unset,
    Text(String),
    /// Set to something that is not a string (only possible from JS): shown as given.
    NotText(String),
}

/// The variable names, without the `NEXT_PUBLIC_` prefix.
pub const VAR_BASE: &str = "MODASH_CACHE_TTL_HOURS";
pub const VAR_ROSTER: &str = "MODASH_CACHE_TTL_ROSTER_HOURS";
pub const VAR_DISCOVERY: &str = "MODASH_CACHE_TTL_DISCOVERY_HOURS";
pub const VAR_BULK: &str = "MODASH_CACHE_TTL_BULK_HOURS";
pub const VAR_PLATFORMS: [&str; 3] = ["MODASH_CACHE_TTL_INSTAGRAM_HOURS", "MODASH_CACHE_TTL_TIKTOK_HOURS", "MODASH_CACHE_TTL_YOUTUBE_HOURS"];
/// The prefix Next.js requires for variables that reach the browser bundle.
pub const PUBLIC_PREFIX: &str = "NEXT_PUBLIC_";

/// Every name `from_env` reads (both spellings), for callers that must list them statically.
pub fn all_var_names() -> Vec<String> {
    let mut v = Vec::new();
    for name in [VAR_BASE, VAR_ROSTER, VAR_DISCOVERY, VAR_BULK].iter().chain(VAR_PLATFORMS.iter()) {
        v.push(name.to_string());
        v.push(format!("{PUBLIC_PREFIX}{name}"));
    }
    v
}

/// Parses a number of hours: a decimal number (as Rust parses it: `1.5`, `0`, `2e1`), finite,
/// 0 to 8760. Words such as `inf` or `NaN` are refused.
pub fn parse_hours(text: &str) -> Option<f64> {
    let h = crate::decimal::parse(text.trim())?;
    (h.is_finite() && (0.0..=MAX_HOURS).contains(&h)).then_some(h + 0.0)
}

fn hours_to_ms(h: f64) -> f64 {
    (h * HOUR_MS).round()
}

fn fmt_hours(ms: f64) -> String {
    format!("{} h", crate::num::fmt_num(ms / HOUR_MS))
}

/// Reads one variable (both spellings); returns hours or `None`, pushing warnings.
fn read_var(get: &impl Fn(&str) -> EnvValue, name: &str, default_desc: &str, warnings: &mut Vec<String>) -> Option<f64> {
    let public = format!("{PUBLIC_PREFIX}{name}");
    let plain_v = get(name);
    let public_v = get(&public);
    let (used_name, used) = match (&plain_v, &public_v) {
        (EnvValue::Unset, EnvValue::Unset) => return None,
        (EnvValue::Unset, v) => (public.as_str(), v.clone()),
        (v, EnvValue::Unset) => (name, v.clone()),
        (a, b) => {
            if a != b {
                warnings.push(format!("{name}={} and {public}={} differ; using {name}", show(a), show(b)));
            }
            (name, a.clone())
        }
    };
    let parsed = match &used {
        EnvValue::Text(t) => parse_hours(t),
        _ => None,
    };
    if parsed.is_none() {
        warnings.push(format!("{used_name}={} is not a valid number of hours (0 to {}); using {default_desc}", show(&used), crate::num::fmt_num(MAX_HOURS)));
    }
    parsed
}

fn show(v: &EnvValue) -> String {
    match v {
        EnvValue::Unset => "(unset)".into(),
        EnvValue::Text(t) => crate::num::quote(t),
        EnvValue::NotText(d) => d.clone(),
    }
}

/// Builds a config from environment variables (hours), with warnings for every value ignored.
pub fn from_env(get: impl Fn(&str) -> EnvValue) -> (TtlConfig, Vec<String>) {
    let d = TtlConfig::default();
    let mut w = Vec::new();
    let base = read_var(&get, VAR_BASE, &format!("the default {}", fmt_hours(d.base)), &mut w).map(hours_to_ms);
    let base_desc = format!("the base TTL {}", fmt_hours(base.unwrap_or(d.base)));
    let mut parts = TtlParts {
        base,
        roster: read_var(&get, VAR_ROSTER, &base_desc, &mut w).map(hours_to_ms),
        discovery: read_var(&get, VAR_DISCOVERY, &format!("the default {}", fmt_hours(d.discovery)), &mut w).map(hours_to_ms),
        bulk_refresh: read_var(&get, VAR_BULK, &format!("the default {}", fmt_hours(d.bulk_refresh)), &mut w).map(hours_to_ms),
        platforms: [None; 3],
    };
    for (i, name) in VAR_PLATFORMS.iter().enumerate() {
        parts.platforms[i] = read_var(&get, name, "no override (the use case's TTL)", &mut w).map(hours_to_ms);
    }
    (TtlConfig::from_parts(parts), w)
}

/// Which TTL applies: one number for every platform, or a config resolved per platform.
#[derive(Clone, Debug, PartialEq)]
pub enum TtlSpec {
    Fixed(f64),
    Config(TtlConfig),
}

impl TtlSpec {
    /// The TTL in ms for one platform.
    pub fn for_platform(&self, use_case: UseCase, p: Platform) -> f64 {
        match self {
            TtlSpec::Fixed(ms) => *ms,
            TtlSpec::Config(c) => resolve(c, use_case, p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> EnvValue {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| match m.get(k) {
            Some(v) if !v.is_empty() => EnvValue::Text(v.clone()),
            _ => EnvValue::Unset,
        }
    }

    #[test]
    fn defaults() {
        let (c, w) = from_env(env(&[]));
        assert_eq!(c, TtlConfig::default());
        assert!(w.is_empty());
        assert_eq!(resolve(&c, UseCase::Roster, Platform::Tiktok), 12.0 * HOUR_MS);
        assert_eq!(resolve(&c, UseCase::Discovery, Platform::Tiktok), HOUR_MS);
        assert_eq!(resolve(&c, UseCase::BulkRefresh, Platform::Tiktok), 24.0 * HOUR_MS);
    }

    #[test]
    fn values_decimals_zero_and_roster_following_base() {
        let (c, w) =
            from_env(env(&[("MODASH_CACHE_TTL_HOURS", "6"), ("MODASH_CACHE_TTL_DISCOVERY_HOURS", "1.5"), ("NEXT_PUBLIC_MODASH_CACHE_TTL_TIKTOK_HOURS", "0")]));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.base, 6.0 * HOUR_MS);
        assert_eq!(c.roster, 6.0 * HOUR_MS);
        assert_eq!(c.discovery, 90.0 * 60_000.0);
        assert_eq!(c.platforms, [None, Some(0.0), None]);
        // A platform override wins over every use case.
        assert_eq!(resolve(&c, UseCase::BulkRefresh, Platform::Tiktok), 0.0);
        assert_eq!(resolve(&c, UseCase::BulkRefresh, Platform::Youtube), 24.0 * HOUR_MS);
    }

    #[test]
    fn invalid_values_warn_with_name_value_and_default() {
        for bad in ["abc", "-1", "NaN", "Infinity", "inf", "8761", "1e400", "0x10"] {
            let (c, w) = from_env(env(&[("MODASH_CACHE_TTL_BULK_HOURS", bad)]));
            assert_eq!(c.bulk_refresh, 24.0 * HOUR_MS, "{bad}");
            assert_eq!(w.len(), 1, "{bad}");
            assert!(w[0].contains("MODASH_CACHE_TTL_BULK_HOURS") && w[0].contains(bad) && w[0].contains("24 h"), "{}", w[0]);
        }
        let (c, w) = from_env(env(&[("MODASH_CACHE_TTL_HOURS", "2"), ("MODASH_CACHE_TTL_ROSTER_HOURS", "x")]));
        assert_eq!(c.roster, 2.0 * HOUR_MS);
        assert!(w[0].contains("base TTL 2 h"), "{}", w[0]);
    }

    /// The bounds of a TTL in ms and of an hours value, and -0 read as 0 (mutation testing
    /// found these unasserted).
    #[test]
    fn ttl_bounds_and_negative_zero() {
        assert_eq!(check_ms("base", 5.0), Ok(5.0));
        assert_eq!(check_ms("base", 0.0), Ok(0.0));
        assert!(check_ms("base", -0.0).unwrap().is_sign_positive(), "-0 is 0");
        for bad in [-1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = check_ms("roster", bad).unwrap_err();
            assert_eq!(e.field, "roster");
        }
        assert_eq!(check_ms("roster", -1.0).unwrap_err().to_string(), "Invalid TTL roster: -1 (expected a finite number of milliseconds >= 0)");
        assert!(parse_hours("-0").unwrap().is_sign_positive(), "-0 hours is 0");
        assert_eq!(parse_hours("8760"), Some(8760.0));
        assert_eq!(parse_hours("8760.5"), None);
        assert_eq!(parse_hours(" 2 "), Some(2.0));
    }

    /// The names the JS options and the environment reader use.
    #[test]
    fn use_case_names_and_env_names() {
        assert_eq!(UseCase::parse("roster"), Some(UseCase::Roster));
        assert_eq!(UseCase::parse("discovery"), Some(UseCase::Discovery));
        assert_eq!(UseCase::parse("bulkRefresh"), Some(UseCase::BulkRefresh));
        assert_eq!(UseCase::parse("Roster"), None);
        assert_eq!(UseCase::parse(""), None);
        let names = all_var_names();
        assert_eq!(names.len(), 14);
        assert!(names.contains(&"MODASH_CACHE_TTL_HOURS".to_string()));
        assert!(names.contains(&"NEXT_PUBLIC_MODASH_CACHE_TTL_YOUTUBE_HOURS".to_string()));
    }

    #[test]
    fn unprefixed_wins_with_a_warning() {
        let (c, w) = from_env(env(&[("MODASH_CACHE_TTL_HOURS", "3"), ("NEXT_PUBLIC_MODASH_CACHE_TTL_HOURS", "4")]));
        assert_eq!(c.base, 3.0 * HOUR_MS);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("differ") && w[0].contains("using MODASH_CACHE_TTL_HOURS"));
        let (_, w) = from_env(env(&[("MODASH_CACHE_TTL_HOURS", "3"), ("NEXT_PUBLIC_MODASH_CACHE_TTL_HOURS", "3")]));
        assert!(w.is_empty());
    }

    proptest! {
        #[test]
        fn hours_in_range_parse_exactly(h in 0.0f64..=8760.0) {
            let text = format!("{h}");
            prop_assert_eq!(parse_hours(&text), Some(h));
        }

        #[test]
        fn parse_hours_never_panics_and_stays_in_range(s in "\\PC{0,10}") {
            if let Some(h) = parse_hours(&s) {
                prop_assert!(h.is_finite() && (0.0..=MAX_HOURS).contains(&h));
            }
        }
    }
}
