//! `createRequestGate` through JS values, on the real event loop.

use super::retry::pending_timers;
use super::{assert_error, js, json, prop};
use js_sys::{Array, Function, Promise, Reflect};
use modash_flow::wasm::gate::{create_request_gate, RequestGate};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

fn gate(options: &str) -> RequestGate {
    create_request_gate(js(options)).expect("valid gate options")
}

async fn settle(p: Promise) -> JsValue {
    JsFuture::from(p).await.expect("gate.run resolves")
}

fn num(v: &JsValue, k: &str) -> f64 {
    prop(v, k).as_f64().unwrap_or(f64::NAN)
}

#[wasm_bindgen_test]
async fn rate_limit_holds_over_any_second() {
    let g = gate("{ requestsPerSecond: 20, burst: 5, maxConcurrent: 50 }");
    let log = js("({ starts: [] })");
    let f: Function =
        js("(log) => () => { log.starts.push(Date.now()); return 'ok'; }").unchecked_into::<Function>().call1(&JsValue::NULL, &log).unwrap().unchecked_into();
    let runs = Array::new();
    for _ in 0..50 {
        runs.push(&g.run(JsValue::NULL, f.clone().into(), JsValue::UNDEFINED));
    }
    let all = JsFuture::from(Promise::all(&runs)).await.unwrap();
    assert_eq!(Array::from(&all).length(), 50);
    let starts: Vec<f64> = Array::from(&prop(&log, "starts")).iter().map(|v| v.as_f64().unwrap()).collect();
    assert_eq!(starts.len(), 50);
    for (i, t) in starts.iter().enumerate() {
        let in_window = starts[i..].iter().filter(|u| **u < t + 1000.0).count();
        assert!(in_window <= 25, "{in_window} starts within 1 s of start {i}");
    }
    assert!(starts[49] - starts[0] >= 2000.0 - 50.0, "45 requests past the burst take about 2.25 s at 20/s: {}", starts[49] - starts[0]);
    assert_eq!(num(&g.stats(), "admitted"), 50.0);
}

#[wasm_bindgen_test]
async fn never_more_than_max_concurrent() {
    let g = gate("{ requestsPerSecond: 1000, burst: 100, maxConcurrent: 2 }");
    let s = js("({ now: 0, max: 0 })");
    let f: Function = js("(s) => () => { s.now++; s.max = Math.max(s.max, s.now); return new Promise((r) => setTimeout(() => { s.now--; r('done'); }, 20)); }")
        .unchecked_into::<Function>()
        .call1(&JsValue::NULL, &s)
        .unwrap()
        .unchecked_into();
    let runs = Array::new();
    for _ in 0..8 {
        runs.push(&g.run(JsValue::NULL, f.clone().into(), JsValue::UNDEFINED));
    }
    JsFuture::from(Promise::all(&runs)).await.unwrap();
    assert_eq!(num(&s, "max"), 2.0);
}

#[wasm_bindgen_test]
async fn a_429_pauses_the_whole_gate_and_its_retry_goes_first() {
    let g = gate("{ requestsPerSecond: 20, burst: 1, maxConcurrent: 4, retry: { initialDelayMs: 5 } }");
    let s = js("({ order: [], first: true, t429: 0 })");
    let make = js(r#"(s) => (name) => () => {
        s.order.push([name, Date.now()]);
        if (name === 'a' && s.first) { s.first = false; s.t429 = Date.now(); return { ok: false, status: 429, headers: { get: () => '1' } }; }
        return name;
    }"#)
    .unchecked_into::<Function>()
    .call1(&JsValue::NULL, &s)
    .unwrap()
    .unchecked_into::<Function>();
    let a = g.run(JsValue::NULL, make.call1(&JsValue::NULL, &"a".into()).unwrap(), JsValue::UNDEFINED);
    // Let a run and hit the 429 before queueing the others.
    JsFuture::from(js("new Promise((r) => setTimeout(r, 50))").unchecked_into::<Promise>()).await.unwrap();
    let paused = prop(&g.stats(), "pausedUntil");
    assert!(paused.as_f64().is_some(), "pausedUntil is shown while cooling down");
    let b = g.run(JsValue::NULL, make.call1(&JsValue::NULL, &"b".into()).unwrap(), JsValue::UNDEFINED);
    let c = g.run(JsValue::NULL, make.call1(&JsValue::NULL, &"c".into()).unwrap(), JsValue::UNDEFINED);
    JsFuture::from(js("new Promise((r) => setTimeout(r, 10))").unchecked_into::<Promise>()).await.unwrap();
    assert_eq!(num(&g.stats(), "queued"), 3.0, "the place held for the retry of a, then b and c");
    let ra = settle(a).await;
    settle(b).await;
    settle(c).await;
    assert_eq!(prop(&ra, "success"), JsValue::TRUE);
    let order = Array::from(&prop(&s, "order"));
    let names: Vec<String> = order.iter().map(|e| Array::from(&e).get(0).as_string().unwrap()).collect();
    assert_eq!(names, ["a", "a", "b", "c"], "the retry of a goes first");
    let t429 = num(&s, "t429");
    for e in order.iter().skip(1) {
        let t = Array::from(&e).get(1).as_f64().unwrap();
        assert!(t >= t429 + 990.0, "nothing starts during the cooldown ({} ms after the 429)", t - t429);
    }
}

#[wasm_bindgen_test]
async fn same_key_shares_one_request() {
    let g = gate("{ requestsPerSecond: 100, burst: 10 }");
    let s = js("({ calls: 0 })");
    let f: Function = js(
        "(s) => () => { s.calls++; return new Promise((r) => setTimeout(() => r({ ok: true, status: 200, headers: { get: () => null }, n: s.calls }), 30)); }",
    )
    .unchecked_into::<Function>()
    .call1(&JsValue::NULL, &s)
    .unwrap()
    .unchecked_into();
    let p1 = g.run("42:instagram".into(), f.clone().into(), JsValue::UNDEFINED);
    let p2 = g.run("42:instagram".into(), f.clone().into(), JsValue::UNDEFINED);
    let p3 = g.run("43:instagram".into(), f.clone().into(), JsValue::UNDEFINED);
    let (r1, r2, r3) = (settle(p1).await, settle(p2).await, settle(p3).await);
    assert_eq!(num(&s, "calls"), 2.0, "one call per key");
    assert_eq!((prop(&r1, "deduplicated"), prop(&r2, "deduplicated"), prop(&r3, "deduplicated")), (JsValue::FALSE, JsValue::TRUE, JsValue::FALSE));
    assert!(Reflect::get(&r1, &"data".into()).unwrap() == Reflect::get(&r2, &"data".into()).unwrap(), "the same Response");
    assert_eq!(num(&g.stats(), "deduplicated"), 1.0);
    assert!(num(&r1, "queuedMs") >= 0.0);
    // Once settled, the key is free again.
    settle(g.run("42:instagram".into(), f.into(), JsValue::UNDEFINED)).await;
    assert_eq!(num(&s, "calls"), 3.0);
}

#[wasm_bindgen_test]
async fn aborting_one_caller_keeps_the_shared_request_all_cancel_it() {
    let g = gate("{ requestsPerSecond: 100, burst: 10 }");
    let s = js("({ calls: 0, aborted: false })");
    let f: Function = js("(s) => (ctx) => { s.calls++; ctx.signal.addEventListener('abort', () => { s.aborted = true; }); return new Promise((r) => setTimeout(() => r('v'), 80)); }")
        .unchecked_into::<Function>().call1(&JsValue::NULL, &s).unwrap().unchecked_into();
    let c1 = js("new AbortController()");
    let o1 = js("({})");
    Reflect::set(&o1, &"signal".into(), &prop(&c1, "signal")).unwrap();
    let p1 = g.run("k".into(), f.clone().into(), o1);
    let p2 = g.run("k".into(), f.clone().into(), JsValue::UNDEFINED);
    js_sys::Function::new_with_args("c", "setTimeout(() => c.abort('left'), 10)").call1(&JsValue::NULL, &c1).unwrap();
    let (r1, r2) = (settle(p1).await, settle(p2).await);
    assert_eq!((prop(&r1, "aborted"), prop(&r1, "error").as_string()), (JsValue::TRUE, Some("left".into())));
    assert_eq!(prop(&r2, "data").as_string().as_deref(), Some("v"));
    assert_eq!(prop(&s, "aborted"), JsValue::FALSE, "the shared request went on");

    let (c1, c2) = (js("new AbortController()"), js("new AbortController()"));
    let (o1, o2) = (js("({})"), js("({})"));
    Reflect::set(&o1, &"signal".into(), &prop(&c1, "signal")).unwrap();
    Reflect::set(&o2, &"signal".into(), &prop(&c2, "signal")).unwrap();
    let p1 = g.run("k2".into(), f.clone().into(), o1);
    let p2 = g.run("k2".into(), f.clone().into(), o2);
    js_sys::Function::new_with_args("a,b", "setTimeout(() => { a.abort('x'); b.abort('y'); }, 10)").call2(&JsValue::NULL, &c1, &c2).unwrap();
    let (r1, r2) = (settle(p1).await, settle(p2).await);
    assert_eq!((prop(&r1, "aborted"), prop(&r2, "aborted")), (JsValue::TRUE, JsValue::TRUE));
    JsFuture::from(js("new Promise((r) => setTimeout(r, 20))").unchecked_into::<Promise>()).await.unwrap();
    assert_eq!(prop(&s, "aborted"), JsValue::TRUE, "every caller left: the shared request is cancelled");
}

#[wasm_bindgen_test]
async fn abort_while_queued_leaves_no_entry_and_no_timer() {
    pending_timers();
    let before = prop(&pending_timers(), "size").as_f64().unwrap();
    let g = gate("{}");
    g.pause(js("60000")).unwrap();
    let c = js("new AbortController()");
    let o = js("({})");
    Reflect::set(&o, &"signal".into(), &prop(&c, "signal")).unwrap();
    let s = js("({ calls: 0 })");
    let f: Function = js("(s) => () => { s.calls++; return 1; }").unchecked_into::<Function>().call1(&JsValue::NULL, &s).unwrap().unchecked_into();
    let p = g.run(JsValue::NULL, f.into(), o);
    JsFuture::from(js("new Promise((r) => setTimeout(r, 10))").unchecked_into::<Promise>()).await.unwrap();
    assert_eq!(num(&g.stats(), "queued"), 1.0);
    assert_eq!(prop(&pending_timers(), "size").as_f64().unwrap(), before + 1.0, "the gate's one timer");
    js_sys::Function::new_with_args("c", "c.abort('closed')").call1(&JsValue::NULL, &c).unwrap();
    let r = settle(p).await;
    assert_eq!(prop(&r, "aborted"), JsValue::TRUE);
    JsFuture::from(Promise::resolve(&JsValue::NULL)).await.unwrap();
    assert_eq!(num(&g.stats(), "queued"), 0.0);
    assert_eq!(num(&s, "calls"), 0.0);
    assert_eq!(prop(&pending_timers(), "size").as_f64().unwrap(), before, "no timer left behind");
}

#[wasm_bindgen_test]
async fn options_listeners_and_errors() {
    for (o, name) in [
        ("{ requestsPerSecond: 0 }", "requestsPerSecond"),
        ("{ requestsPerSecond: Infinity }", "requestsPerSecond"),
        ("{ burst: 0 }", "burst"),
        ("{ maxConcurrent: 0 }", "maxConcurrent"),
        ("{ maxConcurrent: 'four' }", "maxConcurrent"),
        ("{ retry: 3 }", "retry"),
    ] {
        assert_error(create_request_gate(js(o)).map(|_| ()), "INVALID_OPTION", name);
    }
    let g = gate("{}");
    let seen = js("({ n: 0, last: null })");
    let listener = js("(s) => (st) => { s.n++; s.last = st; }").unchecked_into::<Function>().call1(&JsValue::NULL, &seen).unwrap();
    let unsubscribe = g.on_change(listener).unwrap();
    settle(g.run(JsValue::NULL, js("() => 1"), JsValue::UNDEFINED)).await;
    let n = num(&seen, "n");
    assert!(n >= 2.0, "admission and release were reported");
    assert_eq!(num(&prop(&seen, "last"), "inFlight"), 0.0);
    unsubscribe.call0(&JsValue::NULL).unwrap();
    settle(g.run(JsValue::NULL, js("() => 1"), JsValue::UNDEFINED)).await;
    assert_eq!(num(&seen, "n"), n, "unsubscribed");
    assert_error(g.pause(js("-1")), "INVALID_ARGUMENT", "pause");
    let e = JsFuture::from(g.run(js("5"), js("() => 1"), JsValue::UNDEFINED)).await.unwrap_err();
    assert_eq!(prop(&e, "code").as_string().as_deref(), Some("INVALID_ARGUMENT"));
    let e = JsFuture::from(g.run(JsValue::NULL, js("() => 1"), js("{ maxRetries: -1 }"))).await.unwrap_err();
    assert_eq!(prop(&e, "code").as_string().as_deref(), Some("INVALID_OPTION"));
    // Options whose getters throw are a rejected promise with a clear error, not a throw.
    let hostile = js("{ maxRetries: 1, get onRetry() { throw new Error('x'); } }");
    let e = JsFuture::from(g.run(JsValue::NULL, js("() => 1"), hostile)).await.unwrap_err();
    assert_eq!(prop(&e, "code").as_string().as_deref(), Some("INVALID_OPTION"));
    let e = JsFuture::from(g.run(JsValue::NULL, js("() => 1"), js("new Proxy({}, { ownKeys() { throw new Error('x'); } })"))).await.unwrap_err();
    assert!(prop(&e, "message").as_string().unwrap().contains("options could not be read"));
    let g = gate("{ retry: new Proxy({}, { ownKeys() { throw new Error('x'); } }) }");
    let e = JsFuture::from(g.run(JsValue::NULL, js("() => 1"), JsValue::UNDEFINED)).await.unwrap_err();
    assert!(prop(&e, "message").as_string().unwrap().contains("retry options could not be read"));
    // And the gate still works afterwards.
    assert!(settle(gate("{}").run(JsValue::NULL, js("() => 7"), JsValue::UNDEFINED)).await.is_object());
}

async fn sleep(ms: u32) {
    JsFuture::from(js(&format!("new Promise((r) => setTimeout(r, {ms}))")).unchecked_into::<Promise>()).await.unwrap();
}

/// A 429 asking for three years pauses the gate no longer than `maxRetryAfterMs`.
#[wasm_bindgen_test]
async fn a_huge_retry_after_pauses_no_longer_than_the_cap() {
    let g = gate("{ retry: { maxRetryAfterMs: 2000 } }");
    let t0 = js_sys::Date::now();
    let r = settle(g.run(JsValue::NULL, js("() => ({ ok: false, status: 429, headers: { get: () => '99999999' } })"), JsValue::UNDEFINED)).await;
    assert_eq!(prop(&r, "success"), JsValue::FALSE);
    assert_eq!(num(&r, "waitTimeMs"), 99_999_999_000.0, "the caller is told what Modash asked for");
    let paused = num(&g.stats(), "pausedUntil");
    assert!(paused <= js_sys::Date::now() + 2000.0 && paused >= t0 + 1900.0, "paused until {} ms from now", paused - js_sys::Date::now());
}

/// maxConcurrent 1, a callback that never settles, then abort: the slot comes back at once.
#[wasm_bindgen_test]
async fn a_never_settling_request_frees_its_slot_on_abort() {
    let g = gate("{ requestsPerSecond: 1000, burst: 10, maxConcurrent: 1 }");
    let c = js("new AbortController()");
    let o = js("({})");
    Reflect::set(&o, &"signal".into(), &prop(&c, "signal")).unwrap();
    let stuck = g.run(JsValue::NULL, js("() => new Promise(() => {})"), o);
    sleep(10).await;
    assert_eq!(num(&g.stats(), "inFlight"), 1.0);
    js_sys::Function::new_with_args("c", "c.abort('closed')").call1(&JsValue::NULL, &c).unwrap();
    assert_eq!(prop(&settle(stuck).await, "aborted"), JsValue::TRUE);
    sleep(0).await;
    assert_eq!(num(&g.stats(), "inFlight"), 0.0, "the slot was released");
    let next = settle(g.run(JsValue::NULL, js("() => 'next'"), JsValue::UNDEFINED)).await;
    assert_eq!(prop(&next, "data").as_string().as_deref(), Some("next"));
}

/// `timeoutMs` ends a run that never settles, frees its slot, and says so.
#[wasm_bindgen_test]
async fn timeout_ms_ends_a_stuck_run() {
    let g = gate("{ requestsPerSecond: 1000, burst: 10, maxConcurrent: 1 }");
    let t0 = js_sys::Date::now();
    let r = settle(g.run("k".into(), js("() => new Promise(() => {})"), js("{ timeoutMs: 50 }"))).await;
    assert!(js_sys::Date::now() - t0 >= 45.0);
    assert_eq!((prop(&r, "success"), prop(&r, "aborted"), prop(&r, "timedOut")), (JsValue::FALSE, JsValue::FALSE, JsValue::TRUE));
    assert_eq!(prop(&prop(&r, "error"), "code").as_string().as_deref(), Some("TIMEOUT"));
    sleep(0).await;
    assert_eq!(num(&g.stats(), "inFlight"), 0.0);
    assert_eq!(prop(&settle(g.run("k".into(), js("() => 2"), JsValue::UNDEFINED)).await, "data").as_f64(), Some(2.0), "the key is free again");
}

/// Beyond `maxQueued` waiting requests, `run` answers QUEUE_FULL at once; joiners of a
/// queued key do not count.
#[wasm_bindgen_test]
async fn the_queue_is_bounded() {
    let g = gate("{ maxQueued: 2 }");
    g.pause(js("60000")).unwrap();
    let c = js("new AbortController()");
    let o = || {
        let o = js("({})");
        Reflect::set(&o, &"signal".into(), &prop(&c, "signal")).unwrap();
        o
    };
    let a = g.run("a".into(), js("() => 1"), o());
    let b = g.run("b".into(), js("() => 1"), o());
    let joiner = g.run("a".into(), js("() => 1"), o());
    let full = settle(g.run("c".into(), js("() => 1"), o())).await;
    assert_eq!((prop(&full, "success"), prop(&full, "aborted")), (JsValue::FALSE, JsValue::FALSE));
    assert_eq!(prop(&prop(&full, "error"), "code").as_string().as_deref(), Some("QUEUE_FULL"));
    assert_eq!(num(&g.stats(), "queued"), 2.0);
    js_sys::Function::new_with_args("c", "c.abort('done')").call1(&JsValue::NULL, &c).unwrap();
    for p in [a, b, joiner] {
        assert_eq!(prop(&settle(p).await, "aborted"), JsValue::TRUE);
    }
    for (o, name) in [("{ maxQueued: -1 }", "maxQueued"), ("{ maxQueued: 'x' }", "maxQueued")] {
        assert_error(create_request_gate(js(o)).map(|_| ()), "INVALID_OPTION", name);
    }
    let e = JsFuture::from(gate("{}").run(JsValue::NULL, js("() => 1"), js("{ timeoutMs: 0 }"))).await.unwrap_err();
    assert_eq!(prop(&e, "code").as_string().as_deref(), Some("INVALID_OPTION"));
}

/// `gate.run(key, () => fetch(url, { signal }), { signal })`: the request rejects during the
/// abort event, before the gate's listener runs; the caller still gets an aborted result with
/// the signal's reason, and the request is not tried again. The same when the request uses
/// the signal the gate hands it (issue 25).
#[wasm_bindgen_test]
async fn a_request_rejecting_on_abort_is_a_cancellation() {
    for which in ["s.c.signal", "ctx.signal"] {
        let g = gate("{ requestsPerSecond: 100, burst: 10 }");
        let s = js(&format!(
            r#"(() => {{ const s = {{ calls: 0 }}; s.c = new AbortController();
                s.fn = (ctx) => {{ s.calls++; const signal = {which}; return new Promise((_, reject) => {{
                    signal.addEventListener('abort', () => reject(new TypeError('Failed to fetch')));
                    setTimeout(() => s.c.abort(new Error('bulk refresh cancelled')), 5);
                }}); }};
                return s; }})()"#
        ));
        let o = js("{ maxRetries: 3, initialDelayMs: 1, jitter: 'none' }");
        Reflect::set(&o, &"signal".into(), &prop(&prop(&s, "c"), "signal")).unwrap();
        let r = settle(g.run("k".into(), prop(&s, "fn"), o)).await;
        assert_eq!(prop(&r, "aborted"), JsValue::TRUE, "{which}");
        assert_eq!(prop(&prop(&r, "error"), "message").as_string().as_deref(), Some("bulk refresh cancelled"), "{which}");
        JsFuture::from(js("new Promise((r) => setTimeout(r, 20))").unchecked_into::<Promise>()).await.unwrap();
        assert_eq!(num(&s, "calls"), 1.0, "no further attempt ({which})");
        assert_eq!((num(&g.stats(), "inFlight"), num(&g.stats(), "queued")), (0.0, 0.0), "the place is free ({which})");
    }
}

/// Every count option is a whole number in its range; a fraction is refused naming the option
/// and the value, before any call (issue 25).
#[wasm_bindgen_test]
fn count_options_refuse_fractions() {
    use modash_flow::wasm::shared_gate::gate_step;
    for (o, needle) in [
        ("{ maxQueued: 1.5 }", "maxQueued: 1.5 is not a whole number >= 0"),
        ("{ maxConcurrent: 1.5 }", "maxConcurrent: 1.5 is not a whole number >= 1"),
        ("{ burst: 1.5 }", "burst: 1.5 is not a whole number >= 1"),
        ("{ maxQueued: -1 }", "maxQueued: -1"),
    ] {
        assert_error(create_request_gate(js(o)).map(|_| ()), "INVALID_OPTION", needle);
    }
    for (o, needle) in [
        ("{ burst: 1.5 }", "burst: 1.5 is not a whole number >= 1"),
        ("{ maxConcurrent: 2.5 }", "maxConcurrent: 2.5"),
        ("{ maxWaiting: 0.5 }", "maxWaiting: 0.5"),
        ("{ dailyCredits: 10.5 }", "dailyCredits: 10.5"),
    ] {
        assert_error(gate_step(JsValue::NULL, js("{ op: 'cancel', id: 'x' }"), 0.0.into(), js(o)), "INVALID_OPTION", needle);
    }
    // Whole numbers still pass.
    assert!(create_request_gate(js("{ maxQueued: 0, maxConcurrent: 1, burst: 3 }")).is_ok());
    assert!(gate_step(JsValue::NULL, js("{ op: 'cancel', id: 'x' }"), 0.0.into(), js("{ burst: 2, maxWaiting: 5, dailyCredits: 0 }")).is_ok());
}

/// `gateStep` through JS values: the state is a plain object that survives JSON (a server
/// stores it in a row), and bad input is a clear error.
#[wasm_bindgen_test]
fn gate_step_through_js() {
    use modash_flow::wasm::shared_gate::gate_step;
    let opts = js("{ requestsPerSecond: 1.5, burst: 1, dailyCredits: 10 }");
    let a = gate_step(JsValue::NULL, js("{ op: 'acquire', id: 'a', priority: 'bulk', cost: 1 }"), 1000.0.into(), opts.clone()).unwrap();
    assert_eq!(prop(&a, "admit"), JsValue::TRUE);
    // Stored as JSON text and read back, as a server does.
    let stored = js_sys::JSON::parse(&json(&prop(&a, "state"))).unwrap();
    let b = gate_step(stored, js("{ op: 'acquire', id: 'b', priority: 'interactive', cost: 1 }"), 1100.0.into(), opts.clone()).unwrap();
    assert_eq!((prop(&b, "admit"), prop(&b, "blocked").as_string().as_deref()), (JsValue::FALSE, Some("rate")));
    assert!((num(&b, "waitMs") - (1000.0 / 1.5 - 100.0)).abs() < 1e-6);
    let st = prop(&b, "state");
    assert_eq!(num(&st, "creditsSpent"), 1.0);
    assert_eq!(js_sys::Array::from(&prop(&st, "waiting")).length(), 1);
    let r = gate_step(st, js("{ op: 'release', id: 'a', retryAfterMs: 5000, charged: false }"), 1200.0.into(), opts.clone()).unwrap();
    let st = prop(&r, "state");
    assert_eq!((num(&st, "pausedUntil"), num(&st, "creditsSpent")), (6200.0, 0.0));
    for (req, needle) in [
        ("{ op: 'acquire', id: 'x', priority: 'urgent' }", "priority"),
        ("{ op: 'acquire', id: 'x', priority: 'bulk', cost: -1 }", "cost"),
        ("{ op: 'fly', id: 'x' }", "request could not be read"),
        ("{ op: 'acquire', priority: 'bulk' }", "request could not be read"),
        ("null", "request could not be read"),
    ] {
        assert_error(gate_step(JsValue::NULL, js(req), 0.0.into(), JsValue::UNDEFINED), "INVALID_ARGUMENT", needle);
    }
    assert_error(
        gate_step(js("{ tokens: 'many' }"), js("{ op: 'cancel', id: 'x' }"), 0.0.into(), JsValue::UNDEFINED),
        "INVALID_ARGUMENT",
        "state could not be read",
    );
    assert_error(gate_step(JsValue::NULL, js("{ op: 'cancel', id: 'x' }"), js("NaN"), JsValue::UNDEFINED), "INVALID_ARGUMENT", "now");
    assert_error(gate_step(JsValue::NULL, js("{ op: 'cancel', id: 'x' }"), 0.0.into(), js("{ burst: 0 }")), "INVALID_OPTION", "burst");
    assert_error(
        gate_step(JsValue::NULL, js("{ op: 'cancel', id: 'x' }"), 0.0.into(), js("{ burst: 'two' }")),
        "INVALID_ARGUMENT",
        "options could not be read",
    );
}
