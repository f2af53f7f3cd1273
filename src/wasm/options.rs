//! Option objects, read one way: the retry and gate options, a TTL config, and a call's
//! options (`analyticsProgress`, `cacheAgeLabel`, `mergeAnalytics`, `slimNotes`, and
//! `mergeAnalytics`' `fetched`). One guarded read per field (a throwing getter or Proxy trap
//! is an error, never an exception through the module) and one error per failure kind, with
//! the option's name in its message. The code says which value was wrong: `INVALID_OPTION` for
//! a retry or gate option, `INVALID_TTL` for a TTL config's field, `INVALID_ARGUMENT` for a
//! call's option and for options that are no object at all (a TTL config: `INVALID_TTL`).
//! The checks are plain functions, not generics: one copy of the reader in the module.

use super::js::{describe, error, get, invalid, is_record};
use crate::error::Code;
use crate::ttl::InvalidTtl;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Whose options these are: it words the errors and picks their code.
#[derive(Clone, Copy, PartialEq)]
pub enum Family {
    /// A call's options, named as its parameter (`options`, `fetched`): `options.now must be
    /// a …, got …`.
    Call(&'static str),
    /// `Invalid retry option maxRetries: … is not …`.
    Retry,
    /// `Invalid gate option burst: … is not …`.
    Gate,
    /// A TTL config: `Invalid TTL platforms.tiktok: …`.
    Ttl,
}

/// What is wrong with an option.
#[derive(Clone, Copy)]
pub enum Problem<'a> {
    /// Reading it threw (a getter or a Proxy trap).
    Unreadable,
    /// The value, and what it should have been (`a number`).
    Not(&'a JsValue, &'a str),
    /// Anything else, worded whole (`has more than 1000 values`).
    Other(&'a str),
}

/// An options object being read (no options at all reads as every field absent).
pub struct Options {
    obj: JsValue,
    family: Family,
    /// The path to this object inside the options (`platforms.`, `cacheIds.`), for messages.
    path: String,
}

impl Options {
    /// Options that are undefined, null or an object; anything else is refused.
    pub fn of(v: &JsValue, family: Family) -> Result<Options, JsValue> {
        let absent = v.is_undefined() || v.is_null();
        if !(absent || is_record(v)) {
            return Err(match family {
                Family::Ttl => InvalidTtl { field: "config".into(), value: describe(v) }.into(),
                Family::Call(name) => invalid(&format!("{name} must be an object, got {}", describe(v))),
                _ => invalid(&format!("options must be an object, got {}", describe(v))),
            });
        }
        Ok(Options { obj: if absent { JsValue::UNDEFINED } else { v.clone() }, family, path: String::new() })
    }

    /// The option's name as messages give it (`platforms.tiktok`).
    pub fn name(&self, key: &str) -> String {
        format!("{}{key}", self.path)
    }

    /// The error for option `key`.
    pub fn fail(&self, key: &str, problem: Problem<'_>) -> JsValue {
        let name = self.name(key);
        let ttl = self.family == Family::Ttl;
        let text = match problem {
            Problem::Unreadable if ttl => "unreadable".into(),
            Problem::Unreadable => "could not be read".into(),
            Problem::Not(v, _) if ttl => describe(v),
            Problem::Not(v, expected) if matches!(self.family, Family::Call(_)) => format!("must be {expected}, got {}", describe(v)),
            Problem::Not(v, expected) => format!("{} is not {expected}", describe(v)),
            Problem::Other(p) => p.into(),
        };
        match self.family {
            Family::Call(of) => invalid(&format!("{of}.{name} {text}")),
            Family::Ttl => InvalidTtl { field: name, value: text }.into(),
            family => {
                let of = if family == Family::Retry { "retry" } else { "gate" };
                error(Code::InvalidOption, &format!("Invalid {of} option {name}: {text}"))
            }
        }
    }

    /// `obj[key]`: undefined when absent (or there are no options).
    pub fn value(&self, key: &'static str) -> Result<JsValue, JsValue> {
        if self.obj.is_undefined() {
            return Ok(JsValue::UNDEFINED);
        }
        get(&self.obj, key).map_err(|_| self.fail(key, Problem::Unreadable))
    }

    /// The value at `key` when `ok` accepts it; undefined (and, with `null_absent`, null) is
    /// `None`; anything else is an error saying what was `expected`.
    fn checked(&self, key: &'static str, null_absent: bool, expected: &str, ok: fn(&JsValue) -> bool) -> Result<Option<JsValue>, JsValue> {
        let v = self.value(key)?;
        if v.is_undefined() || (null_absent && v.is_null()) {
            Ok(None)
        } else if ok(&v) {
            Ok(Some(v))
        } else {
            Err(self.fail(key, Problem::Not(&v, expected)))
        }
    }

    /// A number (any, NaN included: the core checks its range).
    pub fn number(&self, key: &'static str) -> Result<Option<f64>, JsValue> {
        Ok(self.checked(key, false, "a number", |v| v.as_f64().is_some())?.and_then(|v| v.as_f64()))
    }

    /// A finite number > 0; null is absent.
    pub fn positive(&self, key: &'static str) -> Result<Option<f64>, JsValue> {
        let ok = |v: &JsValue| v.as_f64().is_some_and(|t| t.is_finite() && t > 0.0);
        Ok(self.checked(key, true, "a finite number > 0", ok)?.and_then(|v| v.as_f64()))
    }

    /// `now`: epoch ms, finite; absent (or null) is `Date.now()`.
    pub fn now(&self, key: &'static str) -> Result<f64, JsValue> {
        let ok = |v: &JsValue| v.as_f64().is_some_and(f64::is_finite);
        Ok(self.checked(key, true, "a finite number of epoch milliseconds", ok)?.and_then(|v| v.as_f64()).unwrap_or_else(js_sys::Date::now))
    }

    pub fn bool(&self, key: &'static str) -> Result<Option<bool>, JsValue> {
        Ok(self.checked(key, false, "a boolean", |v| v.as_bool().is_some())?.and_then(|v| v.as_bool()))
    }

    /// A string; null is absent.
    pub fn string(&self, key: &'static str) -> Result<Option<String>, JsValue> {
        Ok(self.checked(key, true, "a string or null", JsValue::is_string)?.and_then(|v| v.as_string()))
    }

    /// A string `known` accepts (`'none' | 'equal' | 'full'`).
    pub fn word(&self, key: &'static str, expected: &str, known: fn(&str) -> bool) -> Result<Option<String>, JsValue> {
        let v = self.value(key)?;
        match v.as_string() {
            _ if v.is_undefined() => Ok(None),
            Some(s) if known(&s) => Ok(Some(s)),
            _ => Err(self.fail(key, Problem::Not(&v, expected))),
        }
    }

    /// An instance of a JS class (`Function`, `AbortSignal`); null is absent.
    pub fn instance<T: JsCast>(&self, key: &'static str, expected: &str) -> Result<Option<T>, JsValue> {
        Ok(self.checked(key, true, expected, |v| v.is_instance_of::<T>())?.map(JsCast::unchecked_into))
    }

    /// The options object at `key` (absent or null: no options), read the same way.
    pub fn object(&self, key: &'static str) -> Result<Options, JsValue> {
        let obj = self.checked(key, true, "an object", is_record)?.unwrap_or(JsValue::UNDEFINED);
        Ok(Options { obj, family: self.family, path: format!("{}{key}.", self.path) })
    }

    /// The object itself (undefined when there is none).
    pub fn js(&self) -> &JsValue {
        &self.obj
    }

    /// Each of `keys` through `read` (`Ok(None)`: not what was `expected`); undefined and null
    /// are `None`.
    pub fn each<T>(
        &self,
        keys: &[&'static str],
        expected: &str,
        read: impl Fn(&str, &JsValue) -> Result<Option<T>, JsValue>,
    ) -> Result<Vec<Option<T>>, JsValue> {
        let mut out = Vec::with_capacity(keys.len());
        for &k in keys {
            let v = self.value(k)?;
            out.push(if v.is_undefined() || v.is_null() { None } else { Some(read(k, &v)?.ok_or_else(|| self.fail(k, Problem::Not(&v, expected)))?) });
        }
        Ok(out)
    }
}
