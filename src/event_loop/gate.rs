//! The browser gate's loop, without futures: a queued request is a continuation its place
//! calls when admitted (`settle` races it with the caller's signal), and results travel
//! through plain Promises. The policy (bucket, queue order, pause merging) and the join-by-key
//! bookkeeping (who shares a run, when the last caller leaving cancels it) are `crate::gate`;
//! the options, the stats and the results are converted by `crate::wasm::gate`. One timer at
//! most is pending, for the next admission; it is replaced or cleared whenever the queue changes.

use super::settle::{self, finish, pending, when_settled, Outcome};
use crate::gate::{cooldown_after, Gate, GateOptions, Joins, Stats};
use crate::retry::policy::Policy;
use crate::wasm::attempt::{attempt_of, context_signal, Attempt};
use crate::wasm::gate::{aborted_result, mark_timed_out, stats_js, timeout_error, with_extra};
use gloo_timers::callback::Timeout;
use js_sys::{Function, Promise};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, AbortSignal};

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

/// One gate: its policy, its places and runs, its listeners.
pub struct Loop {
    gate: RefCell<Gate>,
    // Small maps as vectors (a few dozen entries at most): hashbrown and SipHash would add
    // about 2 KB to the gzipped module for no measurable gain at this size.
    slots: RefCell<Vec<(u64, Rc<Slot>)>>,
    timer: RefCell<Option<Timeout>>,
    next_id: Cell<u64>,
    joins: RefCell<Joins>,
    runs: RefCell<Vec<(u64, Rc<Shared>)>>,
    listeners: RefCell<Vec<(u64, Function)>>,
    /// The gate's own retry options (an object, or undefined when it has none).
    pub retry: JsValue,
}

/// Removes and returns the entry for `key`.
fn take<K: PartialEq, V>(map: &RefCell<Vec<(K, V)>>, key: &K) -> Option<V> {
    let mut map = map.borrow_mut();
    let at = map.iter().position(|(k, _)| k == key)?;
    Some(map.swap_remove(at).1)
}

fn notify(inner: &Loop) {
    let listeners: Vec<Function> = inner.listeners.borrow().iter().map(|(_, f)| f.clone()).collect();
    if listeners.is_empty() {
        return;
    }
    let stats = stats_js(inner.stats());
    for f in listeners {
        if let Err(e) = f.call1(&JsValue::NULL, &stats) {
            web_sys::console::error_2(&JsValue::from_str("modash-flow: a gate listener threw:"), &e);
        }
    }
}

impl Loop {
    pub fn new(opts: GateOptions, retry: JsValue) -> Rc<Loop> {
        Rc::new(Loop {
            gate: RefCell::new(Gate::new(opts, js_sys::Date::now())),
            slots: RefCell::default(),
            timer: RefCell::default(),
            next_id: Cell::new(1),
            joins: RefCell::default(),
            runs: RefCell::default(),
            listeners: RefCell::default(),
            retry,
        })
    }

    /// What the gate holds now, and how many callers joined a run.
    pub fn stats(&self) -> (Stats, u64) {
        (self.gate.borrow().stats(js_sys::Date::now()), self.joins.borrow().joined())
    }

    /// Room for one more queued request (`maxQueued`).
    pub fn has_room(&self) -> bool {
        self.gate.borrow().has_room()
    }

    fn next_id(&self) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        id
    }

    /// Pauses admissions until `Date.now() + ms` (merged with any current pause).
    pub fn pause(self: &Rc<Self>, ms: f64) {
        self.gate.borrow_mut().pause_until(js_sys::Date::now() + ms);
        pump(self);
    }

    /// Adds a stats listener; returns the function that removes it.
    pub fn subscribe(self: &Rc<Self>, listener: Function) -> Function {
        let id = self.next_id();
        self.listeners.borrow_mut().push((id, listener));
        let weak = Rc::downgrade(self);
        let unsubscribe = Closure::<dyn FnMut()>::new(move || {
            if let Some(i) = weak.upgrade() {
                i.listeners.borrow_mut().retain(|(k, _)| *k != id);
            }
        });
        unsubscribe.into_js_value().unchecked_into()
    }

    /// Joins the run queued or in flight under `key`, when there is one: this caller's promise.
    pub fn join(self: &Rc<Self>, key: &str, signal: Option<AbortSignal>) -> Option<Promise> {
        let id = self.joins.borrow_mut().join(key)?;
        let shared = self.runs.borrow().iter().find(|(r, _)| *r == id).map(|(_, s)| s.clone())?;
        notify(self);
        Some(wait_caller(self.clone(), shared, signal, true))
    }

    /// Starts a run of `request` through the retry loop with `policy` (both validated by the
    /// boundary), every attempt waiting for a place; `timeout_ms` gives up on it. The first
    /// caller's promise.
    pub fn start(
        self: &Rc<Self>,
        key: Option<String>,
        request: Function,
        signal: Option<AbortSignal>,
        timeout_ms: Option<f64>,
        policy: Policy,
        on_retry: Option<Function>,
    ) -> Result<Promise, JsValue> {
        let inner = self.clone();
        let cooldown_cap_ms = policy.max_retry_after_ms;
        let mut retry = Some((policy, on_retry));
        let controller = AbortController::new()?;
        let timed_out = Rc::new(Cell::new(false));
        let timer = timeout_ms.map(|ms| {
            let (c, flag) = (controller.clone(), timed_out.clone());
            settle::timeout(
                ms,
                Box::new(move || {
                    flag.set(true);
                    c.abort_with_reason(&timeout_error(ms));
                }),
            )
        });
        let run_id = inner.next_id();
        let shared = Rc::new(Shared { id: run_id, controller: controller.clone(), promise: RefCell::new(None), queued_ms: Rc::new(Cell::new(0.0)) });
        // The first place is taken now, so that `maxQueued` counts this run at once.
        let reservation: Reservation = Rc::new(RefCell::new(Some(reserve(&inner, false))));
        let gated_request = gated(inner.clone(), request, shared.queued_ms.clone(), reservation.clone(), cooldown_cap_ms);
        let inner2 = inner.clone();
        let timer = RefCell::new(timer);
        let settled = Promise::new(&mut |resolve, _reject| {
            let (inner2, timed_out, reservation, timer) = (inner2.clone(), timed_out.clone(), reservation.clone(), timer.take());
            let finished = move |r: JsValue| {
                drop(timer);
                if timed_out.get() {
                    mark_timed_out(&r);
                }
                // A retry that never came (given up, too long a wait, aborted) frees its place.
                let unused = reservation.borrow_mut().take();
                cancel_reservation(&inner2, unused);
                inner2.joins.borrow_mut().finish(run_id);
                take(&inner2.runs, &run_id);
                notify(&inner2);
                let _ = resolve.call1(&JsValue::NULL, &r);
            };
            if let Some((policy, on_retry)) = retry.take() {
                super::retry::run(gated_request.clone(), policy, Some(controller.signal()), on_retry, Box::new(finished));
            }
        });
        *shared.promise.borrow_mut() = Some(settled);
        inner.joins.borrow_mut().start(run_id, key);
        inner.runs.borrow_mut().push((run_id, shared.clone()));
        Ok(wait_caller(inner, shared, signal, false))
    }
}

/// Admits what may start now and sets the one timer for the next admission (or none).
fn pump(inner: &Rc<Loop>) {
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
fn reserve(inner: &Rc<Loop>, front: bool) -> (u64, Rc<Slot>) {
    let id = inner.next_id();
    let slot = Rc::new(Slot::default());
    inner.slots.borrow_mut().push((id, slot.clone()));
    inner.gate.borrow_mut().push(id, front);
    (id, slot)
}

/// Gives back a reserved place nobody used: removes it from the queue, or releases it.
fn cancel_reservation(inner: &Rc<Loop>, reserved: Option<(u64, Rc<Slot>)>) {
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
fn acquire(inner: &Rc<Loop>, reserved: Option<(u64, Rc<Slot>)>, signal: Option<&AbortSignal>, next: impl FnOnce(Result<f64, JsValue>) + 'static) {
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
fn gated(inner: Rc<Loop>, request: Function, queued: Rc<Cell<f64>>, reservation: Reservation, cooldown_cap_ms: f64) -> Function {
    let f = Closure::<dyn FnMut(JsValue) -> Promise>::new(move |ctx: JsValue| {
        let (inner, request, queued, reservation) = (inner.clone(), request.clone(), queued.clone(), reservation.clone());
        Promise::new(&mut |resolve, reject| {
            let (inner, request, queued, reservation) = (inner.clone(), request.clone(), queued.clone(), reservation.clone());
            let ctx = ctx.clone();
            let signal = context_signal(&ctx);
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

/// A caller's promise: the shared run's result with this caller's extras, or, when this
/// caller's signal aborts first, an aborted result (and the run is cancelled when this was
/// its last caller).
fn wait_caller(inner: Rc<Loop>, shared: Rc<Shared>, signal: Option<AbortSignal>, deduplicated: bool) -> Promise {
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
                        Ok(aborted_result(reason, deduplicated, shared.queued_ms.get()))
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
