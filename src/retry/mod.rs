//! Retrying Modash requests: the pure policy ([`policy`]: classification, Retry-After,
//! delay schedule, jitter) and, in wasm only, the loop on the event loop's timers ([`run`]).

pub mod http_date;
pub mod policy;
#[cfg(target_arch = "wasm32")]
pub mod run;
