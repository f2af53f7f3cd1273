//! The `#[wasm_bindgen]` boundary: converts JS values to core types and back, maps core
//! errors to JS `Error`s with a stable `code`. Nothing here decides a rule.

pub mod attempt;
pub mod entry;
pub mod gate;
pub mod js;
#[cfg(feature = "server-lookup")]
pub mod lookup;
pub mod options;
pub mod progress;
pub mod read;
#[cfg(feature = "write-path")]
pub mod report;
pub mod retry;
#[cfg(feature = "server-lookup")]
pub mod rollout;
#[cfg(feature = "server-gate")]
pub mod shared_gate;
pub mod time;
pub mod ttl;
pub mod user_id;
#[cfg(feature = "write-path")]
pub mod write;

use wasm_bindgen::prelude::*;

/// Runs once when the module is instantiated: panics (bugs) are reported on the console with
/// their message and place (console_error_panic_hook did the same and added the JS stack, for
/// 0.6 KB more in every browser's download).
#[wasm_bindgen(start)]
pub fn start() {
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&format!("modash-flow (a bug, please report it): {info}").into())));
}

// Talc instead of Rust's default dlmalloc: the roster batch makes tens of thousands of small
// allocations per call, and talc is both faster and smaller on wasm (BENCHMARKS.md).
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
