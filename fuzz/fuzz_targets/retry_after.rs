//! Retry-After parsing never panics and never gives a negative or non-finite wait.
#![no_main]
use libfuzzer_sys::fuzz_target;
use modash_flow::retry::policy::{parse_retry_after, status_from_message};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    for now in [0.0, 1.7e12, 8.64e15] {
        if let Some(ms) = parse_retry_after(s, now) {
            assert!(ms >= 0.0 && !ms.is_nan(), "{s:?} -> {ms}");
        }
    }
    if let Some(st) = status_from_message(s) {
        assert!((100..=599).contains(&st));
    }
});
