//! Export: `createRequestGate` and the `RequestGate` it returns, without futures: a queued
//! request is a continuation its place calls when admitted (`settle` races it with the
//! caller's signal), and results travel through plain Promises. The loop only: the policy
//! (bucket, queue order, pause merging) and the join-by-key bookkeeping (who shares a run,
//! when the last caller leaving cancels it) are `crate::gate`. One timer at most is pending, for the
//! next admission; it is replaced or cleared whenever the queue changes.

use super::js::{self, assign_from, bad_option, describe, error, invalid, option, Obj};
use super::retry_loop::{attempt_of, safe_get, Attempt, Settled};
use super::settle::{self, finish, pending, when_settled, Outcome};
use crate::error::Code;
use crate::gate::{cooldown_after, Gate, GateOptions, Joins};
use gloo_timers::callback::Timeout;
use js_sys::{Function, Object, Promise};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal};

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

/// A place in the queue: admitted yet, and what runs when it is.
#[derive(Default)]
struct Slot {
    admitted: Cell<bool>,
    on_admit: RefCell<Option<Box<dyn FnOnce()>>>,
}

/// The JS side of one run (its callers are counted in the pure `Joins`).
struct Shared {
    id: u64,
    controller: AbortController,
    promise: RefCell<Option<Promise>>,
    queued_ms: Rc<Cell<f64>>,
}

struct Inner {
    gate: RefCell<Gate>,
    // Small maps as vectors (a few dozen entries at most): hashbrown and SipHash would add
    // about 2 KB to the gzipped module for no measurable gain at this size.
    slots: RefCell<Vec<(u64, Rc<Slot>)>>,
    timer: RefCell<Option<Timeout>>,
    next_id: Cell<u64>,
    joins: RefCell<Joins>,
    runs: RefCell<Vec<(u64, Rc<Shared>)>>,
    listeners: RefCell<Vec<(u64, Function)>>,
    retry: JsValue,
}

fn stats_js(inner: &Inner) -> JsValue {
    let s = inner.gate.borrow().stats(js_sys::Date::now());
    Obj::new()
        .set("queued", s.queued)
        .set("inFlight", s.in_flight)
        .set("admitted", s.admitted as f64)
        .set("deduplicated", inner.joins.borrow().joined() as f64)
        .set("pausedUntil", s.paused_until.map_or(JsValue::NULL, JsValue::from_f64))
        .build()
}

fn notify(inner: &Inner) {
    let listeners: Vec<Function> = inner.listeners.borrow().iter().map(|(_, f)| f.clone()).collect();
    if listeners.is_empty() {
        return;
    }
    let stats = stats_js(inner);
    for f in listeners {
        if let Err(e) = f.call1(&JsValue::NULL, &stats) {
            web_sys::console::error_2(&JsValue::from_str("modash-flow: a gate listener threw:"), &e);
        }
    }
}

/// Removes and returns the entry for `key`.
fn take<K: PartialEq, V>(map: &RefCell<Vec<(K, V)>>, key: &K) -> Option<V> {
    let mut map = map.borrow_mut();
    let at = map.iter().position(|(k, _)| k == key)?;
    Some(map.swap_remove(at).1)
}

/// Admits what may start now and sets the one timer for the next admission (or none).
fn pump(inner: &Rc<Inner>) {
    let (ids, wait) = inner.gate.borrow_mut().poll(js_sys::Date::now());
    for id in ids {
        let slot = take(&inner.slots, &id);
        if let Some(slot) = slot {
            slot.admitted.set(true);
            // In a microtask: the admitted request starts after this pump has finished.
            if let Some(go) = slot.on_admit.borrow_mut().take() {
                settle::soon(go);
            }
        }
    }
    let next = wait.map(|ms| {
        let weak = Rc::downgrade(inner);
        settle::timeout(
            ms,
            Box::new(move || {
                if let Some(i) = weak.upgrade() {
                    pump(&i);
                }
            }),
        )
    });
    // Replacing the old timeout clears it.
    let old = inner.timer.replace(next);
    drop(old);
    notify(inner);
}

/// Queues a place (at the front for a retry after a cooldown) and returns it.
fn reserve(inner: &Rc<Inner>, front: bool) -> (u64, Rc<Slot>) {
    let id = inner.next_id.get();
    inner.next_id.set(id + 1);
    let slot = Rc::new(Slot::default());
    inner.slots.borrow_mut().push((id, slot.clone()));
    inner.gate.borrow_mut().push(id, front);
    (id, slot)
}

/// Gives back a reserved place nobody used: removes it from the queue, or releases it.
fn cancel_reservation(inner: &Rc<Inner>, reserved: Option<(u64, Rc<Slot>)>) {
    if let Some((id, slot)) = reserved {
        inner.gate.borrow_mut().remove(id);
        take(&inner.slots, &id);
        if slot.admitted.get() {
            inner.gate.borrow_mut().release();
        }
        pump(inner);
    }
}

type Reservation = Rc<RefCell<Option<(u64, Rc<Slot>)>>>;

/// Waits for a place in the gate, then calls `next` with the ms spent queued; with
/// `Err(reason)` when the signal aborts first (the place is given back at once).
fn acquire(inner: &Rc<Inner>, reserved: Option<(u64, Rc<Slot>)>, signal: Option<&AbortSignal>, next: impl FnOnce(Result<f64, JsValue>) + 'static) {
    let (id, slot) = match reserved {
        Some(r) => r,
        None => reserve(inner, false),
    };
    let t0 = js_sys::Date::now();
    let (i, s) = (inner.clone(), slot.clone());
    let step = pending(
        signal,
        Box::new(move |o| match o {
            Outcome::Aborted(reason) => {
                i.gate.borrow_mut().remove(id);
                take(&i.slots, &id);
                if s.admitted.get() {
                    i.gate.borrow_mut().release();
                }
                pump(&i);
                next(Err(reason))
            }
            _ => next(Ok(js_sys::Date::now() - t0)),
        }),
    );
    if let Some(step) = step {
        let go: Box<dyn FnOnce()> = Box::new(move || finish(&step, Outcome::Elapsed));
        if slot.admitted.get() {
            // A place held for a retry may have been admitted before the retry came for it.
            settle::soon(go);
        } else {
            *slot.on_admit.borrow_mut() = Some(go);
        }
        pump(inner);
    }
}

/// The callback handed to the retry loop: every attempt passes through the gate; a 429 with a
/// Retry-After pauses the whole gate; a retry after the first attempt goes to the front.
fn gated(inner: Rc<Inner>, request: Function, queued: Rc<Cell<f64>>, reservation: Reservation, cooldown_cap_ms: f64) -> Function {
    let f = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |ctx: JsValue| {
        let (inner, request, queued, reservation) = (inner.clone(), request.clone(), queued.clone(), reservation.clone());
        Promise::new(&mut |resolve, reject| {
            let (inner, request, queued, reservation) = (inner.clone(), request.clone(), queued.clone(), reservation.clone());
            let ctx = ctx.clone();
            let signal = safe_get(&ctx, "signal").dyn_into::<AbortSignal>().ok();
            let reserved = reservation.borrow_mut().take();
            let s2 = signal.clone();
            acquire(&inner.clone(), reserved, signal.as_ref(), move |admitted| {
                let waited = match admitted {
                    Ok(w) => w,
                    Err(reason) => return drop(reject.call1(&JsValue::NULL, &reason)),
                };
                queued.set(queued.get() + waited);
                // When the attempt is over: free the place, pause the gate on a 429 with a
                // Retry-After (holding the first place after it for this request's retry).
                // `Err(reason)`: every caller aborted while the request ran: just free the place.
                let done = move |ended: Result<Result<JsValue, JsValue>, JsValue>| {
                    let out = match ended {
                        Ok(out) => out,
                        Err(reason) => {
                            inner.gate.borrow_mut().release();
                            pump(&inner);
                            return drop(reject.call1(&JsValue::NULL, &reason));
                        }
                    };
                    let now = js_sys::Date::now();
                    let cooldown = match attempt_of(&out, now) {
                        Attempt::Failed { failure, .. } => cooldown_after(&failure, cooldown_cap_ms),
                        Attempt::Succeeded(_) => None,
                    };
                    inner.gate.borrow_mut().release();
                    if let Some(ms) = cooldown {
                        inner.gate.borrow_mut().pause_until(now + ms);
                        *reservation.borrow_mut() = Some(reserve(&inner, true));
                    }
                    pump(&inner);
                    let _ = match out {
                        Ok(v) => resolve.call1(&JsValue::NULL, &v),
                        Err(e) => reject.call1(&JsValue::NULL, &e),
                    };
                };
                match request.call1(&JsValue::NULL, &ctx) {
                    Err(e) => done(Ok(Err(e))),
                    // Raced against the signal: a request that never settles gives its place
                    // back as soon as every caller has aborted (or the run timed out).
                    Ok(v) => when_settled(
                        &v,
                        s2.as_ref(),
                        Box::new(move |o| match o {
                            Outcome::Settled(r) => done(Ok(r)),
                            Outcome::Aborted(reason) => done(Err(reason)),
                            Outcome::Elapsed => {}
                        }),
                    ),
                }
            });
        })
    });
    f.into_js_value().unchecked_into()
}

/// A copy of the shared run's result with this caller's fields.
fn with_extra(result: &JsValue, deduplicated: bool, queued_ms: f64) -> JsValue {
    let o: JsValue = Object::assign(&Object::new(), result.unchecked_ref()).into();
    js::set(&o, "deduplicated", &deduplicated.into());
    js::set(&o, "queuedMs", &queued_ms.into());
    o
}

/// A caller's promise: the shared run's result with this caller's extras, or, when this
/// caller's signal aborts first, an aborted result (and the run is cancelled when this was
/// its last caller).
fn wait_caller(inner: Rc<Inner>, shared: Rc<Shared>, signal: Option<AbortSignal>, deduplicated: bool) -> Promise {
    let run = shared.promise.borrow().clone().unwrap_or_else(|| Promise::resolve(&JsValue::UNDEFINED));
    Promise::new(&mut |resolve, reject| {
        let (inner, shared) = (inner.clone(), shared.clone());
        when_settled(
            &run,
            signal.as_ref(),
            Box::new(move |o| {
                let r = match o {
                    Outcome::Settled(Ok(v)) => Ok(with_extra(&v, deduplicated, shared.queued_ms.get())),
                    Outcome::Settled(Err(e)) => Err(e),
                    Outcome::Aborted(reason) => {
                        let last = inner.joins.borrow_mut().leave(shared.id);
                        if last {
                            shared.controller.abort_with_reason(&reason);
                        }
                        Ok(Settled { aborted: true, ..Settled::failed(reason, None, 0, None) }
                            .obj()
                            .set("deduplicated", deduplicated)
                            .set("queuedMs", shared.queued_ms.get())
                            .build())
                    }
                    Outcome::Elapsed => return,
                };
                let _ = match r {
                    Ok(v) => resolve.call1(&JsValue::NULL, &v),
                    Err(e) => reject.call1(&JsValue::NULL, &e),
                };
            }),
        );
    })
}

/// A gate shared by every Modash request of a page or script.
// Typed by the `RequestGate` interface in TS_GATE above (no `[Symbol.dispose]`, a generic `run`).
#[wasm_bindgen(js_name = RequestGate, skip_typescript)]
pub struct RequestGate {
    inner: Rc<Inner>,
}

fn gate_number(options: &JsValue, key: &'static str) -> Result<Option<f64>, JsValue> {
    let v = option(options, key, "options")?;
    if v.is_undefined() {
        return Ok(None);
    }
    v.as_f64().map(Some).ok_or_else(|| bad_option("gate", key, &v, "is not a number"))
}

/// A shared request gate: a token bucket on the event loop's timers (first in, first out, at
/// most `maxConcurrent` at once), a shared cooldown when any request sees a 429 with a
/// Retry-After (its retry goes first; the pause never exceeds the retry policy's
/// `maxRetryAfterMs`), and in-flight de-duplication by key. An aborted or timed-out request
/// frees its place at once, even when its callback never settles.
/// @throws ModashFlowError `INVALID_OPTION` naming a bad option.
#[wasm_bindgen(js_name = createRequestGate, unchecked_return_type = "RequestGate")]
pub fn create_request_gate(#[wasm_bindgen(unchecked_optional_param_type = "GateOptions")] options: JsValue) -> Result<RequestGate, JsValue> {
    let opts = GateOptions::from_raw(
        gate_number(&options, "requestsPerSecond")?,
        gate_number(&options, "burst")?,
        gate_number(&options, "maxConcurrent")?,
        gate_number(&options, "maxQueued")?,
    )?;
    let retry = option(&options, "retry", "options")?;
    if !(retry.is_undefined() || retry.is_null() || retry.is_object()) {
        return Err(bad_option("gate", "retry", &retry, "is not an object"));
    }
    Ok(RequestGate {
        inner: Rc::new(Inner {
            gate: RefCell::new(Gate::new(opts, js_sys::Date::now())),
            slots: RefCell::default(),
            timer: RefCell::default(),
            next_id: Cell::new(1),
            joins: RefCell::default(),
            runs: RefCell::default(),
            listeners: RefCell::default(),
            retry,
        }),
    })
}

#[wasm_bindgen(js_class = RequestGate)]
impl RequestGate {
    // Generic (`run<T>` hands back the request's own result type): declared in TS_GATE above.
    #[wasm_bindgen(skip_typescript)]
    pub fn run(&self, key: JsValue, request: JsValue, options: JsValue) -> Promise {
        match self.start(key, request, options) {
            Ok(p) => p,
            Err(e) => Promise::reject(&e),
        }
    }

    fn start(&self, key: JsValue, request: JsValue, options: JsValue) -> Result<Promise, JsValue> {
        let request = request.dyn_into::<Function>().map_err(|r| invalid(&format!("request must be a function, got {}", describe(&r))))?;
        let key = if key.is_undefined() || key.is_null() {
            None
        } else {
            Some(key.as_string().ok_or_else(|| invalid(&format!("key must be a string or null, got {}", describe(&key))))?)
        };
        let signal = option(&options, "signal", "options")?;
        let signal = if signal.is_undefined() || signal.is_null() {
            None
        } else {
            Some(signal.dyn_into::<AbortSignal>().map_err(|s| bad_option("retry", "signal", &s, "is not an AbortSignal"))?)
        };
        let inner = self.inner.clone();
        if let Some(k) = &key {
            let joined = inner.joins.borrow_mut().join(k);
            if let Some(id) = joined {
                let shared = inner.runs.borrow().iter().find(|(r, _)| *r == id).map(|(_, s)| s.clone());
                if let Some(shared) = shared {
                    notify(&inner);
                    return Ok(wait_caller(inner, shared, signal, true));
                }
            }
        }
        if !inner.gate.borrow().has_room() {
            let full = error(Code::QueueFull, "The request gate's queue is full (maxQueued); try again later");
            let r = Settled::failed(full, None, 0, None).obj().set("deduplicated", false).set("queuedMs", 0).build();
            return Ok(Promise::resolve(&r));
        }
        let timeout_ms = option(&options, "timeoutMs", "options")?;
        let timeout_ms = if timeout_ms.is_undefined() || timeout_ms.is_null() {
            None
        } else {
            Some(
                timeout_ms
                    .as_f64()
                    .filter(|t| t.is_finite() && *t > 0.0)
                    .ok_or_else(|| bad_option("gate", "timeoutMs", &timeout_ms, "is not a finite number > 0"))?,
            )
        };
        let controller = AbortController::new()?;
        let merged: JsValue = Object::new().into();
        let unreadable = |what: &str| error(Code::InvalidOption, &format!("Invalid retry option: {what} could not be read"));
        if self.inner.retry.is_object() && !assign_from(&merged, &self.inner.retry) {
            return Err(unreadable("the gate's retry options"));
        }
        if options.is_object() && !assign_from(&merged, &options) {
            return Err(unreadable("options"));
        }
        js::set(&merged, "signal", controller.signal().as_ref());
        // The same validation retryRequest makes; the gate needs the cap on Retry-After.
        let cooldown_cap_ms = super::retry::parse(&merged)?.policy.max_retry_after_ms;
        let timed_out = Rc::new(Cell::new(false));
        let timer = timeout_ms.map(|ms| {
            let (c, flag) = (controller.clone(), timed_out.clone());
            settle::timeout(
                ms,
                Box::new(move || {
                    flag.set(true);
                    c.abort_with_reason(&error(Code::Timeout, &format!("The request did not settle within {} ms (timeoutMs)", ms.ceil() as u64)));
                }),
            )
        });
        let run_id = inner.next_id.get();
        inner.next_id.set(run_id + 1);
        let shared = Rc::new(Shared { id: run_id, controller, promise: RefCell::new(None), queued_ms: Rc::new(Cell::new(0.0)) });
        // The first place is taken now, so that `maxQueued` counts this run at once.
        let reservation: Reservation = Rc::new(RefCell::new(Some(reserve(&inner, false))));
        let gated_request = gated(inner.clone(), request, shared.queued_ms.clone(), reservation.clone(), cooldown_cap_ms);
        let inner2 = inner.clone();
        let timer = RefCell::new(timer);
        let mut started = Ok(());
        let settled = Promise::new(&mut |resolve, _reject| {
            let (inner2, timed_out, reservation, timer) = (inner2.clone(), timed_out.clone(), reservation.clone(), timer.take());
            let finished = move |r: JsValue| {
                drop(timer);
                if timed_out.get() {
                    // Not the callers' abort: a failure they should see as one.
                    js::set(&r, "aborted", &JsValue::FALSE);
                    js::set(&r, "timedOut", &JsValue::TRUE);
                }
                // A retry that never came (given up, too long a wait, aborted) frees its place.
                let unused = reservation.borrow_mut().take();
                cancel_reservation(&inner2, unused);
                inner2.joins.borrow_mut().finish(run_id);
                take(&inner2.runs, &run_id);
                notify(&inner2);
                let _ = resolve.call1(&JsValue::NULL, &r);
            };
            started = crate::wasm::retry::retry_request(gated_request.clone().into(), &merged, Box::new(finished));
        });
        if let Err(e) = started {
            cancel_reservation(&inner, reservation.borrow_mut().take());
            return Err(e);
        }
        *shared.promise.borrow_mut() = Some(settled);
        inner.joins.borrow_mut().start(run_id, key);
        inner.runs.borrow_mut().push((run_id, shared.clone()));
        Ok(wait_caller(inner, shared, signal, false))
    }

    // The class (and with it every method) is typed by the `RequestGate` interface in TS_GATE.
    pub fn stats(&self) -> JsValue {
        stats_js(&self.inner)
    }

    pub fn pause(&self, ms: JsValue) -> Result<(), JsValue> {
        let ms =
            ms.as_f64().filter(|m| m.is_finite() && *m >= 0.0).ok_or_else(|| invalid(&format!("pause(ms): {} is not a finite number >= 0", describe(&ms))))?;
        self.inner.gate.borrow_mut().pause_until(js_sys::Date::now() + ms);
        pump(&self.inner);
        Ok(())
    }

    #[wasm_bindgen(js_name = onChange)]
    pub fn on_change(&self, listener: JsValue) -> Result<Function, JsValue> {
        let f = listener.dyn_into::<Function>().map_err(|l| invalid(&format!("listener must be a function, got {}", describe(&l))))?;
        let id = self.inner.next_id.get();
        self.inner.next_id.set(id + 1);
        self.inner.listeners.borrow_mut().push((id, f));
        let weak = Rc::downgrade(&self.inner);
        let unsubscribe = Closure::<dyn FnMut()>::new(move || {
            if let Some(i) = weak.upgrade() {
                i.listeners.borrow_mut().retain(|(k, _)| *k != id);
            }
        });
        Ok(unsubscribe.into_js_value().unchecked_into())
    }
}
