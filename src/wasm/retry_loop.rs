//! The retry loop (wasm only), a small state machine without futures: calls the JS callback,
//! classifies what came back, asks the pure policy what to do, and waits on the event loop's
//! `setTimeout` (gloo-timers' callback `Timeout`). Each wait is one step of `settle`: an
//! AbortSignal ends a call or a wait at once, clearing the timer and the abort listener.

use super::js;
use super::settle::{aborted, after, when_settled, Outcome};
use crate::retry::policy::{self, decide, Decision, Failure, Policy};
use js_sys::Function;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
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

fn http_error(message: &str, status: Option<u16>, response: Option<&JsValue>) -> JsValue {
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

    fn succeeded(data: JsValue, status: Option<u16>, retries: u32) -> Self {
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

    fn into_js(self) -> JsValue {
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

fn report_on_retry(on_retry: &Function, info: &JsValue) {
    if let Err(e) = on_retry.call1(&JsValue::NULL, info) {
        web_sys::console::error_2(&JsValue::from_str("modash-flow: onRetry threw; retrying anyway:"), &e);
    }
}

/// One retry run: what it calls, how it decides, and where it is.
struct Run {
    request: Function,
    policy: Policy,
    signal: Option<AbortSignal>,
    on_retry: Option<Function>,
    retries: Cell<u32>,
    last_status: Cell<Option<u16>>,
    done: RefCell<Option<Done>>,
}

/// Where the result goes, once (boxed: one copy of the loop, whoever waits for it).
pub type Done = Box<dyn FnOnce(JsValue)>;

/// Hands the result over (once).
fn end(run: &Run, result: JsValue) {
    let done = run.done.borrow_mut().take();
    if let Some(done) = done {
        done(result);
    }
}

/// Runs the request with retries and calls `done` once with the result (never an error for a
/// request failure).
pub fn run(request: Function, policy: Policy, signal: Option<AbortSignal>, on_retry: Option<Function>, done: Done) {
    let done = RefCell::new(Some(done));
    attempt(Rc::new(Run { request, policy, signal, on_retry, retries: Cell::new(0), last_status: Cell::new(None), done }));
}

fn end_aborted(run: &Run, reason: JsValue) {
    end(run, Settled { aborted: true, ..Settled::failed(reason, run.last_status.get(), run.retries.get(), None) }.into_js());
}

fn attempt(run: Rc<Run>) {
    if let Some(reason) = aborted(run.signal.as_ref()) {
        return end_aborted(&run, reason);
    }
    let ctx: JsValue = js_sys::Object::new().into();
    js::set(&ctx, "attempt", &(run.retries.get() + 1).into());
    js::set(&ctx, "signal", run.signal.as_ref().map_or(&JsValue::NULL, |s| s.as_ref()));
    // A synchronous throw is a failed attempt; values and thenables are awaited alike.
    match run.request.call1(&JsValue::NULL, &ctx) {
        // A throw because the signal aborted during the call is the caller's cancellation.
        Err(e) => match aborted(run.signal.as_ref()) {
            Some(reason) => end_aborted(&run, reason),
            None => outcome(run, Err(e)),
        },
        Ok(v) => {
            let signal = run.signal.clone();
            when_settled(
                &v,
                signal.as_ref(),
                Box::new(move |o| match o {
                    Outcome::Settled(r) => outcome(run, r),
                    Outcome::Aborted(reason) => end_aborted(&run, reason),
                    Outcome::Elapsed => {}
                }),
            );
        }
    }
}

/// What an attempt came back with: done, or wait and try again.
fn outcome(run: Rc<Run>, outcome: Result<JsValue, JsValue>) {
    let retries = run.retries.get();
    let now = js_sys::Date::now();
    let (failure, response) = match attempt_of(&outcome, now) {
        Attempt::Succeeded(status) => {
            // A throw is never a success (`attempt_of`).
            debug_assert!(outcome.is_ok());
            return end(&run, Settled::succeeded(outcome.unwrap_or_else(|e| e), status, retries).into_js());
        }
        Attempt::Failed { failure, response } => (failure, response),
    };
    let thrown = outcome.err();
    run.last_status.set(failure.status);
    let error = thrown.clone().unwrap_or_else(|| {
        let s = failure.status.map_or(String::from("?"), |s| s.to_string());
        http_error(&format!("Request failed with status {s}"), failure.status, response.as_ref())
    });
    let failed = |e: JsValue, wait_ms| end(&run, Settled::failed(e, failure.status, retries, wait_ms).into_js());
    match decide(&run.policy, &failure, retries, js_sys::Math::random()) {
        Decision::Stop => failed(error, None),
        Decision::RetryAfterTooLong { wait_ms } => failed(error, Some(wait_ms)),
        Decision::Exhausted { wait_ms } => {
            if failure.status != Some(429) {
                return failed(error, None);
            }
            let e = http_error(
                &format!("Rate limit exceeded after {retries} retries (HTTP 429); try again in {} s", (wait_ms / 1000.0).ceil() as u64),
                failure.status,
                response.as_ref(),
            );
            js::set(&e, "cause", &error);
            failed(e, Some(wait_ms))
        }
        Decision::Retry { delay_ms } => {
            if let Some(f) = &run.on_retry {
                let info: JsValue = js_sys::Object::new().into();
                js::set(&info, "attempt", &(retries + 1).into());
                js::set(&info, "maxRetries", &run.policy.max_retries.into());
                js::set(&info, "status", &failure.status.map_or(JsValue::NULL, JsValue::from));
                js::set(&info, "delayMs", &delay_ms.into());
                js::set(&info, "retryAfterMs", &failure.retry_after_ms.map_or(JsValue::NULL, JsValue::from));
                js::set(&info, "error", &error);
                report_on_retry(f, &info);
            }
            let signal = run.signal.clone();
            after(
                delay_ms,
                signal.as_ref(),
                Box::new(move |o| match o {
                    Outcome::Aborted(reason) => end_aborted(&run, reason),
                    _ => {
                        run.retries.set(retries + 1);
                        attempt(run);
                    }
                }),
            );
        }
    }
}
