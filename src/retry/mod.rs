//! Retrying Modash requests: the pure policy ([`policy`]: classification, Retry-After,
//! delay schedule, jitter). The loop on the event loop's timers is the boundary's
//! (`wasm/retry_loop.rs`).

pub mod http_date;
pub mod policy;
