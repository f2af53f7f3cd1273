//! Small helpers for JS values: errors with codes, property reads that never throw into
//! wasm, plain result objects.

use crate::error::Code;
use js_sys::{Array, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The error codes' union, generated from `crate::error::Code`.
#[wasm_bindgen(typescript_custom_section)]
const TS_ERROR_CODES: &'static str = crate::error::TS_ERROR_CODES;

#[wasm_bindgen(module = "/src/wasm/js/values.js")]
extern "C" {
    /// A short description of any value for error messages; never throws.
    pub fn describe(v: &JsValue) -> String;
    /// `Intl.RelativeTimeFormat(locale, {numeric:'auto'}).format(value, unit)`, or undefined
    /// when Intl is missing or the locale is refused.
    #[wasm_bindgen(js_name = relativeTime)]
    pub fn relative_time(locale: &str, value: f64, unit: &str) -> Option<String>;
    /// True for a non-null object that is not an array (functions are not objects here);
    /// false for a revoked Proxy instead of a throw.
    #[wasm_bindgen(js_name = isRecord)]
    pub fn is_record(v: &JsValue) -> bool;
    /// `Array.isArray`, false for a revoked Proxy instead of a throw.
    #[wasm_bindgen(js_name = isArray)]
    pub fn is_array(v: &JsValue) -> bool;
    /// A plain copy of an array's values (reads it once, never throws): undefined when a read
    /// threw, null when it has more than `max` values.
    #[wasm_bindgen(js_name = arrayItems)]
    pub fn array_items(v: &JsValue, max: u32) -> JsValue;
    /// `Object.assign(target, source)`; false (never a throw) when reading `source` threw.
    #[wasm_bindgen(js_name = assignFrom)]
    pub fn assign_from(target: &JsValue, source: &JsValue) -> bool;
    #[wasm_bindgen(js_name = getOr)]
    fn get_or(obj: &JsValue, key: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = isThrew)]
    fn is_threw(v: &JsValue) -> bool;
    /// A header's value from a `Headers`, anything with `get`, or a plain object of headers
    /// (`name` in lower case); undefined when there is none or a read threw.
    pub fn header(headers: &JsValue, name: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = setProp)]
    fn set_prop(obj: &JsValue, key: &JsValue, value: &JsValue);
    // event_loop/settle.rs
    /// `Promise.resolve(v)`, then `done(fulfilled, value or reason)`: values and thenables alike.
    #[wasm_bindgen(js_name = settleWith)]
    pub fn settle_with(v: &JsValue, done: &JsValue);
    /// `process.env` where it exists.
    #[wasm_bindgen(js_name = processEnv)]
    pub fn process_env() -> JsValue;
}

/// A JS `Error` with `message` and a stable `code` property.
pub fn error(code: Code, message: &str) -> JsValue {
    let e: JsValue = js_sys::Error::new(message).into();
    set(&e, "code", &key(code.as_str()));
    e
}

/// `INVALID_ARGUMENT` error.
pub fn invalid(message: &str) -> JsValue {
    error(Code::InvalidArgument, message)
}

thread_local! {
    /// Property names as JS strings, made once: the module reads the same few dozen names on
    /// every call, and passing a Rust string to JS costs an encode and an allocation.
    static KEYS: std::cell::RefCell<Vec<(&'static str, JsValue)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The JS string for a property name or a fixed word such as `legacy` (cached; at most 128 are
/// kept). Names are almost always string literals: found by address before any text is compared.
pub fn key(name: &'static str) -> JsValue {
    KEYS.with(|k| {
        let mut keys = k.borrow_mut();
        let found = keys.iter().position(|(n, _)| n.as_ptr() == name.as_ptr() && n.len() == name.len()).or_else(|| keys.iter().position(|(n, _)| *n == name));
        if let Some(i) = found {
            return keys[i].1.clone();
        }
        let v = JsValue::from_str(name);
        if keys.len() < 128 {
            keys.push((name, v.clone()));
        }
        v
    })
}

/// Reads `obj[key]`; `Err` when a getter or Proxy trap throws. `obj` must be an object.
pub fn get(obj: &JsValue, name: &'static str) -> Result<JsValue, JsValue> {
    read(obj, &key(name))
}

/// `obj[key]`, `Err` when the read threw.
fn read(obj: &JsValue, key: &JsValue) -> Result<JsValue, JsValue> {
    let v = get_or(obj, key);
    if v.is_symbol() && is_threw(&v) {
        Err(JsValue::UNDEFINED)
    } else {
        Ok(v)
    }
}

/// Reads `obj[name]` for a name made at run time (an environment variable's): not cached;
/// `Err` when a getter or Proxy trap throws. `obj` must be an object.
pub fn get_named(obj: &JsValue, name: &str) -> Result<JsValue, JsValue> {
    read(obj, &JsValue::from_str(name))
}

/// Sets `obj[name]` (a setter that throws is ignored: never a throw through wasm).
pub fn set(obj: &JsValue, name: &'static str, value: &JsValue) {
    set_prop(obj, &key(name), value);
}

/// A plain result object under construction.
#[derive(Default)]
pub struct Obj(Object);

impl Obj {
    pub fn new() -> Self {
        Obj(Object::new())
    }
    pub fn set(self, name: &'static str, value: impl Into<JsValue>) -> Self {
        set(&self.0, name, &value.into());
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

/// `NOT_A_REPORT`: `Not a Modash report: <why>`.
#[cfg(feature = "write-path")]
impl From<crate::report::NotAReport> for JsValue {
    fn from(e: crate::report::NotAReport) -> JsValue {
        error(e.code(), &format!("Not a Modash report: {e}"))
    }
}
