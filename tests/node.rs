//! The wasm suite in Node: `cargo test --target wasm32-unknown-unknown --test node`.
#![cfg(target_arch = "wasm32")]
mod common;

/// Node only: a real local HTTP server that answers 429 with `Retry-After: 1`, then 200.
mod real_server {
    use super::common::{js, prop};
    use wasm_bindgen::JsValue;
    use wasm_bindgen_futures::JsFuture;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    async fn retries_a_real_429_with_retry_after() {
        let server = js(r#"(() => {
            const http = process.getBuiltinModule('node:http');
            const s = { hits: 0 };
            s.server = http.createServer((req, res) => {
                s.hits++;
                if (s.hits === 1) { res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' }); res.end('{"error":true,"code":"rate_limited"}'); }
                else { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"userId":"173560420"}'); }
            });
            s.ready = new Promise((r) => s.server.listen(0, '127.0.0.1', () => r(s.server.address().port)));
            return s;
        })()"#);
        let port = JsFuture::from(js_sys::Promise::from(prop(&server, "ready"))).await.unwrap();
        let fetcher = js_sys::Function::new_with_args(
            "port",
            "return (ctx) => fetch(`http://127.0.0.1:${port}/v1/instagram/profile/173560420/report`, { signal: ctx.signal ?? undefined });",
        );
        let request = fetcher.call1(&JsValue::NULL, &port).unwrap();
        let t0 = js_sys::Date::now();
        let r = crate::common::retry_request(request, js("{ signal: new AbortController().signal }")).await.unwrap();
        let elapsed = js_sys::Date::now() - t0;
        js_sys::Function::from(js("(s) => s.server.close()")).call1(&JsValue::NULL, &server).unwrap();
        assert_eq!(prop(&r, "success"), JsValue::TRUE);
        assert_eq!(prop(&r, "status").as_f64(), Some(200.0));
        assert_eq!(prop(&r, "retriesUsed").as_f64(), Some(1.0));
        assert_eq!(prop(&server, "hits").as_f64(), Some(2.0));
        assert!(elapsed >= 999.0, "waited the server's Retry-After: {elapsed}");
        let body = JsFuture::from(js_sys::Promise::from(js_sys::Function::from(js("(r) => r.data.json()")).call1(&JsValue::NULL, &r).unwrap())).await.unwrap();
        assert_eq!(prop(&body, "userId").as_string().as_deref(), Some("173560420"));
    }
}
