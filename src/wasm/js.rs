//! Small helpers for JS values: errors with codes, property reads that never throw into
//! wasm, plain result objects.

use crate::error::Code;
use js_sys::{Array, Object, Promise, Reflect};
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The error codes' union, generated from `crate::error::Code`.
#[wasm_bindgen(typescript_custom_section)]
const TS_ERROR_CODES: &'static str = crate::error::TS_ERROR_CODES;

#[wasm_bindgen(inline_js = r#"
const rtfs = new Map();
export function describe(v) {
  try {
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (v === null || typeof v !== 'object') return String(v);
    return Array.isArray(v) ? 'an array' : 'an object';
  } catch (_) { return typeof v; }
}
export function relativeTime(locale, value, unit) {
  try {
    let f = rtfs.get(locale);
    if (f === undefined) {
      f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
      if (rtfs.size > 32) rtfs.clear();
      rtfs.set(locale, f);
    }
    return f.format(value, unit);
  } catch (_) { return undefined; }
}
// Array.isArray throws on a revoked Proxy: these two never throw (a revoked Proxy is neither).
export function isRecord(v) {
  try { return typeof v === 'object' && v !== null && !Array.isArray(v); } catch (_) { return false; }
}
export function isArray(v) {
  try { return Array.isArray(v); } catch (_) { return false; }
}
// A plain copy of an array's values: undefined when a getter or Proxy trap threw, null when
// it claims more than `max` values or a length that is no whole number (a Proxy can).
export function arrayItems(v, max) {
  try {
    const n = v.length;
    if (!(Number.isSafeInteger(n) && n >= 0 && n <= max)) return null;
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = v[i];
    return out;
  } catch (_) { return undefined; }
}
// Object.assign(target, source), false when a getter or Proxy trap of source threw.
export function assignFrom(target, source) {
  try { Object.assign(target, source); return true; } catch (_) { return false; }
}
export function processEnv() {
  try {
    return typeof process !== 'undefined' && process && typeof process.env === 'object' ? process.env : undefined;
  } catch (_) { return undefined; }
}
"#)]
extern "C" {
    /// A short description of any value for error messages; never throws.
    pub fn describe(v: &JsValue) -> String;
    /// `Intl.RelativeTimeFormat(locale, {numeric:'auto'}).format(value, unit)`, or undefined
    /// when Intl is missing or the locale is refused.
    #[wasm_bindgen(js_name = relativeTime)]
    pub fn relative_time(locale: &str, value: f64, unit: &str) -> Option<String>;
    #[wasm_bindgen(js_name = isRecord)]
    fn is_record_js(v: &JsValue) -> bool;
    #[wasm_bindgen(js_name = isArray)]
    fn is_array_js(v: &JsValue) -> bool;
    /// A plain copy of an array's values (reads it once, never throws): undefined when a read
    /// threw, null when it has more than `max` values.
    #[wasm_bindgen(js_name = arrayItems)]
    pub fn array_items(v: &JsValue, max: u32) -> JsValue;
    /// `Object.assign(target, source)`; false (never a throw) when reading `source` threw.
    #[wasm_bindgen(js_name = assignFrom)]
    pub fn assign_from(target: &JsValue, source: &JsValue) -> bool;
    /// `process.env` where it exists.
    #[wasm_bindgen(js_name = processEnv)]
    pub fn process_env() -> JsValue;
}

/// A JS `Error` with `message` and a stable `code` property.
pub fn error(code: Code, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    let _ = Reflect::set(&e, &key("code"), &key(code.as_str()));
    e.into()
}

/// `INVALID_ARGUMENT` error.
pub fn invalid(message: &str) -> JsValue {
    error(Code::InvalidArgument, message)
}

/// True for a non-null object that is not an array (functions are not objects here).
pub fn is_record(v: &JsValue) -> bool {
    is_record_js(v)
}

/// `Array.isArray`, false for a revoked Proxy instead of a throw.
pub fn is_array(v: &JsValue) -> bool {
    is_array_js(v)
}

thread_local! {
    /// Property names as JS strings, made once: the module reads the same few dozen names on
    /// every call, and passing a Rust string to JS costs an encode and an allocation.
    static KEYS: std::cell::RefCell<Vec<(String, JsValue)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The JS string for a property name or fixed word (cached; at most 128 are kept).
pub fn key(name: &str) -> JsValue {
    KEYS.with(|k| {
        let mut keys = k.borrow_mut();
        if let Some((_, v)) = keys.iter().find(|(n, _)| n == name) {
            return v.clone();
        }
        let v = JsValue::from_str(name);
        if keys.len() < 128 {
            keys.push((name.to_string(), v.clone()));
        }
        v
    })
}

/// Reads `obj[key]`; `Err` when a getter or Proxy trap throws. `obj` must be an object.
pub fn get(obj: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    Reflect::get(obj, &key(name))
}

/// Reads `obj[key]` of an optional options object: `undefined` when `obj` is undefined/null.
pub fn option(obj: &JsValue, key: &str, what: &str) -> Result<JsValue, JsValue> {
    if obj.is_undefined() || obj.is_null() {
        Ok(JsValue::UNDEFINED)
    } else if is_record(obj) {
        get(obj, key).map_err(|_| invalid(&format!("{what}.{key} could not be read")))
    } else {
        Err(invalid(&format!("{what} must be an object, got {}", describe(obj))))
    }
}

/// A plain result object under construction.
pub struct Obj(Object);

impl Default for Obj {
    fn default() -> Self {
        Obj::new()
    }
}

impl Obj {
    pub fn new() -> Self {
        Obj(Object::new())
    }
    pub fn set(self, name: &str, value: impl Into<JsValue>) -> Self {
        let _ = Reflect::set(&self.0, &key(name), &value.into());
        self
    }
    pub fn build(self) -> JsValue {
        self.0.into()
    }
}

/// `Some(s)` as a JS string, `None` as null.
pub fn str_or_null(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

/// A fixed string value (an enum name such as `legacy`), made once.
pub fn word(s: &'static str) -> JsValue {
    key(s)
}

/// `Some(n)` as a JS number, `None` as null.
pub fn num_or_null(n: Option<f64>) -> JsValue {
    n.map_or(JsValue::NULL, JsValue::from_f64)
}

/// A `now` argument: undefined/null means `Date.now()`; otherwise a finite number of ms.
pub fn now_arg(v: &JsValue, what: &str) -> Result<f64, JsValue> {
    if v.is_undefined() || v.is_null() {
        return Ok(js_sys::Date::now());
    }
    match v.as_f64() {
        Some(n) if n.is_finite() => Ok(n),
        _ => Err(invalid(&format!("{what} must be a finite number of epoch milliseconds, got {}", describe(v)))),
    }
}

/// Casts to a JS array or fails with a message naming the argument.
pub fn array_arg(v: &JsValue, what: &str) -> Result<Array, JsValue> {
    is_array(v).then(|| v.clone().unchecked_into::<Array>()).ok_or_else(|| invalid(&format!("{what} must be an array, got {}", describe(v))))
}

/// A `Promise` settled by a Rust future. The future is boxed so that every caller shares one
/// copy of the spawning code (one per future type otherwise: about 1 KB of wasm each).
pub fn promise(f: impl Future<Output = Result<JsValue, JsValue>> + 'static) -> Promise {
    let f: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>> = Box::pin(f);
    wasm_bindgen_futures::future_to_promise(f)
}

// The core's errors as JS `Error`s with their code, so that exports can use `?`.
macro_rules! into_js_error {
    ($($error:ty),*) => {$(
        impl From<$error> for JsValue {
            fn from(e: $error) -> JsValue {
                error(e.code(), &e.to_string())
            }
        }
    )*};
}
into_js_error!(crate::platform::UnsupportedPlatform, crate::ttl::InvalidTtl, crate::retry::policy::InvalidOption);
#[cfg(feature = "write-path")]
into_js_error!(crate::write::Unreadable);
