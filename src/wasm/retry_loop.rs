//! The retry loop (wasm only): calls the JS callback, classifies what came back, asks the
//! pure policy what to do, and waits on the event loop's `setTimeout` (gloo-timers). An
//! AbortSignal ends a call or a wait at once; the pending timer is cleared when the wait is
//! dropped, and the abort listener is removed when its waiter is dropped.

use crate::retry::policy::{self, decide, Decision, Failure, Policy};
use js_sys::{Function, Promise, Reflect};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

/// Reads `v[key]`, or undefined when `v` is not an object or the read throws.
pub(crate) fn safe_get(v: &JsValue, key: &str) -> JsValue {
    if v.is_object() || v.is_function() {
        Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn set(obj: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// Resolves once the signal has aborted; removes its listener when dropped.
pub(crate) struct AbortWait {
    signal: AbortSignal,
    waker: Rc<RefCell<Option<Waker>>>,
    listener: Closure<dyn FnMut()>,
}

impl AbortWait {
    pub(crate) fn new(signal: &AbortSignal) -> Self {
        let waker: Rc<RefCell<Option<Waker>>> = Rc::default();
        let w = waker.clone();
        let listener = Closure::<dyn FnMut()>::new(move || {
            if let Some(w) = w.borrow_mut().take() {
                w.wake();
            }
        });
        let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        AbortWait { signal: signal.clone(), waker, listener }
    }
}

impl Future for AbortWait {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.signal.aborted() {
            Poll::Ready(())
        } else {
            *self.waker.borrow_mut() = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

impl Drop for AbortWait {
    fn drop(&mut self) {
        let _ = self.signal.remove_event_listener_with_callback("abort", self.listener.as_ref().unchecked_ref());
    }
}

/// Runs `fut` unless the signal aborts first (`Err(signal)`); dropping the loser cancels it.
pub(crate) async fn unless_aborted<F: Future + Unpin>(fut: F, signal: Option<&AbortSignal>) -> Result<F::Output, &AbortSignal> {
    struct Race<'s, F> {
        fut: F,
        abort: Option<(AbortWait, &'s AbortSignal)>,
    }
    impl<'s, F: Future + Unpin> Future for Race<'s, F> {
        type Output = Result<F::Output, &'s AbortSignal>;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            if let Some((wait, signal)) = self.abort.as_mut() {
                if Pin::new(wait).poll(cx).is_ready() {
                    return Poll::Ready(Err(*signal));
                }
            }
            Pin::new(&mut self.fut).poll(cx).map(Ok)
        }
    }
    Race { fut, abort: signal.map(|s| (AbortWait::new(s), s)) }.await
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
    let get = safe_get(headers, "get");
    let value = if let Some(get) = get.dyn_ref::<Function>() {
        get.call1(headers, &JsValue::from_str("retry-after")).ok()?
    } else if headers.is_object() {
        let keys = Reflect::own_keys(headers).ok()?;
        let key = keys.iter().find(|k| k.as_string().is_some_and(|k| k.eq_ignore_ascii_case("retry-after")))?;
        Reflect::get(headers, &key).ok()?
    } else {
        return None;
    };
    retry_after_value(&value, now)
}

fn retry_after_value(v: &JsValue, now: f64) -> Option<f64> {
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
    set(&e, "status", &status.map_or(JsValue::NULL, JsValue::from));
    if let Some(r) = response {
        set(&e, "response", r);
    }
    e
}

/// What `retryRequest` resolves with.
struct Settled {
    success: bool,
    data: Option<JsValue>,
    error: Option<JsValue>,
    status: Option<u16>,
    retries: u32,
    wait_ms: Option<f64>,
    aborted: bool,
}

impl Settled {
    fn failed(error: JsValue, status: Option<u16>, retries: u32, wait_ms: Option<f64>) -> Self {
        Settled { success: false, data: None, error: Some(error), status, retries, wait_ms, aborted: false }
    }

    fn into_js(self) -> JsValue {
        let o: JsValue = js_sys::Object::new().into();
        set(&o, "success", &self.success.into());
        if let Some(d) = &self.data {
            set(&o, "data", d);
        }
        if let Some(e) = &self.error {
            set(&o, "error", e);
        }
        set(&o, "status", &self.status.map_or(JsValue::NULL, JsValue::from));
        set(&o, "retriesUsed", &self.retries.into());
        set(&o, "waitTimeMs", &self.wait_ms.map_or(JsValue::NULL, JsValue::from));
        set(&o, "aborted", &self.aborted.into());
        o
    }
}

fn aborted(signal: &AbortSignal, status: Option<u16>, retries: u32) -> JsValue {
    Settled { aborted: true, ..Settled::failed(signal.reason(), status, retries, None) }.into_js()
}

fn report_on_retry(on_retry: &Function, info: &JsValue) {
    if let Err(e) = on_retry.call1(&JsValue::NULL, info) {
        web_sys::console::error_2(&JsValue::from_str("modash-flow: onRetry threw; retrying anyway:"), &e);
    }
}

/// Runs the request with retries. Always resolves; never rejects for request failures.
pub async fn run(request: Function, policy: Policy, signal: Option<AbortSignal>, on_retry: Option<Function>) -> JsValue {
    let signal = signal.as_ref();
    let mut retries = 0u32;
    let mut last_status = None;
    loop {
        if let Some(s) = signal.filter(|s| s.aborted()) {
            return aborted(s, last_status, retries);
        }
        let ctx: JsValue = js_sys::Object::new().into();
        set(&ctx, "attempt", &(retries + 1).into());
        set(&ctx, "signal", signal.map_or(&JsValue::NULL, |s| s.as_ref()));
        // A synchronous throw is a failed attempt; values and thenables are awaited alike.
        let outcome = match request.call1(&JsValue::NULL, &ctx) {
            Err(e) => Err(e),
            Ok(v) => match unless_aborted(JsFuture::from(Promise::resolve(&v)), signal).await {
                Ok(r) => r,
                Err(s) => return aborted(s, last_status, retries),
            },
        };
        let now = js_sys::Date::now();
        let (failure, thrown, response) = match outcome {
            Ok(v) => match as_response(&v) {
                Some(r) if r.ok => {
                    let status = r.status;
                    return Settled { success: true, data: Some(v), error: None, status, retries, wait_ms: None, aborted: false }.into_js();
                }
                Some(r) => {
                    let f = Failure { status: r.status, network: false, retry_after_ms: header_retry_after(&r.headers, now) };
                    (f, None, Some(v))
                }
                None => return Settled { success: true, data: Some(v), error: None, status: None, retries, wait_ms: None, aborted: false }.into_js(),
            },
            Err(e) => {
                let f = failure_from_error(&e, now);
                let response = Some(safe_get(&e, "response")).filter(|r| r.is_object());
                (f, Some(e), response)
            }
        };
        last_status = failure.status;
        let error = thrown.clone().unwrap_or_else(|| {
            let s = failure.status.map_or(String::from("?"), |s| s.to_string());
            http_error(&format!("Request failed with status {s}"), failure.status, response.as_ref())
        });
        match decide(&policy, &failure, retries, js_sys::Math::random()) {
            Decision::Stop => return Settled::failed(error, failure.status, retries, None).into_js(),
            Decision::RetryAfterTooLong { wait_ms } => return Settled::failed(error, failure.status, retries, Some(wait_ms)).into_js(),
            Decision::Exhausted { wait_ms } => {
                if failure.status != Some(429) {
                    return Settled::failed(error, failure.status, retries, None).into_js();
                }
                let e = http_error(
                    &format!("Rate limit exceeded after {retries} retries (HTTP 429); try again in {} s", (wait_ms / 1000.0).ceil() as u64),
                    failure.status,
                    response.as_ref(),
                );
                set(&e, "cause", &error);
                return Settled::failed(e, failure.status, retries, Some(wait_ms)).into_js();
            }
            Decision::Retry { delay_ms } => {
                if let Some(f) = &on_retry {
                    let info: JsValue = js_sys::Object::new().into();
                    set(&info, "attempt", &(retries + 1).into());
                    set(&info, "maxRetries", &policy.max_retries.into());
                    set(&info, "status", &failure.status.map_or(JsValue::NULL, JsValue::from));
                    set(&info, "delayMs", &delay_ms.into());
                    set(&info, "retryAfterMs", &failure.retry_after_ms.map_or(JsValue::NULL, JsValue::from));
                    set(&info, "error", &error);
                    report_on_retry(f, &info);
                }
                let timer = gloo_timers::future::TimeoutFuture::new(delay_ms.ceil() as u32);
                if let Err(s) = unless_aborted(timer, signal).await {
                    return aborted(s, last_status, retries);
                }
                retries += 1;
            }
        }
    }
}
