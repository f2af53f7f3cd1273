//! The retry loop, a small state machine without futures: calls the JS callback, hands what
//! came back to the boundary (`wasm::attempt`) to classify, asks the pure policy
//! (`crate::retry::policy::decide`) what to do, and waits on the event loop's `setTimeout`.
//! Each wait is one step of `settle`: an AbortSignal ends a call or a wait at once, clearing
//! the timer and the abort listener.

use super::settle::{aborted, after, when_settled, Outcome};
use crate::retry::policy::{decide, Decision, Policy};
use crate::wasm::attempt::{attempt_of, context, http_error, rate_limited, report_on_retry, retry_info, Attempt, Settled};
use js_sys::Function;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use web_sys::AbortSignal;

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
fn end(run: &Run, result: Settled) {
    let done = run.done.borrow_mut().take();
    if let Some(done) = done {
        done(result.into_js());
    }
}

/// Runs the request with retries and calls `done` once with the result (never an error for a
/// request failure).
pub fn run(request: Function, policy: Policy, signal: Option<AbortSignal>, on_retry: Option<Function>, done: Done) {
    let done = RefCell::new(Some(done));
    attempt(Rc::new(Run { request, policy, signal, on_retry, retries: Cell::new(0), last_status: Cell::new(None), done }));
}

fn end_aborted(run: &Run, reason: JsValue) {
    end(run, Settled { aborted: true, ..Settled::failed(reason, run.last_status.get(), run.retries.get(), None) });
}

fn attempt(run: Rc<Run>) {
    if let Some(reason) = aborted(run.signal.as_ref()) {
        return end_aborted(&run, reason);
    }
    // A synchronous throw is a failed attempt; values and thenables are awaited alike.
    match run.request.call1(&JsValue::NULL, &context(run.retries.get() + 1, run.signal.as_ref())) {
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
    let (failure, response) = match attempt_of(&outcome, js_sys::Date::now()) {
        Attempt::Succeeded(status) => {
            // A throw is never a success (`attempt_of`).
            debug_assert!(outcome.is_ok());
            return end(&run, Settled::succeeded(outcome.unwrap_or_else(|e| e), status, retries));
        }
        Attempt::Failed { failure, response } => (failure, response),
    };
    run.last_status.set(failure.status);
    let error = outcome.err().unwrap_or_else(|| http_error(failure.status, response.as_ref()));
    let failed = |e: JsValue, wait_ms| end(&run, Settled::failed(e, failure.status, retries, wait_ms));
    match decide(&run.policy, &failure, retries, js_sys::Math::random()) {
        Decision::Stop => failed(error, None),
        Decision::RetryAfterTooLong { wait_ms } => failed(error, Some(wait_ms)),
        Decision::Exhausted { wait_ms } if failure.status == Some(429) => failed(rate_limited(retries, wait_ms, error, response.as_ref()), Some(wait_ms)),
        Decision::Exhausted { .. } => failed(error, None),
        Decision::Retry { delay_ms } => {
            if let Some(f) = &run.on_retry {
                report_on_retry(f, &retry_info(retries + 1, &run.policy, &failure, delay_ms, &error));
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
