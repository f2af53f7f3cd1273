//! What a request's attempt came back with, in the core's terms, and what the retry loop hands
//! back (`RetryResult`): a `Response`-like value or a throw becomes success or a `Failure`
//! (`attempt_of`: the one place, which the gate pauses on too), and every `RetryResult`,
//! attempt context and `onRetry` info is built here (`Settled`). The loop itself is
//! `crate::event_loop::retry`.

use super::js;
use crate::retry::policy::{self, Failure, Policy};
use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

/// Reads `v[key]`, or undefined when `v` is not an object or the read throws.
pub(crate) fn safe_get(v: &JsValue, key: &'static str) -> JsValue {
    if v.is_object() || v.is_function() {
        js::get(v, key).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

/// The parts of a `Response`-like value: anything with a boolean `ok`, a numeric `status`
/// and `headers.get`.
pub(crate) struct ResponseLike {
    pub ok: bool,
    pub status: Option<u16>,
    pub headers: JsValue,
}

pub(crate) fn as_response(v: &JsValue) -> Option<ResponseLike> {
    let ok = safe_get(v, "ok").as_bool()?;
    let status = safe_get(v, "status").as_f64()?;
    let headers = safe_get(v, "headers");
    if !safe_get(&headers, "get").is_function() {
        return None;
    }
    Some(ResponseLike { ok, status: policy::status_from_number(status), headers })
}

/// `Retry-After` from a `Headers` (or anything with `get`) or a plain object of headers.
pub(crate) fn header_retry_after(headers: &JsValue, now: f64) -> Option<f64> {
    retry_after_value(&js::header(headers, &js::key("retry-after")), now)
}

pub(crate) fn retry_after_value(v: &JsValue, now: f64) -> Option<f64> {
    if let Some(s) = v.as_string() {
        policy::parse_retry_after(&s, now)
    } else {
        v.as_f64().and_then(policy::retry_after_seconds)
    }
}

/// Classifies a thrown value or rejection.
pub(crate) fn failure_from_error(e: &JsValue, now: f64) -> Failure {
    let response = safe_get(e, "response");
    let status = safe_get(e, "status")
        .as_f64()
        .and_then(policy::status_from_number)
        .or_else(|| safe_get(&response, "status").as_f64().and_then(policy::status_from_number))
        .or_else(|| safe_get(e, "message").as_string().and_then(|m| policy::status_from_message(&m)));
    let retry_after_ms = retry_after_value(&safe_get(e, "retryAfter"), now).or_else(|| header_retry_after(&safe_get(&response, "headers"), now));
    Failure { status, network: status.is_none() && e.is_instance_of::<js_sys::TypeError>(), retry_after_ms }
}

/// The error of a not-ok `Response`: `Request failed with status N`, with `status` and `response`.
pub(crate) fn http_error(status: Option<u16>, response: Option<&JsValue>) -> JsValue {
    let s = status.map_or(String::from("?"), |s| s.to_string());
    error_with(&format!("Request failed with status {s}"), status, response)
}

/// The error when 429s outlast the retries: it says how long to wait; `cause` is the last one.
pub(crate) fn rate_limited(retries: u32, wait_ms: f64, cause: JsValue, response: Option<&JsValue>) -> JsValue {
    let message = format!("Rate limit exceeded after {retries} retries (HTTP 429); try again in {} s", (wait_ms / 1000.0).ceil() as u64);
    let e = error_with(&message, Some(429), response);
    js::set(&e, "cause", &cause);
    e
}

fn error_with(message: &str, status: Option<u16>, response: Option<&JsValue>) -> JsValue {
    let e: JsValue = js_sys::Error::new(message).into();
    js::set(&e, "status", &status.map_or(JsValue::NULL, JsValue::from));
    if let Some(r) = response {
        js::set(&e, "response", r);
    }
    e
}

/// What `retryRequest` resolves with (`RetryResult`): the one builder of it, the gate's
/// results included (they add their fields to [`Settled::obj`]).
pub(crate) struct Settled {
    pub success: bool,
    pub data: Option<JsValue>,
    pub error: Option<JsValue>,
    pub status: Option<u16>,
    pub retries: u32,
    pub wait_ms: Option<f64>,
    pub aborted: bool,
}

impl Settled {
    pub fn failed(error: JsValue, status: Option<u16>, retries: u32, wait_ms: Option<f64>) -> Self {
        Settled { success: false, data: None, error: Some(error), status, retries, wait_ms, aborted: false }
    }

    pub fn succeeded(data: JsValue, status: Option<u16>, retries: u32) -> Self {
        Settled { success: true, data: Some(data), error: None, status, retries, wait_ms: None, aborted: false }
    }

    /// The result object, open for more fields.
    pub fn obj(self) -> js::Obj {
        let mut o = js::Obj::new().set("success", self.success);
        if let Some(d) = self.data {
            o = o.set("data", d);
        }
        if let Some(e) = self.error {
            o = o.set("error", e);
        }
        o.set("status", self.status.map_or(JsValue::NULL, JsValue::from))
            .set("retriesUsed", self.retries)
            .set("waitTimeMs", js::num_or_null(self.wait_ms))
            .set("aborted", self.aborted)
    }

    pub fn into_js(self) -> JsValue {
        self.obj().build()
    }
}

/// What an attempt came back with, as the retry policy sees it.
pub(crate) enum Attempt {
    /// A value that is no `Response`, or an ok one (its status).
    Succeeded(Option<u16>),
    /// A not-ok `Response` (`response` is it) or a throw / rejection (`response` is the
    /// error's `response`, when it has one).
    Failed { failure: Failure, response: Option<JsValue> },
}

/// Turns what an attempt returned or threw into success or a [`Failure`]: the one place that
/// does it (the retry loop decides on it, the gate pauses on it).
pub(crate) fn attempt_of(outcome: &Result<JsValue, JsValue>, now: f64) -> Attempt {
    match outcome {
        Ok(v) => match as_response(v) {
            Some(r) if !r.ok => Attempt::Failed {
                failure: Failure { status: r.status, network: false, retry_after_ms: header_retry_after(&r.headers, now) },
                response: Some(v.clone()),
            },
            r => Attempt::Succeeded(r.and_then(|r| r.status)),
        },
        Err(e) => Attempt::Failed { failure: failure_from_error(e, now), response: Some(safe_get(e, "response")).filter(|r| r.is_object()) },
    }
}

/// Calls `onRetry`; what it throws is logged, never a reason to stop.
pub(crate) fn report_on_retry(on_retry: &Function, info: &JsValue) {
    if let Err(e) = on_retry.call1(&JsValue::NULL, info) {
        web_sys::console::error_2(&JsValue::from_str("modash-flow: onRetry threw; retrying anyway:"), &e);
    }
}

/// What the request callback receives (`RetryContext`).
pub(crate) fn context(attempt: u32, signal: Option<&AbortSignal>) -> JsValue {
    js::Obj::new().set("attempt", attempt).set("signal", signal.map_or(JsValue::NULL, |s| s.clone().into())).build()
}

/// The signal of a `RetryContext` (the gate's attempts pass it on).
pub(crate) fn context_signal(ctx: &JsValue) -> Option<AbortSignal> {
    safe_get(ctx, "signal").dyn_into::<AbortSignal>().ok()
}

/// What `onRetry` receives (`RetryInfo`) before retry number `attempt`.
pub(crate) fn retry_info(attempt: u32, policy: &Policy, failure: &Failure, delay_ms: f64, error: &JsValue) -> JsValue {
    js::Obj::new()
        .set("attempt", attempt)
        .set("maxRetries", policy.max_retries)
        .set("status", failure.status.map_or(JsValue::NULL, JsValue::from))
        .set("delayMs", delay_ms)
        .set("retryAfterMs", js::num_or_null(failure.retry_after_ms))
        .set("error", error.clone())
        .build()
}
