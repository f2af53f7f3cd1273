//! Exports: `defaultTtlConfig`, `ttlConfigFromEnv`, `resolveTtl`; TtlConfig conversions.

use super::js::{self, describe, error, invalid, is_record, Obj};
use super::options::{Family, Options};
use super::user_id::platform_arg;
use crate::error::Code;
use crate::platform::Platform;

use crate::ttl::{self, EnvValue, InvalidTtl, TtlConfig, TtlParts, TtlSpec, UseCase};
use js_sys::Array;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TTL: &'static str = r#"
/** Where a TTL is used. */
export type UseCase = 'roster' | 'discovery' | 'bulkRefresh';

/** Cache TTLs, all in milliseconds. */
export interface TtlConfig {
  base: number;
  roster: number;
  discovery: number;
  bulkRefresh: number;
  /** Per-platform overrides: when set, they win over every use case for that platform. */
  platforms: Partial<Record<Platform, number>>;
}
"#;

/// A TTL number argument (ms): finite and >= 0.
pub fn ttl_ms(v: &JsValue, field: &str) -> Result<f64, JsValue> {
    match v.as_f64() {
        Some(n) => ttl::check_ms(field, n).map_err(JsValue::from),
        None => Err(JsValue::from(InvalidTtl { field: field.into(), value: describe(v) })),
    }
}

/// Reads a TtlConfig object; a missing (undefined) field takes its default.
pub fn config_from_js(v: &JsValue) -> Result<TtlConfig, JsValue> {
    if !is_record(v) {
        return Err(JsValue::from(InvalidTtl { field: "config".into(), value: describe(v) }));
    }
    let o = Options::of(v, Family::Ttl)?;
    let mut parts = TtlParts::default();
    for (key, slot) in [("base", &mut parts.base), ("roster", &mut parts.roster), ("discovery", &mut parts.discovery), ("bulkRefresh", &mut parts.bulk_refresh)]
    {
        *slot = o.number(key)?.map(|n| ttl::check_ms(key, n)).transpose()?;
    }
    // By `Platform::index`: undefined and null mean no override.
    let platforms = o.object("platforms")?;
    let names = Platform::ALL.map(Platform::as_str);
    let ms = platforms.each(&names, "a number", |key, v| Ok(v.as_f64().map(|n| ttl::check_ms(&platforms.name(key), n)).transpose()?))?;
    parts.platforms = ms.try_into().unwrap_or_default();
    Ok(TtlConfig::from_parts(parts))
}

/// A TtlConfig as a plain object.
pub fn config_to_js(c: &TtlConfig) -> JsValue {
    let mut platforms = Obj::new();
    for p in Platform::ALL {
        if let Some(ms) = c.platforms[p.index()] {
            platforms = platforms.set(p.as_str(), ms);
        }
    }
    Obj::new()
        .set("base", c.base)
        .set("roster", c.roster)
        .set("discovery", c.discovery)
        .set("bulkRefresh", c.bulk_refresh)
        .set("platforms", platforms.build())
        .build()
}

/// A `ttl` option: undefined means the default config; a number applies to every platform.
pub fn ttl_spec(v: &JsValue) -> Result<TtlSpec, JsValue> {
    if v.is_undefined() || v.is_null() {
        Ok(TtlSpec::Config(TtlConfig::default()))
    } else if v.as_f64().is_some() {
        ttl_ms(v, "ttl").map(TtlSpec::Fixed)
    } else {
        config_from_js(v).map(TtlSpec::Config)
    }
}

/// A `useCase` argument: undefined/null means the default (`UseCase::default`, roster).
pub fn use_case_arg(v: &JsValue) -> Result<UseCase, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(UseCase::default());
    }
    v.as_string()
        .as_deref()
        .and_then(UseCase::parse)
        .ok_or_else(|| error(Code::InvalidUseCase, &format!("Unknown useCase {}: expected 'roster', 'discovery' or 'bulkRefresh'", describe(v))))
}

/// The defaults: 12 h base and roster, 1 h discovery, 24 h bulk refresh, no platform overrides (ms).
#[wasm_bindgen(js_name = defaultTtlConfig, unchecked_return_type = "TtlConfig")]
pub fn default_ttl_config() -> JsValue {
    config_to_js(&TtlConfig::default())
}

/// Reads TTLs from `MODASH_CACHE_TTL_HOURS`, `..._ROSTER_HOURS`, `..._DISCOVERY_HOURS`,
/// `..._BULK_HOURS`, `..._INSTAGRAM_HOURS`, `..._TIKTOK_HOURS`, `..._YOUTUBE_HOURS` (hours,
/// decimals allowed, 0 to 8760), each also as `NEXT_PUBLIC_...` (the unprefixed one wins).
/// Invalid values are ignored with a warning. Without an argument reads `process.env` where it
/// exists (in a browser bundle pass the `NEXT_PUBLIC_` values explicitly).
#[wasm_bindgen(js_name = ttlConfigFromEnv, unchecked_return_type = "{ config: TtlConfig; warnings: string[] }")]
pub fn ttl_config_from_env(#[wasm_bindgen(unchecked_optional_param_type = "Record<string, string | undefined>")] env: JsValue) -> Result<JsValue, JsValue> {
    let env = if env.is_undefined() { js::process_env() } else { env };
    if !(env.is_undefined() || env.is_null() || is_record(&env)) {
        return Err(invalid(&format!("env must be an object of strings, got {}", describe(&env))));
    }
    let lookup = |name: &str| -> EnvValue {
        if !is_record(&env) {
            return EnvValue::Unset;
        }
        match js::get_named(&env, name) {
            Err(_) => EnvValue::NotText("(unreadable)".into()),
            Ok(v) if v.is_undefined() || v.is_null() => EnvValue::Unset,
            Ok(v) => match v.as_string() {
                Some(s) if s.is_empty() => EnvValue::Unset,
                Some(s) => EnvValue::Text(s),
                None => EnvValue::NotText(describe(&v)),
            },
        }
    };
    let (config, warnings) = ttl::from_env(lookup);
    let list: Array = warnings.iter().map(|w| JsValue::from_str(w)).collect();
    Ok(Obj::new().set("config", config_to_js(&config)).set("warnings", list).build())
}

/// The TTL in ms for a use case (default `roster`) and platform (default `instagram`): the
/// platform's override when configured, else the use case's. Missing config fields take defaults.
/// @throws ModashFlowError `INVALID_TTL`, `INVALID_USE_CASE`, `UNSUPPORTED_PLATFORM`.
#[wasm_bindgen(js_name = resolveTtl, unchecked_return_type = "number")]
pub fn resolve_ttl(
    #[wasm_bindgen(unchecked_param_type = "TtlConfig")] config: JsValue,
    #[wasm_bindgen(js_name = useCase, unchecked_optional_param_type = "UseCase")] use_case: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] platform: JsValue,
) -> Result<f64, JsValue> {
    let c = config_from_js(&config)?;
    let u = use_case_arg(&use_case)?;
    let p = platform_arg(&platform)?;
    Ok(ttl::resolve(&c, u, p))
}
