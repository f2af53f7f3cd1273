//! Export: `createRequestGate` and the `RequestGate` it returns: its options, stats and results
//! converted; the loop is `crate::event_loop::gate` (the policy `crate::gate`).

use super::attempt::Settled;
use super::js::{self, assign_from, describe, error, invalid, Obj};
use super::options::{Family, Options};
use crate::error::Code;
use crate::event_loop::gate::Loop;
use crate::gate::{GateOptions, Stats};
use js_sys::{Function, Object, Promise};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

#[wasm_bindgen(typescript_custom_section)]
const TS_GATE: &'static str = r#"
export interface GateOptions {
  /** Token-bucket refill rate; default 2 (Modash's documented pace). */
  requestsPerSecond?: number;
  /** Bucket size: how many may start at once after a quiet spell; default 2. */
  burst?: number;
  /** Never more than this many in flight; default 4. */
  maxConcurrent?: number;
  /** At most this many requests wait at once; beyond it `run` resolves at once with a
   * `QUEUE_FULL` error. Default 1,000. */
  maxQueued?: number;
  /** Retry options for every run (merged with each run's own). */
  retry?: RetryOptions;
}
export interface GateRunOptions extends RetryOptions {
  /** Gives up (and frees the request's place) when the run has not settled after this many ms:
   * the result has `timedOut: true` and an error with code `TIMEOUT`. */
  timeoutMs?: number;
}
export interface GateStats { queued: number; inFlight: number; admitted: number; deduplicated: number; pausedUntil: number | null }
/**
 * What `createRequestGate` returns. Declared here rather than generated: the generated class
 * would declare `[Symbol.dispose]`, which needs TypeScript's `esnext.disposable` lib, and `run`
 * is generic (`run<T>`), which wasm-bindgen cannot write.
 */
export interface RequestGate {
  /**
   * Runs `request` through the gate with retries (`retryRequest`); every attempt waits for a
   * place. Calls with the same non-null `key` while one is queued or in flight share it
   * (`deduplicated: true` for the joiners). A caller's `signal` removes only that caller; the
   * shared request is cancelled when every caller has aborted.
   */
  run<T>(key: string | null, request: (ctx: RetryContext) => Promise<T> | T, options?: GateRunOptions): Promise<RetryResult<T> & { deduplicated: boolean; queuedMs: number; timedOut?: boolean }>;
  /** What the gate holds now: queued, in flight, admitted, de-duplicated, paused until. */
  stats(): GateStats;
  /** Pauses admissions for `ms` (merged with any current pause). */
  pause(ms: number): void;
  /** Called on every change of the stats; returns the unsubscribe function. */
  onChange(listener: (stats: GateStats) => void): () => void;
}
"#;

/// `GateStats`: what the gate holds, and how many callers joined a run.
pub(crate) fn stats_js((s, joined): (Stats, u64)) -> JsValue {
    Obj::new()
        .set("queued", s.queued)
        .set("inFlight", s.in_flight)
        .set("admitted", s.admitted as f64)
        .set("deduplicated", joined as f64)
        .set("pausedUntil", js::num_or_null(s.paused_until))
        .build()
}

/// A copy of the shared run's result with this caller's fields.
pub(crate) fn with_extra(result: &JsValue, deduplicated: bool, queued_ms: f64) -> JsValue {
    let o: JsValue = Object::assign(&Object::new(), result.unchecked_ref()).into();
    js::set(&o, "deduplicated", &deduplicated.into());
    js::set(&o, "queuedMs", &queued_ms.into());
    o
}

/// What a run that timed out aborts with: `TIMEOUT`, saying how long it waited.
pub(crate) fn timeout_error(ms: f64) -> JsValue {
    error(Code::Timeout, &format!("The request did not settle within {} ms (timeoutMs)", ms.ceil() as u64))
}

/// A timed-out run's result: not the callers' abort, a failure they should see as one.
pub(crate) fn mark_timed_out(result: &JsValue) {
    js::set(result, "aborted", &JsValue::FALSE);
    js::set(result, "timedOut", &JsValue::TRUE);
}

/// The result of a caller whose signal aborted first (`reason` is the signal's).
pub(crate) fn aborted_result(reason: JsValue, deduplicated: bool, queued_ms: f64) -> JsValue {
    Settled { aborted: true, ..Settled::failed(reason, None, 0, None) }.obj().set("deduplicated", deduplicated).set("queuedMs", queued_ms).build()
}

/// A gate shared by every Modash request of a page or script.
// Typed by the `RequestGate` interface in TS_GATE above (no `[Symbol.dispose]`, a generic `run`).
#[wasm_bindgen(js_name = RequestGate, skip_typescript)]
pub struct RequestGate {
    inner: Rc<Loop>,
}

/// A shared request gate: a token bucket on the event loop's timers (first in, first out, at
/// most `maxConcurrent` at once), a shared cooldown when any request sees a 429 with a
/// Retry-After (its retry goes first; the pause never exceeds the retry policy's
/// `maxRetryAfterMs`), and in-flight de-duplication by key. An aborted or timed-out request
/// frees its place at once, even when its callback never settles.
/// @throws ModashFlowError `INVALID_OPTION` naming a bad option.
#[wasm_bindgen(js_name = createRequestGate, unchecked_return_type = "RequestGate")]
pub fn create_request_gate(#[wasm_bindgen(unchecked_optional_param_type = "GateOptions")] options: JsValue) -> Result<RequestGate, JsValue> {
    let o = Options::of(&options, Family::Gate)?;
    let opts = GateOptions::from_raw(o.number("requestsPerSecond")?, o.number("burst")?, o.number("maxConcurrent")?, o.number("maxQueued")?)?;
    Ok(RequestGate { inner: Loop::new(opts, o.object("retry")?.js().clone()) })
}

#[wasm_bindgen(js_class = RequestGate)]
impl RequestGate {
    // Generic (`run<T>` hands back the request's own result type): declared in TS_GATE above.
    #[wasm_bindgen(skip_typescript)]
    pub fn run(&self, key: JsValue, request: JsValue, options: JsValue) -> Promise {
        self.start(key, request, options).unwrap_or_else(|e| Promise::reject(&e))
    }

    fn start(&self, key: JsValue, request: JsValue, options: JsValue) -> Result<Promise, JsValue> {
        let request = request.dyn_into::<Function>().map_err(|r| invalid(&format!("request must be a function, got {}", describe(&r))))?;
        let key = if key.is_undefined() || key.is_null() {
            None
        } else {
            Some(key.as_string().ok_or_else(|| invalid(&format!("key must be a string or null, got {}", describe(&key))))?)
        };
        let signal = Options::of(&options, Family::Retry)?.instance::<AbortSignal>("signal", "an AbortSignal")?;
        if let Some(k) = &key {
            if let Some(joined) = self.inner.join(k, signal.clone()) {
                return Ok(joined);
            }
        }
        if !self.inner.has_room() {
            let full = error(Code::QueueFull, "The request gate's queue is full (maxQueued); try again later");
            let r = Settled::failed(full, None, 0, None).obj().set("deduplicated", false).set("queuedMs", 0).build();
            return Ok(Promise::resolve(&r));
        }
        let gate = Options::of(&options, Family::Gate)?;
        let timeout_ms = gate.positive("timeoutMs")?;
        let merged: JsValue = Object::new().into();
        let unreadable = |what: &str| error(Code::InvalidOption, &format!("Invalid retry option: {what} could not be read"));
        if self.inner.retry.is_object() && !assign_from(&merged, &self.inner.retry) {
            return Err(unreadable("the gate's retry options"));
        }
        if options.is_object() && !assign_from(&merged, &options) {
            return Err(unreadable("options"));
        }
        // The same validation retryRequest makes (the caller's signal is not the run's: the
        // run's own signal is the gate's, aborted when its last caller leaves).
        let parsed = super::retry::parse(&merged)?;
        self.inner.start(key, request, signal, timeout_ms, parsed.policy, parsed.on_retry)
    }

    // The class (and with it every method) is typed by the `RequestGate` interface in TS_GATE.
    pub fn stats(&self) -> JsValue {
        stats_js(self.inner.stats())
    }

    pub fn pause(&self, ms: JsValue) -> Result<(), JsValue> {
        let ms =
            ms.as_f64().filter(|m| m.is_finite() && *m >= 0.0).ok_or_else(|| invalid(&format!("pause(ms): {} is not a finite number >= 0", describe(&ms))))?;
        self.inner.pause(ms);
        Ok(())
    }

    #[wasm_bindgen(js_name = onChange)]
    pub fn on_change(&self, listener: JsValue) -> Result<Function, JsValue> {
        let f = listener.dyn_into::<Function>().map_err(|l| invalid(&format!("listener must be a function, got {}", describe(&l))))?;
        Ok(self.inner.subscribe(f))
    }
}
