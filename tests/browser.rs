//! The wasm suite in headless Chromium: `cargo test --target wasm32-unknown-unknown --test browser`
//! with `WASM_BINDGEN_USE_BROWSER=1` and chromedriver (see scripts/test.sh).
#![cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
mod common;
