//! `retryRequest` through JS values, with fake callbacks on the real event loop. Elapsed-time
//! assertions use generous upper bounds; lower bounds are the waits themselves.

use super::{js, json, prop, retry_request};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// Wraps the global setTimeout/clearTimeout once and returns the set of pending timers.
pub fn pending_timers() -> JsValue {
    js(r#"(() => {
        if (!globalThis.__mfTimers) {
            const st = globalThis.setTimeout, ct = globalThis.clearTimeout, pending = new Set();
            globalThis.__mfTimers = pending;
            globalThis.setTimeout = function (f, ms, ...a) {
                const id = st(function () { pending.delete(id); return f(...a); }, ms);
                pending.add(id);
                return id;
            };
            globalThis.clearTimeout = function (id) { pending.delete(id); return ct(id); };
        }
        return globalThis.__mfTimers;
    })()"#)
}

fn pending_count() -> f64 {
    prop(&pending_timers(), "size").as_f64().unwrap()
}

/// A fake fetch: answers the statuses in `seq` in turn (the last repeats) as Response-like
/// objects with `headers.get` reading `headers` (a JS object literal); counts calls in `calls`.
fn fake(seq: &str, headers: &str) -> JsValue {
    js(&format!(
        r#"(() => {{
        const s = {{ calls: 0, seq: {seq}, infos: [], contexts: [] }};
        const h = {headers};
        s.fn = (ctx) => {{
            s.contexts.push(ctx);
            const st = s.seq[Math.min(s.calls++, s.seq.length - 1)];
            return Promise.resolve({{ ok: st >= 200 && st < 300, status: st, headers: {{ get: (n) => (h[n.toLowerCase()] ?? null) }} }});
        }};
        s.onRetry = (i) => s.infos.push(i);
        return s;
    }})()"#
    ))
}

async fn retry(s: &JsValue, options: &str) -> JsValue {
    let opts = js(options);
    if opts.is_object() && js_sys::Reflect::get(&opts, &"onRetry".into()).unwrap().is_undefined() {
        js_sys::Reflect::set(&opts, &"onRetry".into(), &prop(s, "onRetry")).unwrap();
    }
    retry_request(prop(s, "fn"), opts).await.expect("retryRequest resolves")
}

fn num(v: &JsValue, key: &str) -> Option<f64> {
    prop(v, key).as_f64()
}

#[wasm_bindgen_test]
async fn rate_limited_once_then_ok() {
    let s = fake("[429, 200]", "{}");
    let r = retry(&s, "{ initialDelayMs: 10, jitter: 'none' }").await;
    assert_eq!(prop(&r, "success"), JsValue::TRUE);
    assert_eq!(num(&r, "status"), Some(200.0));
    assert_eq!(num(&r, "retriesUsed"), Some(1.0));
    assert_eq!(num(&prop(&r, "data"), "status"), Some(200.0), "data is the Response");
    assert_eq!(prop(&r, "aborted"), JsValue::FALSE);
    assert!(prop(&r, "error").is_undefined());
    assert_eq!(num(&s, "calls"), Some(2.0));
    assert_eq!(json(&js_sys::Array::from(&prop(&s, "contexts")).map(&mut |c, _, _| prop(&c, "attempt")).into()), "[1,2]");
}

#[wasm_bindgen_test]
async fn service_unavailable_twice_with_exact_delays() {
    let s = fake("[503, 503, 200]", "{}");
    let t0 = js_sys::Date::now();
    let r = retry(&s, "{ initialDelayMs: 50, backoffMultiplier: 2, jitter: 'none' }").await;
    let elapsed = js_sys::Date::now() - t0;
    assert_eq!(prop(&r, "success"), JsValue::TRUE);
    assert_eq!(num(&r, "retriesUsed"), Some(2.0));
    assert!((149.0..3000.0).contains(&elapsed), "waited 50 + 100 ms, took {elapsed}");
    let infos = js_sys::Array::from(&prop(&s, "infos"));
    let seq: Vec<String> = infos
        .iter()
        .map(|i| {
            format!(
                "{}:{}:{}:{}:{}",
                json(&prop(&i, "attempt")),
                json(&prop(&i, "status")),
                json(&prop(&i, "delayMs")),
                json(&prop(&i, "retryAfterMs")),
                json(&prop(&i, "maxRetries"))
            )
        })
        .collect();
    assert_eq!(seq, ["1:503:50:null:3", "2:503:100:null:3"]);
    assert!(prop(&infos.get(0), "error").is_instance_of::<js_sys::Error>());
}

#[wasm_bindgen_test]
async fn retry_after_seconds_is_waited_exactly() {
    let s = fake("[429, 200]", "{ 'retry-after': '1' }");
    let t0 = js_sys::Date::now();
    let r = retry(&s, "{ initialDelayMs: 5, jitter: 'full' }").await;
    let elapsed = js_sys::Date::now() - t0;
    assert_eq!(prop(&r, "success"), JsValue::TRUE);
    assert!((999.0..4000.0).contains(&elapsed), "{elapsed}");
    let info = js_sys::Array::from(&prop(&s, "infos")).get(0);
    assert_eq!((num(&info, "delayMs"), num(&info, "retryAfterMs")), (Some(1000.0), Some(1000.0)));
}

#[wasm_bindgen_test]
async fn retry_after_http_date() {
    let date = js("new Date(Date.now() + 2000).toUTCString()").as_string().unwrap();
    let s = fake("[503, 200]", &format!("{{ 'retry-after': '{date}' }}"));
    let r = retry(&s, "{ initialDelayMs: 5 }").await;
    assert_eq!(prop(&r, "success"), JsValue::TRUE);
    let info = js_sys::Array::from(&prop(&s, "infos")).get(0);
    let ra = num(&info, "retryAfterMs").unwrap();
    assert!((900.0..=2000.0).contains(&ra), "HTTP-date has second precision: {ra}");
    assert_eq!(num(&info, "delayMs"), Some(ra));
    // A date in the past means 0; a plain-object header map on error.response works too.
    let s = js(
        r#"(() => { const s = { calls: 0 }; s.fn = () => { if (s.calls++ === 0) { const e = new Error('busy'); e.response = { status: 503, headers: { 'Retry-After': 'Sun, 06 Nov 1994 08:49:37 GMT' } }; throw e; } return 'ok'; }; s.infos = []; s.onRetry = (i) => s.infos.push(i); return s; })()"#,
    );
    let r = retry(&s, "{}").await;
    assert_eq!(prop(&r, "data").as_string().as_deref(), Some("ok"));
    let info = js_sys::Array::from(&prop(&s, "infos")).get(0);
    assert_eq!((num(&info, "status"), num(&info, "retryAfterMs")), (Some(503.0), Some(0.0)));
}

#[wasm_bindgen_test]
async fn retry_after_above_the_cap_stops_at_once() {
    let s = fake("[429, 200]", "{ 'retry-after': '120' }");
    let r = retry(&s, "{ maxRetryAfterMs: 5000 }").await;
    assert_eq!(prop(&r, "success"), JsValue::FALSE);
    assert_eq!(num(&r, "waitTimeMs"), Some(120_000.0));
    assert_eq!(num(&r, "status"), Some(429.0));
    assert_eq!(num(&r, "retriesUsed"), Some(0.0));
    assert_eq!(num(&s, "calls"), Some(1.0));
    // Garbage Retry-After is ignored: the backoff applies.
    let s = fake("[429, 200]", "{ 'retry-after': 'soon' }");
    let r = retry(&s, "{ initialDelayMs: 5, jitter: 'none' }").await;
    assert_eq!(prop(&r, "success"), JsValue::TRUE);
    assert_eq!(num(&js_sys::Array::from(&prop(&s, "infos")).get(0), "delayMs"), Some(5.0));
}

#[wasm_bindgen_test]
async fn not_found_is_not_retried() {
    let s = fake("[404, 200]", "{}");
    let r = retry(&s, "{ initialDelayMs: 5 }").await;
    assert_eq!(prop(&r, "success"), JsValue::FALSE);
    assert_eq!(num(&r, "status"), Some(404.0));
    assert_eq!(num(&s, "calls"), Some(1.0));
    let e = prop(&r, "error");
    assert!(e.is_instance_of::<js_sys::Error>());
    assert_eq!(num(&e, "status"), Some(404.0));
    assert_eq!(num(&prop(&e, "response"), "status"), Some(404.0));
    assert!(prop(&r, "waitTimeMs").is_null());
}

#[wasm_bindgen_test]
async fn network_type_error_is_retried_and_sync_throws_are_failures() {
    let s = js(
        r#"(() => { const s = { calls: 0 }; s.fn = () => { if (s.calls++ === 0) return Promise.reject(new TypeError('fetch failed')); return 7; }; s.onRetry = () => {}; return s; })()"#,
    );
    let r = retry(&s, "{ initialDelayMs: 5 }").await;
    assert_eq!((prop(&r, "success"), num(&r, "retriesUsed"), num(&r, "data")), (JsValue::TRUE, Some(1.0), Some(7.0)));
    assert!(prop(&r, "status").is_null());
    let r = retry(&s, "{ initialDelayMs: 5, retryOnNetworkError: false }").await;
    assert_eq!(prop(&r, "success"), JsValue::TRUE, "second fake call succeeds at once");

    let s = js(
        r#"(() => { const s = { calls: 0 }; s.fn = () => { s.calls++; throw new Error('Modash API error (500): boom'); }; s.onRetry = () => {}; return s; })()"#,
    );
    let r = retry(&s, "{ maxRetries: 2, initialDelayMs: 1 }").await;
    assert_eq!(prop(&r, "success"), JsValue::FALSE);
    assert_eq!(num(&r, "status"), Some(500.0));
    assert_eq!(num(&r, "retriesUsed"), Some(2.0));
    assert_eq!(num(&s, "calls"), Some(3.0));
    assert_eq!(prop(&prop(&r, "error"), "message").as_string().unwrap(), "Modash API error (500): boom");
    // Thrown non-errors (a string, null) are failures with no status, not retried.
    let s = js(r#"(() => { const s = { calls: 0 }; s.fn = () => { s.calls++; throw null; }; s.onRetry = () => {}; return s; })()"#);
    let r = retry(&s, "{}").await;
    assert_eq!((prop(&r, "success"), num(&s, "calls")), (JsValue::FALSE, Some(1.0)));
    assert!(prop(&r, "error").is_null());
}

#[wasm_bindgen_test]
async fn rate_limit_exhausted_says_so() {
    let s = fake("[429]", "{}");
    let r = retry(&s, "{ maxRetries: 2, initialDelayMs: 1, jitter: 'none' }").await;
    assert_eq!(prop(&r, "success"), JsValue::FALSE);
    assert_eq!(num(&r, "retriesUsed"), Some(2.0));
    assert_eq!(num(&s, "calls"), Some(3.0));
    assert_eq!(num(&r, "waitTimeMs"), Some(4.0), "the next backoff: 1 * 2^2");
    let msg = prop(&prop(&r, "error"), "message").as_string().unwrap();
    assert!(msg.contains("Rate limit exceeded after 2 retries"), "{msg}");
    assert_eq!(num(&prop(&r, "error"), "status"), Some(429.0));
    // maxRetries: 0 makes exactly one call.
    let s = fake("[503]", "{}");
    let r = retry(&s, "{ maxRetries: 0 }").await;
    assert_eq!((num(&s, "calls"), num(&r, "retriesUsed")), (Some(1.0), Some(0.0)));
}

#[wasm_bindgen_test]
async fn abort_during_a_wait_clears_the_timer() {
    pending_timers();
    let before = pending_count();
    let s = fake("[503, 200]", "{}");
    let c = js("new AbortController()");
    js_sys::Reflect::set(&s, &"c".into(), &c).unwrap();
    let opts = js("{ initialDelayMs: 60000, jitter: 'none' }");
    js_sys::Reflect::set(&opts, &"signal".into(), &prop(&c, "signal")).unwrap();
    // Abort from onRetry's next tick: the 60 s wait has started by then.
    let abort = js("(s) => (i) => { Promise.resolve().then(() => { s.pendingAtAbort = globalThis.__mfTimers.size; s.c.abort(new Error('panel closed')); }); }");
    let on_retry = js_sys::Function::from(abort).call1(&JsValue::NULL, &s).unwrap();
    js_sys::Reflect::set(&opts, &"onRetry".into(), &on_retry).unwrap();
    let t0 = js_sys::Date::now();
    let r = retry_request(prop(&s, "fn"), opts).await.unwrap();
    assert!(js_sys::Date::now() - t0 < 5000.0, "ended at once");
    assert_eq!(prop(&r, "aborted"), JsValue::TRUE);
    assert_eq!(prop(&r, "success"), JsValue::FALSE);
    assert_eq!(prop(&prop(&r, "error"), "message").as_string().as_deref(), Some("panel closed"));
    assert_eq!(num(&s, "calls"), Some(1.0), "no further call");
    assert_eq!(num(&s, "pendingAtAbort"), Some(before + 1.0), "the wait's timer was pending (the wrapper sees it)");
    assert_eq!(pending_count(), before, "no timer left behind");
}

#[wasm_bindgen_test]
async fn abort_before_the_first_call_and_during_a_call() {
    let s = fake("[200]", "{}");
    let opts = js("(() => { const c = new AbortController(); c.abort('gone'); return { signal: c.signal }; })()");
    let r = retry_request(prop(&s, "fn"), opts).await.unwrap();
    assert_eq!((prop(&r, "aborted"), prop(&r, "error").as_string()), (JsValue::TRUE, Some("gone".into())));
    assert_eq!(num(&s, "calls"), Some(0.0));

    // A call that never settles still ends when the signal aborts; the callback got the signal.
    let s = js(
        r#"(() => { const s = { calls: 0 }; s.c = new AbortController(); s.fn = (ctx) => { s.calls++; s.got = ctx.signal === s.c.signal; setTimeout(() => s.c.abort(new DOMException('closed', 'AbortError')), 20); return new Promise(() => {}); }; return s; })()"#,
    );
    let opts = js("{}");
    js_sys::Reflect::set(&opts, &"signal".into(), &prop(&prop(&s, "c"), "signal")).unwrap();
    let r = retry_request(prop(&s, "fn"), opts).await.unwrap();
    assert_eq!(prop(&r, "aborted"), JsValue::TRUE);
    assert_eq!(prop(&s, "got"), JsValue::TRUE);
    assert_eq!(prop(&prop(&r, "error"), "name").as_string().as_deref(), Some("AbortError"));
}

/// Fetch-like code handed the signal (`fetch(url, { signal })`) rejects with its own error at
/// the moment of the abort, before the loop's abort listener runs: still an aborted result
/// with the signal's reason, and no further attempt (issue 25). Both rejections a real fetch
/// gives: an `AbortError`, and a `TypeError` (which is otherwise a retried network error).
#[wasm_bindgen_test]
async fn a_request_rejecting_on_abort_is_a_cancellation() {
    for error in ["new DOMException('The operation was aborted.', 'AbortError')", "new TypeError('Failed to fetch')"] {
        let s = js(&format!(
            r#"(() => {{ const s = {{ calls: 0 }}; s.c = new AbortController();
                s.fn = (ctx) => {{ s.calls++; return new Promise((_, reject) => {{
                    ctx.signal.addEventListener('abort', () => reject({error}));
                    setTimeout(() => s.c.abort(new Error('bulk refresh cancelled')), 5);
                }}); }};
                return s; }})()"#
        ));
        let opts = js("{ maxRetries: 3, initialDelayMs: 1, jitter: 'none' }");
        js_sys::Reflect::set(&opts, &"signal".into(), &prop(&prop(&s, "c"), "signal")).unwrap();
        let r = retry_request(prop(&s, "fn"), opts).await.unwrap();
        assert_eq!(prop(&r, "aborted"), JsValue::TRUE, "{error}");
        assert_eq!(prop(&r, "success"), JsValue::FALSE);
        assert_eq!(prop(&prop(&r, "error"), "message").as_string().as_deref(), Some("bulk refresh cancelled"), "the signal's reason, not the request's error");
        assert_eq!(num(&s, "calls"), Some(1.0), "no further attempt");
    }
    // A request that throws synchronously because the signal aborted during the call.
    let s = js(r#"(() => { const s = { calls: 0 }; s.c = new AbortController();
        s.fn = (ctx) => { s.calls++; s.c.abort('closed'); ctx.signal.throwIfAborted(); };
        return s; })()"#);
    let opts = js("{ maxRetries: 3, initialDelayMs: 1 }");
    js_sys::Reflect::set(&opts, &"signal".into(), &prop(&prop(&s, "c"), "signal")).unwrap();
    let r = retry_request(prop(&s, "fn"), opts).await.unwrap();
    assert_eq!((prop(&r, "aborted"), prop(&r, "error").as_string()), (JsValue::TRUE, Some("closed".into())));
    assert_eq!(num(&s, "calls"), Some(1.0));
}

/// Count options are whole numbers: a fraction is refused like a negative (issue 25).
#[wasm_bindgen_test]
async fn count_options_refuse_fractions() {
    for (options, needle) in [("{ maxRetries: 1.5 }", "maxRetries: 1.5 is not a whole number >= 0"), ("{ retryableStatuses: [429.5] }", "429.5")] {
        let s = fake("[200]", "{}");
        let e = retry_request(prop(&s, "fn"), js(options)).await.unwrap_err();
        assert_eq!(prop(&e, "code").as_string().as_deref(), Some("INVALID_OPTION"), "{options}");
        let msg = prop(&e, "message").as_string().unwrap();
        assert!(msg.contains(needle), "{msg}");
        assert_eq!(num(&s, "calls"), Some(0.0), "refused before any call");
    }
}

#[wasm_bindgen_test]
async fn on_retry_that_throws_does_not_stop_retries() {
    let s = fake("[502, 200]", "{}");
    let r = retry(&s, "{ initialDelayMs: 1, onRetry: () => { throw new Error('UI bug'); } }").await;
    assert_eq!(prop(&r, "success"), JsValue::TRUE);
    assert_eq!(num(&r, "retriesUsed"), Some(1.0));
}

#[wasm_bindgen_test]
async fn invalid_options_reject_before_any_call() {
    let s = fake("[200]", "{}");
    for (options, name) in [
        ("{ maxRetries: -1 }", "maxRetries"),
        ("{ maxRetries: 1.5 }", "maxRetries"),
        ("{ initialDelayMs: NaN }", "initialDelayMs"),
        ("{ maxDelayMs: -1 }", "maxDelayMs"),
        ("{ maxDelayMs: Infinity }", "maxDelayMs"),
        ("{ backoffMultiplier: 0.5 }", "backoffMultiplier"),
        ("{ retryableStatuses: [429, 700] }", "retryableStatuses"),
        ("{ retryableStatuses: [99] }", "retryableStatuses"),
        ("{ onRetry: 'log' }", "onRetry"),
        ("{ jitter: 'some' }", "jitter"),
        ("{ signal: {} }", "signal"),
        ("{ maxRetryAfterMs: -5 }", "maxRetryAfterMs"),
        ("{ maxRetries: '3' }", "maxRetries"),
        // Lists whose reads throw, or that claim billions of values: option errors, at once.
        (
            "{ retryableStatuses: new Proxy([429], { get(t, k) { if (k === '0') throw new Error('x'); return t[k]; } }) }",
            "retryableStatuses: could not be read",
        ),
        ("{ retryableStatuses: new Proxy([], { get(t, k) { return k === 'length' ? 2 ** 32 - 1 : t[k]; } }) }", "more than 1000 values"),
    ] {
        let e = retry_request(prop(&s, "fn"), js(options)).await.expect_err(options);
        assert_eq!(prop(&e, "code").as_string().as_deref(), Some("INVALID_OPTION"), "{options}");
        assert!(prop(&e, "message").as_string().unwrap().contains(name), "{options}");
    }
    assert_eq!(num(&s, "calls"), Some(0.0));
    let e = retry_request(js("42"), JsValue::UNDEFINED).await.expect_err("not a function");
    assert_eq!(prop(&e, "code").as_string().as_deref(), Some("INVALID_ARGUMENT"));
}

#[wasm_bindgen_test]
async fn a_thousand_concurrent_requests_settle_without_leaking_timers() {
    pending_timers();
    let before = pending_count();
    let s = fake("[200]", "{}");
    // Each request fails once (503) then succeeds; all share one counter per request id.
    let make = js(r#"() => { let n = 0; return () => (n++ === 0 ? Promise.resolve({ ok: false, status: 503, headers: { get: () => null } }) : 'done'); }"#);
    let make = js_sys::Function::from(make);
    let promises = js_sys::Array::new();
    for _ in 0..1000 {
        let f = make.call0(&JsValue::NULL).unwrap();
        let p = wasm_bindgen_futures::future_to_promise(async move { retry_request(f, js("{ initialDelayMs: 5, jitter: 'full' }")).await });
        promises.push(&p);
    }
    let all = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::all(&promises)).await.unwrap();
    let results = js_sys::Array::from(&all);
    assert_eq!(results.length(), 1000);
    assert!(results.iter().all(|r| prop(&r, "success") == JsValue::TRUE && num(&r, "retriesUsed") == Some(1.0)));
    assert_eq!(pending_count(), before, "no leaked timers");
    drop(s);
}

/// Every settled wait frees what it held: thousands of attempts, fulfilled and rejected, leave
/// the module's memory where it was. (A callback per outcome, made with `once_into_js`, left
/// the uncalled one and its step behind on every wait: about 100 bytes each.)
#[wasm_bindgen_test]
async fn settled_waits_leave_nothing_behind() {
    let pages = || {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() / 65536
    };
    // A 404 is not retried: one attempt each, its rejection awaited.
    let (ok, bad) = (js("() => Promise.resolve('x')"), js("() => Promise.reject(new Error('Modash API error (404)'))"));
    for i in 0..1000 {
        retry_request(if i % 2 == 0 { ok.clone() } else { bad.clone() }, JsValue::UNDEFINED).await.unwrap();
    }
    let before = pages();
    for i in 0..20000 {
        let r = retry_request(if i % 2 == 0 { ok.clone() } else { bad.clone() }, JsValue::UNDEFINED).await.unwrap();
        assert_eq!(prop(&r, "success").as_bool(), Some(i % 2 == 0));
    }
    let grown = pages() - before;
    assert!(grown <= 2, "memory grew by {grown} pages of 64 KB over 20,000 settled attempts");
}

/// `parseRetryAfter`: the retry loop's own reader, exported (delta-seconds, an HTTP-date, a
/// number of seconds; null for anything else).
#[wasm_bindgen_test]
fn parse_retry_after_is_the_loops_reader() {
    use modash_flow::wasm::retry::parse_retry_after;
    let now = 1_736_935_200_000.0; // Wed, 15 Jan 2025 10:00:00 GMT
    for (value, want) in [
        ("'120'", Some(120_000.0)),
        ("' 7 '", Some(7_000.0)),
        ("'Wed, 15 Jan 2025 10:00:30 GMT'", Some(30_000.0)),
        ("'Wed, 15 Jan 2025 09:00:00 GMT'", Some(0.0)),
        ("3", Some(3_000.0)),
        ("'1.5'", None),
        ("'-1'", None),
        ("'2025-01-15T10:00:30Z'", None),
        ("'soon'", None),
        ("null", None),
        ("-2", None),
    ] {
        let got = parse_retry_after(js(value), now.into()).unwrap();
        assert_eq!(got.as_f64(), want, "{value}");
        if want.is_none() {
            assert!(got.is_null(), "{value}: null, not undefined");
        }
    }
    assert!(parse_retry_after(js("'5'"), JsValue::UNDEFINED).unwrap().as_f64() == Some(5_000.0));
    let e = parse_retry_after(js("'5'"), js("NaN")).unwrap_err();
    assert_eq!(prop(&e, "code").as_string().as_deref(), Some("INVALID_ARGUMENT"));
}

/// `knownPlatforms`: the platforms normalizePlatform answers with.
#[wasm_bindgen_test]
fn known_platforms_are_normalize_platforms_answers() {
    let list = js_sys::Array::from(&modash_flow::wasm::user_id::known_platforms().into());
    let names: Vec<String> = list.iter().map(|v| v.as_string().unwrap()).collect();
    assert_eq!(names, ["instagram", "tiktok", "youtube"]);
    for n in &names {
        assert_eq!(modash_flow::wasm::user_id::normalize_platform(JsValue::from_str(n)).unwrap().as_string().as_deref(), Some(n.as_str()));
    }
}
