//! Waiting without futures: one pending step of a loop (the retry loop, the gate) is a
//! continuation called once, by whichever comes first: the awaited value settling, the timer
//! firing, or the caller's `AbortSignal` aborting. The moment one wins, the others are cleared
//! (the abort listener removed, the gloo-timers `Timeout` dropped, which clears it), so an
//! aborted wait leaves no timer and no listener behind.

use crate::wasm::js::settle_with;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

/// How a step ended.
pub enum Outcome {
    /// The awaited value settled: fulfilled (`Ok`) or rejected (`Err`).
    Settled(Result<JsValue, JsValue>),
    /// The timer fired.
    Elapsed,
    /// The signal aborted first; its reason.
    Aborted(JsValue),
}

/// What runs when a step ends (boxed: one copy of each step's code, whoever waits).
pub type Next = Box<dyn FnOnce(Outcome)>;

pub struct Pending {
    next: RefCell<Option<Next>>,
    signal: Option<AbortSignal>,
    listener: RefCell<Option<Closure<dyn FnMut()>>>,
    timer: RefCell<Option<Timeout>>,
}

impl Pending {
    /// Clears the abort listener and the timer (each at most once).
    fn clear(&self) {
        if let (Some(signal), Some(listener)) = (&self.signal, self.listener.borrow_mut().take()) {
            let _ = signal.remove_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
            // Dropped here even when the listener itself is running: wasm-bindgen frees a
            // closure only once its call has returned.
            drop(listener);
        }
        drop(self.timer.borrow_mut().take());
    }
}

/// A step nobody can end any more (its value and timer gone with it) leaves no listener on the
/// caller's signal: a listener whose closure was dropped would throw when the signal aborts.
impl Drop for Pending {
    fn drop(&mut self) {
        self.clear();
    }
}

/// Ends the step once: clears the listener and the timer, then runs the continuation.
pub fn finish(p: &Rc<Pending>, outcome: Outcome) {
    let Some(next) = p.next.borrow_mut().take() else { return };
    p.clear();
    next(outcome);
}

/// A step that `signal` ends early, or [`finish`] ends; `None` when the signal has aborted
/// already (then `next` has run).
pub fn pending(signal: Option<&AbortSignal>, next: Next) -> Option<Rc<Pending>> {
    let p = Rc::new(Pending { next: RefCell::new(Some(next)), signal: signal.cloned(), listener: RefCell::default(), timer: RefCell::default() });
    if let Some(signal) = signal {
        if signal.aborted() {
            finish(&p, Outcome::Aborted(signal.reason()));
            return None;
        }
        let weak = Rc::downgrade(&p);
        let s = signal.clone();
        // The step ends in a microtask, not inside the abort event's dispatch: what it runs
        // next (another abort, a release, a new wait) then never nests in that dispatch.
        let listener = Closure::<dyn FnMut()>::new(move || {
            if let Some(p) = weak.upgrade() {
                let reason = s.reason();
                soon(Box::new(move || finish(&p, Outcome::Aborted(reason))));
            }
        });
        let _ = signal.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        *p.listener.borrow_mut() = Some(listener);
    }
    Some(p)
}

/// Waits for `value` (a promise, a thenable or a plain value) unless `signal` aborts first.
/// An aborted signal wins whichever settles first: fetch-like code handed the signal rejects
/// with its own `AbortError` during the abort event, before this step's listener has run, and
/// that rejection is the caller's cancellation, not a failed attempt (p-retry and ky agree).
/// One callback, called whichever way the value settles: a callback made with
/// `once_into_js` is freed only by its call (two, one per outcome, left the other one and its
/// step behind on every wait). A value that never settles keeps that one callback alive.
pub fn when_settled(value: &JsValue, signal: Option<&AbortSignal>, next: Next) {
    let Some(p) = pending(signal, next) else { return };
    let done = Closure::once_into_js(move |fulfilled: bool, v: JsValue| {
        let outcome = match aborted(p.signal.as_ref()) {
            Some(reason) => Outcome::Aborted(reason),
            None => Outcome::Settled(if fulfilled { Ok(v) } else { Err(v) }),
        };
        finish(&p, outcome)
    });
    settle_with(value, &done);
}

/// The signal's reason when it has aborted.
pub fn aborted(signal: Option<&AbortSignal>) -> Option<JsValue> {
    signal.filter(|s| s.aborted()).map(|s| s.reason())
}

/// Waits `ms` on the event loop's `setTimeout` unless `signal` aborts first.
pub fn after(ms: f64, signal: Option<&AbortSignal>, next: Next) {
    let Some(p) = pending(signal, next) else { return };
    // The timer's callback owns the step; `finish` drops the timer, which ends that cycle.
    let owner = p.clone();
    let timer = timeout(ms, Box::new(move || finish(&owner, Outcome::Elapsed)));
    *p.timer.borrow_mut() = Some(timer);
}

/// Longest wait `setTimeout` keeps (a longer one fires at once): 2^31 - 1 ms, about 24.8 days.
const LONGEST_MS: f64 = 2_147_483_647.0;

/// gloo-timers' callback `Timeout` (dropping it clears it), for every timer of the module: one
/// boxed callback type, so the timer's JS glue exists once, not once per place that waits.
/// `ms` is rounded up and kept within what `setTimeout` honours (NaN and negatives are 0).
pub fn timeout(ms: f64, f: Box<dyn FnOnce()>) -> Timeout {
    let ms = if ms > 0.0 { ms.ceil().min(LONGEST_MS) } else { 0.0 };
    Timeout::new(ms as u32, f)
}

/// Runs `f` in a microtask (after the current call returns, before any timer): a wait for
/// `undefined` to settle, with no signal.
pub fn soon(f: Box<dyn FnOnce()>) {
    when_settled(&JsValue::UNDEFINED, None, Box::new(move |_| f()));
}
