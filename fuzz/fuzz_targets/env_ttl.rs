//! TTL env parsing: any values give a valid config (finite, >= 0, at most a year) and warnings.
#![no_main]
use libfuzzer_sys::fuzz_target;
use modash_flow::ttl::{self, EnvValue, TtlConfig, HOUR_MS, MAX_HOURS};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parts: Vec<&str> = text.split('\u{0}').collect();
    let names = ttl::all_var_names();
    let (c, _warnings) = ttl::from_env(|name| {
        let i = names.iter().position(|n| n == name).unwrap_or(0);
        match parts.get(i % parts.len().max(1)) {
            Some(v) if !v.is_empty() => EnvValue::Text(v.to_string()),
            _ => EnvValue::Unset,
        }
    });
    let ok = |ms: f64| ms.is_finite() && ms >= 0.0 && ms <= MAX_HOURS * HOUR_MS;
    let d = TtlConfig::default();
    assert!(ok(c.base) && ok(c.roster) && ok(c.discovery) && ok(c.bulk_refresh), "{c:?}");
    assert!(c.platforms.iter().flatten().all(|&ms| ok(ms)));
    let _ = d;
});
