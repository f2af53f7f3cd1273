//! Retrying Modash requests: the pure policy ([`policy`]: classification, Retry-After,
//! delay schedule, jitter). The loop on the event loop's timers is
//! `event_loop/retry.rs`.

pub mod http_date;
pub mod policy;
