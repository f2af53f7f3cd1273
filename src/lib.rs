//! # modash-flow
//!
//! The Modash analytics flow of the staff app, as a pure Rust core compiled to WebAssembly:
//! userId resolution with the legacy-platform rule ([`user_id`]), TTLs ([`ttl`]), timestamps
//! and freshness ([`time`]), cache-age labels ([`label`]), roster badges ([`progress`]), the
//! notes column ([`notes`]) and the retry policy ([`retry`]). The `#[wasm_bindgen]` boundary
//! lives in `wasm/` and only converts values and maps errors.
//!
//! ```
//! use modash_flow::{notes::read_text, platform::Platform, user_id::{resolve, Source}};
//!
//! // A legacy TikTok id is never used for Instagram (the seed plan's mismatch bug).
//! let notes = read_text(r#"{"modash_data":{"userId":"7000000000000000001","platform":"tiktok"}}"#);
//! assert_eq!(resolve(&notes, Platform::Instagram).source, Source::None);
//! assert_eq!(resolve(&notes, Platform::Tiktok).user_id.as_deref(), Some("7000000000000000001"));
//! ```

#![forbid(unsafe_code)]

pub mod decimal;
pub mod entry;
pub mod error;
pub mod gate;
pub mod json;
pub mod label;
pub mod lookup;
pub mod notes;
pub mod num;
pub mod platform;
pub mod progress;
pub mod report;
pub mod retry;
pub mod rollout;
pub mod shared_gate;
pub mod text;
pub mod time;
pub mod ttl;
pub mod user_id;
pub mod write;

/// The event loops (the retry loop, the browser gate's): they call JS callbacks and wait on
/// JS timers and promises, so they live beside the boundary, not in the core.
#[cfg(target_arch = "wasm32")]
mod event_loop;

/// The JS boundary (public only so the wasm test suites can call it with JS values).
#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod wasm;
