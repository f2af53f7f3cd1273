//! Exports: `retryRequest` (options conversion; the loop is `crate::event_loop::retry`), `parseRetryAfter`.

use super::attempt::retry_after_value;
use super::js::{array_items, describe, invalid, is_array, now_arg, num_or_null};
use super::options::{Family, Options, Problem};
use crate::event_loop::retry as run;
use crate::retry::policy::{Jitter, Policy, RawOptions};
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

#[wasm_bindgen(typescript_custom_section)]
const TS_RETRY: &'static str = r#"
/** What the request callback receives. Pass `signal` on to `fetch`. */
export interface RetryContext { attempt: number; signal: AbortSignal | null }

export interface RetryOptions {
  /** Default 3 (so at most 4 calls). A whole number >= 0. */
  maxRetries?: number;
  /** Default 1000 ms. */
  initialDelayMs?: number;
  /** Default 60000 ms: the cap of the backoff. */
  maxDelayMs?: number;
  /** Default 2; at least 1. */
  backoffMultiplier?: number;
  /** Default 'equal' (half fixed, half random); 'full' is uniform in [0, delay]; a Retry-After is never jittered. */
  jitter?: 'none' | 'equal' | 'full';
  /** Default [429, 500, 502, 503, 504]. */
  retryableStatuses?: number[];
  /** Default true: a TypeError without a status (what fetch throws offline) is retried. */
  retryOnNetworkError?: boolean;
  /** Default = maxDelayMs. A longer Retry-After stops at once with `waitTimeMs` set. */
  maxRetryAfterMs?: number;
  /** Aborting ends a call or a wait at once: no further call, no timer left. */
  signal?: AbortSignal;
  /** Called before each wait; an exception in it is logged with console.error and ignored. */
  onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  /** The retry about to be made, 1-based. */
  attempt: number;
  maxRetries: number;
  status: number | null;
  /** The wait before that retry, ms. */
  delayMs: number;
  /** The server's Retry-After, ms, when it sent one. */
  retryAfterMs: number | null;
  error: unknown;
}

export interface RetryResult<T> {
  success: boolean;
  /** The callback's value (the Response itself for a fetch), on success. */
  data?: T;
  /** On failure: what the callback threw, an Error with `.status` and `.response` for a not-ok Response, or the signal's reason when aborted. */
  error?: unknown;
  status: number | null;
  /** Retries actually made (0 when the first call succeeded). */
  retriesUsed: number;
  /** When rate limited: the wait the server (or the backoff) asked for, ms, so the UI can say "try again in N s". */
  waitTimeMs: number | null;
  aborted: boolean;
}

/**
 * Calls `request` and retries it on 429, 5xx and network errors, waiting the server's
 * Retry-After (delta-seconds or HTTP-date) or an exponential backoff with jitter on the event
 * loop's `setTimeout`. The callback may resolve to a `Response` (anything with `ok`, `status`,
 * `headers.get`) or throw errors carrying `status`, `response.status` or `(NNN)` in the message.
 * Always resolves for request failures; rejects at once (before any call) with an `Error` of
 * code `INVALID_OPTION` naming a bad option, or `INVALID_ARGUMENT` when `request` is not a function.
 */
export function retryRequest<T>(request: (ctx: RetryContext) => Promise<T> | T, options?: RetryOptions): Promise<RetryResult<T>>;
"#;

pub(crate) struct Parsed {
    pub(crate) policy: Policy,
    signal: Option<AbortSignal>,
    pub(crate) on_retry: Option<Function>,
}

pub(crate) fn parse(options: &JsValue) -> Result<Parsed, JsValue> {
    let o = Options::of(options, Family::Retry)?;
    let raw = RawOptions {
        max_retries: o.number("maxRetries")?,
        initial_delay_ms: o.number("initialDelayMs")?,
        max_delay_ms: o.number("maxDelayMs")?,
        backoff_multiplier: o.number("backoffMultiplier")?,
        jitter: o.word("jitter", "'none', 'equal' or 'full'", |s| Jitter::parse(s).is_some())?.as_deref().and_then(Jitter::parse),
        retryable_statuses: statuses(&o)?,
        retry_on_network_error: o.bool("retryOnNetworkError")?,
        max_retry_after_ms: o.number("maxRetryAfterMs")?,
    };
    Ok(Parsed { policy: Policy::from_raw(&raw)?, signal: o.instance("signal", "an AbortSignal")?, on_retry: o.instance("onRetry", "a function")? })
}

/// `retryableStatuses`: an array of numbers (the core checks they are statuses), copied in JS
/// so that a throwing getter or Proxy trap in the list is an option error.
fn statuses(o: &Options) -> Result<Option<Vec<f64>>, JsValue> {
    const KEY: &str = "retryableStatuses";
    let v = o.value(KEY)?;
    if v.is_undefined() {
        return Ok(None);
    }
    if !is_array(&v) {
        return Err(o.fail(KEY, Problem::Not(&v, "an array")));
    }
    let list = match array_items(&v, 1000) {
        v if v.is_undefined() => return Err(o.fail(KEY, Problem::Unreadable)),
        v if v.is_null() => return Err(o.fail(KEY, Problem::Other("has more than 1000 values or no whole-number length"))),
        v => v.unchecked_into::<Array>(),
    };
    let mut out = Vec::with_capacity(list.length() as usize);
    for s in list.iter() {
        out.push(s.as_f64().ok_or_else(|| o.fail(KEY, Problem::Not(&s, "an HTTP status (100-599)")))?);
    }
    Ok(Some(out))
}

// Generic (`retryRequest<T>`): declared in TS_RETRY above.
#[wasm_bindgen(js_name = retryRequest, skip_typescript)]
pub fn retry_request_export(request: JsValue, options: JsValue) -> js_sys::Promise {
    let mut started = Ok(());
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        started = retry_request(request.clone(), &options, Box::new(move |r| drop(resolve.call1(&JsValue::NULL, &r))));
    });
    started.map_or_else(|e| js_sys::Promise::reject(&e), |()| promise)
}

/// `retryRequest` with a callback (the request gate runs it too): validates, then runs the
/// loop, which calls `done` once with the result.
pub fn retry_request(request: JsValue, options: &JsValue, done: run::Done) -> Result<(), JsValue> {
    let request = request.dyn_into::<Function>().map_err(|r| invalid(&format!("request must be a function, got {}", describe(&r))))?;
    let Parsed { policy, signal, on_retry } = parse(options)?;
    run::run(request, policy, signal, on_retry, done);
    Ok(())
}

/// `Retry-After` in milliseconds, the one reader the retry loop uses: delta-seconds (digits
/// only) or an HTTP-date measured against `now` (epoch ms, default `Date.now()`; a past date is
/// 0), or a number of seconds; `null` for anything else (a negative, a decimal string, text
/// that is not an HTTP date, `null`). For servers passing a capped Retry-After on, scripts
/// pausing after a 429 and pages showing how long to wait.
/// @throws ModashFlowError `INVALID_ARGUMENT` when `now` is given and is not a finite number.
#[wasm_bindgen(js_name = parseRetryAfter, unchecked_return_type = "number | null")]
pub fn parse_retry_after(
    #[wasm_bindgen(unchecked_param_type = "string | number | null | undefined")] value: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "number")] now: JsValue,
) -> Result<JsValue, JsValue> {
    Ok(num_or_null(retry_after_value(&value, now_arg(&now, "now")?)))
}
