//! The retry schedule for arbitrary options: validation never panics; accepted policies give
//! delays within [0, cap] and within the timer maximum.
#![no_main]
use libfuzzer_sys::fuzz_target;
use modash_flow::retry::policy::{decide, Decision, Failure, Jitter, Policy, RawOptions, MAX_TIMER_MS};

fn f(b: &[u8], i: usize) -> f64 {
    let mut a = [0u8; 8];
    for (k, x) in a.iter_mut().enumerate() {
        *x = *b.get(i * 8 + k).unwrap_or(&0);
    }
    f64::from_le_bytes(a)
}

fuzz_target!(|data: &[u8]| {
    let raw = RawOptions {
        max_retries: Some(f(data, 0)),
        initial_delay_ms: Some(f(data, 1)),
        max_delay_ms: Some(f(data, 2)),
        backoff_multiplier: Some(f(data, 3)),
        jitter: Some([Jitter::None, Jitter::Equal, Jitter::Full][data.first().copied().unwrap_or(0) as usize % 3]),
        retryable_statuses: Some(vec![f(data, 4), 429.0]),
        retry_on_network_error: Some(data.len() % 2 == 0),
        max_retry_after_ms: Some(f(data, 5)),
    };
    let Ok(p) = Policy::from_raw(&raw) else { return };
    for k in 0..8u32 {
        let r = (f(data, 6 + k as usize).abs() % 1.0).max(0.0);
        let d = p.jittered_backoff(k, r);
        assert!(d >= 0.0 && d <= p.max_delay_ms, "{d} {p:?}");
        let ra = f(data, 7).abs();
        let failure = Failure { status: Some(429), network: false, retry_after_ms: (ra.is_finite()).then_some(ra) };
        if let Decision::Retry { delay_ms } = decide(&p, &failure, k, r) {
            assert!((0.0..=MAX_TIMER_MS).contains(&delay_ms));
        }
    }
});
