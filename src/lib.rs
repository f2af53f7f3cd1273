//! # modash-flow
//!
//! The Modash analytics flow of the staff app, as a pure Rust core compiled to WebAssembly:
//! userId resolution with the legacy-platform rule ([`user_id`]), TTLs ([`ttl`]), timestamps
//! and freshness ([`time`]), cache-age labels ([`label`]), roster badges ([`progress`]), the
//! notes column ([`notes`]) and the retry policy ([`retry`]). The `#[wasm_bindgen]` boundary
//! lives in `wasm/` and only converts values and maps errors.

pub mod json;
pub mod label;
pub mod notes;
pub mod num;
pub mod platform;
pub mod progress;
pub mod time;
pub mod ttl;
pub mod user_id;

/// The JS boundary (public only so the wasm test suites can call it with JS values).
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;
