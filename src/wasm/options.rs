//! Option objects, read one way: the retry and gate options, a TTL config, and a call's
//! options (`analyticsProgress`, `cacheAgeLabel`, `mergeAnalytics`, `slimNotes`, and
//! `mergeAnalytics`' `fetched`). One guarded read per field (a throwing getter or Proxy trap
//! is an error, never an exception through the module) and one error per failure kind, with
//! the option's name in its message. The code says which value was wrong: `INVALID_OPTION` for
//! a retry or gate option, `INVALID_TTL` for a TTL config's field, `INVALID_ARGUMENT` for a
//! call's option and for options that are no object at all (a TTL config: `INVALID_TTL`).

use super::js::{describe, error, get, get_named, invalid, is_record};
use crate::error::Code;
use crate::ttl::InvalidTtl;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Whose options these are: it words the errors and picks their code.
#[derive(Clone, Copy)]
pub enum Family {
    /// A call's options object, named as its parameter (`options`, `fetched`):
    /// `options.now must be …, got …`.
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

    /// The error for option `key`: unreadable, not what was `expected`, or another `problem`.
    pub fn fail(&self, key: &str, problem: Problem<'_>) -> JsValue {
        let name = self.name(key);
        let gate_or_retry = |of: &str| {
            let problem = match problem {
                Problem::Unreadable => "could not be read".to_string(),
                Problem::Not(v, expected) => format!("{} is not {expected}", describe(v)),
                Problem::Other(p) => p.to_string(),
            };
            error(Code::InvalidOption, &format!("Invalid {of} option {name}: {problem}"))
        };
        match (self.family, problem) {
            (Family::Call(of), Problem::Unreadable) => invalid(&format!("{of}.{name} could not be read")),
            (Family::Call(of), Problem::Not(v, expected)) => invalid(&format!("{of}.{name} must be {expected}, got {}", describe(v))),
            (Family::Call(of), Problem::Other(p)) => invalid(&format!("{of}.{name} {p}")),
            (Family::Ttl, p) => {
                let value = match p {
                    Problem::Unreadable => "unreadable".into(),
                    Problem::Not(v, _) => describe(v),
                    Problem::Other(p) => p.into(),
                };
                InvalidTtl { field: name, value }.into()
            }
            (Family::Retry, _) => gate_or_retry("retry"),
            (Family::Gate, _) => gate_or_retry("gate"),
        }
    }

    /// `obj[key]`: undefined when absent (or there are no options).
    pub fn value(&self, key: &'static str) -> Result<JsValue, JsValue> {
        if self.obj.is_undefined() {
            return Ok(JsValue::UNDEFINED);
        }
        get(&self.obj, key).map_err(|_| self.fail(key, Problem::Unreadable))
    }

    /// `obj[key]` for a key made at run time (a platform's name).
    fn value_named(&self, key: &str) -> Result<JsValue, JsValue> {
        if self.obj.is_undefined() {
            return Ok(JsValue::UNDEFINED);
        }
        get_named(&self.obj, key).map_err(|_| self.fail(key, Problem::Unreadable))
    }

    /// A value `read` accepts; undefined (and, with `null_absent`, null) is `None`.
    fn typed<T>(&self, key: &'static str, null_absent: bool, expected: &str, read: impl FnOnce(&JsValue) -> Option<T>) -> Result<Option<T>, JsValue> {
        let v = self.value(key)?;
        if v.is_undefined() || (null_absent && v.is_null()) {
            return Ok(None);
        }
        read(&v).map(Some).ok_or_else(|| self.fail(key, Problem::Not(&v, expected)))
    }

    /// A number (any, NaN included: the core checks its range).
    pub fn number(&self, key: &'static str) -> Result<Option<f64>, JsValue> {
        self.typed(key, false, "a number", JsValue::as_f64)
    }

    /// A finite number > 0; null is absent.
    pub fn positive(&self, key: &'static str) -> Result<Option<f64>, JsValue> {
        self.typed(key, true, "a finite number > 0", |v| v.as_f64().filter(|t| t.is_finite() && *t > 0.0))
    }

    pub fn bool(&self, key: &'static str) -> Result<Option<bool>, JsValue> {
        self.typed(key, false, "a boolean", JsValue::as_bool)
    }

    /// A string; null is absent.
    pub fn string(&self, key: &'static str) -> Result<Option<String>, JsValue> {
        self.typed(key, true, "a string or null", JsValue::as_string)
    }

    /// One of the `words` (`'none' | 'equal' | 'full'`), as `parse` reads it.
    pub fn word<T>(&self, key: &'static str, expected: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<Option<T>, JsValue> {
        self.typed(key, false, expected, |v| v.as_string().as_deref().and_then(parse))
    }

    /// An instance of a JS class (`Function`, `AbortSignal`); null is absent.
    pub fn instance<T: JsCast>(&self, key: &'static str, expected: &str) -> Result<Option<T>, JsValue> {
        self.typed(key, true, expected, |v| v.clone().dyn_into::<T>().ok())
    }

    /// `now`: epoch ms, finite; absent (or null) is `Date.now()`.
    pub fn now(&self, key: &'static str) -> Result<f64, JsValue> {
        let now = self.typed(key, true, "a finite number of epoch milliseconds", |v| v.as_f64().filter(|n| n.is_finite()))?;
        Ok(now.unwrap_or_else(js_sys::Date::now))
    }

    /// The options object at `key` (absent or null: no options), read the same way.
    pub fn object(&self, key: &'static str) -> Result<Options, JsValue> {
        let v = self.typed(key, true, "an object", |v| is_record(v).then(|| v.clone()))?;
        Ok(Options { obj: v.unwrap_or(JsValue::UNDEFINED), family: self.family, path: format!("{}{key}.", self.path) })
    }

    /// The object itself (undefined when there is none).
    pub fn js(&self) -> &JsValue {
        &self.obj
    }

    /// Each of `keys` (made at run time) through `read`; undefined and null are `None`.
    pub fn each<T>(&self, keys: &[&str], expected: &str, read: impl Fn(&str, &JsValue) -> Result<Option<T>, JsValue>) -> Result<Vec<Option<T>>, JsValue> {
        keys.iter()
            .map(|k| {
                let v = self.value_named(k)?;
                if v.is_undefined() || v.is_null() {
                    return Ok(None);
                }
                read(k, &v)?.map(Some).ok_or_else(|| self.fail(k, Problem::Not(&v, expected)))
            })
            .collect()
    }
}
