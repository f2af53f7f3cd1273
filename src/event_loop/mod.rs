//! The event loops (wasm only): the retry loop and the browser gate's loop, small state
//! machines without Rust futures. They sequence (call, wait, decide, hand back); the rules
//! they follow are the pure core's (`crate::retry::policy`, `crate::gate`), and every JS value
//! they read or build is converted by the boundary (`crate::wasm`).

pub mod gate;
pub mod retry;
pub mod settle;
