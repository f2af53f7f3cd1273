//! The retry policy, pure: options and their validation, what an attempt's outcome means,
//! Retry-After, the backoff schedule with jitter (randomness is passed in), and the decision
//! after each attempt.

use crate::num::fmt_num;
use std::fmt;

/// The largest delay `setTimeout` honours (2^31 - 1 ms); longer delays are clamped to it.
pub const MAX_TIMER_MS: f64 = 2_147_483_647.0;

/// How a computed backoff delay is randomised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    /// The exact delay.
    None,
    /// Half fixed plus a uniform random half: `[d/2, d]`.
    Equal,
    /// Uniform in `[0, d]`.
    Full,
}

impl Jitter {
    pub fn parse(s: &str) -> Option<Jitter> {
        match s {
            "none" => Some(Jitter::None),
            "equal" => Some(Jitter::Equal),
            "full" => Some(Jitter::Full),
            _ => None,
        }
    }
}

/// Validated retry options.
#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    pub max_retries: u32,
    pub initial_delay_ms: f64,
    pub max_delay_ms: f64,
    pub backoff_multiplier: f64,
    pub jitter: Jitter,
    pub retryable_statuses: Vec<u16>,
    pub retry_on_network_error: bool,
    pub max_retry_after_ms: f64,
}

impl Default for Policy {
    /// 3 retries, 1 s doubling up to 60 s, equal jitter, retry 429/500/502/503/504 and network
    /// errors, accept a Retry-After up to `max_delay_ms`.
    fn default() -> Self {
        Policy {
            max_retries: 3,
            initial_delay_ms: 1000.0,
            max_delay_ms: 60_000.0,
            backoff_multiplier: 2.0,
            jitter: Jitter::Equal,
            retryable_statuses: vec![429, 500, 502, 503, 504],
            retry_on_network_error: true,
            max_retry_after_ms: 60_000.0,
        }
    }
}

/// An option that is not acceptable; `code` is `INVALID_OPTION`.
#[derive(Clone, Debug, PartialEq)]
pub struct InvalidOption {
    /// Whose option: `retry` or `gate`.
    pub of: &'static str,
    pub option: &'static str,
    pub problem: String,
}

impl InvalidOption {
    pub fn code(&self) -> crate::error::Code {
        crate::error::Code::InvalidOption
    }

    /// The same problem, of a gate's option (the gates check counts with [`count`]).
    pub fn of_gate(self) -> InvalidOption {
        InvalidOption { of: "gate", ..self }
    }
}

impl fmt::Display for InvalidOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Invalid {} option {}: {}", self.of, self.option, self.problem)
    }
}

fn bad(option: &'static str, problem: String) -> InvalidOption {
    InvalidOption { of: "retry", option, problem }
}

/// A count option (retries, places, queue lengths, a burst, credits): a whole number from `min`
/// to `u32::MAX`, `default` when not given; anything else (a fraction, a negative, NaN,
/// Infinity) is refused naming the option and the value. The one rule for every count option
/// of the retry loop, the request gate and the team gate.
pub fn count(option: &'static str, v: Option<f64>, default: u32, min: u32) -> Result<u32, InvalidOption> {
    match v {
        None => Ok(default),
        Some(x) if x.fract() == 0.0 && (min as f64..=u32::MAX as f64).contains(&x) => Ok(x as u32),
        Some(x) => Err(bad(option, format!("{} is not a whole number >= {min}", fmt_num(x)))),
    }
}

/// Raw option values as numbers (None = not given), checked by [`Policy::from_raw`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RawOptions {
    pub max_retries: Option<f64>,
    pub initial_delay_ms: Option<f64>,
    pub max_delay_ms: Option<f64>,
    pub backoff_multiplier: Option<f64>,
    pub jitter: Option<Jitter>,
    pub retryable_statuses: Option<Vec<f64>>,
    pub retry_on_network_error: Option<bool>,
    pub max_retry_after_ms: Option<f64>,
}

fn delay(option: &'static str, v: Option<f64>, default: f64) -> Result<f64, InvalidOption> {
    match v {
        None => Ok(default),
        Some(x) if x.is_finite() && x >= 0.0 => Ok(x + 0.0),
        Some(x) => Err(bad(option, format!("{} is not a finite number of milliseconds >= 0", fmt_num(x)))),
    }
}

impl Policy {
    /// Validates raw options, filling defaults. `maxRetryAfterMs` defaults to `maxDelayMs`.
    pub fn from_raw(raw: &RawOptions) -> Result<Policy, InvalidOption> {
        let d = Policy::default();
        let max_retries = count("maxRetries", raw.max_retries, d.max_retries, 0)?;
        let initial_delay_ms = delay("initialDelayMs", raw.initial_delay_ms, d.initial_delay_ms)?;
        let max_delay_ms = delay("maxDelayMs", raw.max_delay_ms, d.max_delay_ms)?;
        let backoff_multiplier = match raw.backoff_multiplier {
            None => d.backoff_multiplier,
            Some(x) if x.is_finite() && x >= 1.0 => x,
            Some(x) => return Err(bad("backoffMultiplier", format!("{} is not a finite number >= 1", fmt_num(x)))),
        };
        let retryable_statuses = match &raw.retryable_statuses {
            None => d.retryable_statuses,
            Some(list) => list
                .iter()
                .map(|&s| {
                    if s.fract() == 0.0 && (100.0..=599.0).contains(&s) {
                        Ok(s as u16)
                    } else {
                        Err(bad("retryableStatuses", format!("{} is not an HTTP status (100-599)", fmt_num(s))))
                    }
                })
                .collect::<Result<_, _>>()?,
        };
        let max_retry_after_ms = delay("maxRetryAfterMs", raw.max_retry_after_ms, max_delay_ms)?;
        Ok(Policy {
            max_retries,
            initial_delay_ms,
            max_delay_ms,
            backoff_multiplier,
            jitter: raw.jitter.unwrap_or(d.jitter),
            retryable_statuses,
            retry_on_network_error: raw.retry_on_network_error.unwrap_or(d.retry_on_network_error),
            max_retry_after_ms,
        })
    }

    /// The backoff before the `k`-th retry (0-based), before jitter:
    /// `min(initialDelayMs * backoffMultiplier^k, maxDelayMs)`.
    pub fn backoff(&self, k: u32) -> f64 {
        let mut d = self.initial_delay_ms;
        for _ in 0..k {
            if d >= self.max_delay_ms {
                break;
            }
            d *= self.backoff_multiplier;
        }
        d.min(self.max_delay_ms)
    }

    /// The delay before the `k`-th retry with jitter applied; `random` is uniform in [0, 1).
    pub fn jittered_backoff(&self, k: u32, random: f64) -> f64 {
        apply_jitter(self.backoff(k), self.jitter, random)
    }

    /// Whether an attempt that failed this way is worth retrying.
    pub fn is_retryable(&self, failure: &Failure) -> bool {
        match failure.status {
            Some(s) => self.retryable_statuses.contains(&s),
            None => failure.network && self.retry_on_network_error,
        }
    }
}

/// Jitter on a delay; `random` in [0, 1) (clamped).
pub fn apply_jitter(delay: f64, jitter: Jitter, random: f64) -> f64 {
    let r = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.0 };
    match jitter {
        Jitter::None => delay,
        Jitter::Equal => delay / 2.0 + r * delay / 2.0,
        Jitter::Full => r * delay,
    }
}

/// A failed attempt, as classified by the boundary from a Response or a thrown error.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Failure {
    /// The HTTP status, when one could be found.
    pub status: Option<u16>,
    /// A network error (a `TypeError` without a status).
    pub network: bool,
    /// The server's Retry-After in ms, when one was given and readable.
    pub retry_after_ms: Option<f64>,
}

/// A status as a plausible HTTP status (an integer 100-599).
pub fn status_from_number(n: f64) -> Option<u16> {
    (n.fract() == 0.0 && (100.0..=599.0).contains(&n)).then_some(n as u16)
}

/// The app's error style: the first `(NNN)` in a message, e.g. `Modash API error (429): …`.
pub fn status_from_message(message: &str) -> Option<u16> {
    let b = message.as_bytes();
    b.windows(5).find_map(|w| {
        (w[0] == b'(' && w[4] == b')' && w[1..4].iter().all(u8::is_ascii_digit))
            .then(|| status_from_number(((w[1] - b'0') as f64) * 100.0 + ((w[2] - b'0') as f64) * 10.0 + (w[3] - b'0') as f64))
            .flatten()
    })
}

/// Parses a Retry-After value: delta-seconds (digits only) or an HTTP-date measured against
/// `now_ms`; a past date means 0. Anything else (negative, decimals, garbage) is `None`.
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<f64> {
    let v = value.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // Saturating: 99999999999 seconds is a huge wait, not an overflow.
        let secs = v.bytes().fold(0f64, |acc, b| acc * 10.0 + (b - b'0') as f64);
        return Some(secs * 1000.0);
    }
    super::http_date::parse(v, now_ms).map(|t| (t - now_ms).max(0.0))
}

/// Retry-After given as a number of seconds (`error.retryAfter`): finite and >= 0.
pub fn retry_after_seconds(secs: f64) -> Option<f64> {
    (secs.is_finite() && secs >= 0.0).then_some(secs * 1000.0)
}

/// What to do after a failed attempt.
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Wait this long (ms, already clamped to the timer maximum), then retry.
    Retry { delay_ms: f64 },
    /// Stop: not retryable.
    Stop,
    /// Stop: retries are used up. `wait_ms` is the last wait asked for (the server's
    /// Retry-After, or the next backoff).
    Exhausted { wait_ms: f64 },
    /// Stop at once: the server asks for a longer wait than `maxRetryAfterMs`.
    RetryAfterTooLong { wait_ms: f64 },
}

/// Decides after a failed attempt, `retries_done` retries having been made so far.
pub fn decide(policy: &Policy, failure: &Failure, retries_done: u32, random: f64) -> Decision {
    if !policy.is_retryable(failure) {
        return Decision::Stop;
    }
    let wanted = match failure.retry_after_ms {
        Some(ra) if ra > policy.max_retry_after_ms => return Decision::RetryAfterTooLong { wait_ms: ra },
        Some(ra) => ra,
        None => policy.jittered_backoff(retries_done, random),
    };
    if retries_done >= policy.max_retries {
        let wait_ms = failure.retry_after_ms.unwrap_or_else(|| policy.backoff(retries_done));
        return Decision::Exhausted { wait_ms };
    }
    Decision::Retry { delay_ms: wanted.clamp(0.0, MAX_TIMER_MS) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Good values are taken as given: a backoff multiplier of 1 or more, whole HTTP statuses.
    #[test]
    fn good_options_are_taken_as_given() {
        let raw = RawOptions { backoff_multiplier: Some(1.5), retryable_statuses: Some(vec![429.0, 503.0]), ..RawOptions::default() };
        let p = Policy::from_raw(&raw).unwrap();
        assert_eq!(p.backoff_multiplier, 1.5);
        assert_eq!(p.retryable_statuses, vec![429, 503]);
        let one = Policy::from_raw(&RawOptions { backoff_multiplier: Some(1.0), ..RawOptions::default() }).unwrap();
        assert_eq!(one.backoff_multiplier, 1.0);
        assert!(Policy::from_raw(&RawOptions { retryable_statuses: Some(vec![429.5]), ..RawOptions::default() }).is_err());
    }

    /// The jitter names the JS options use, and a gate's option named as the gate's.
    #[test]
    fn jitter_names_and_gate_options_named() {
        assert_eq!([Jitter::parse("none"), Jitter::parse("equal"), Jitter::parse("full")], [Some(Jitter::None), Some(Jitter::Equal), Some(Jitter::Full)]);
        assert_eq!(Jitter::parse("Full"), None);
        let e = bad("burst", "is 0".to_string()).of_gate();
        assert_eq!((e.of, e.option), ("gate", "burst"));
        assert_eq!(e.to_string(), "Invalid gate option burst: is 0");
    }

    fn none_jitter() -> Policy {
        Policy { jitter: Jitter::None, ..Policy::default() }
    }

    #[test]
    fn counts_are_whole_numbers_in_range() {
        assert_eq!(count("n", None, 7, 1), Ok(7));
        assert_eq!(count("n", Some(3.0), 7, 1), Ok(3));
        assert_eq!(count("n", Some(0.0), 7, 0), Ok(0));
        for x in [1.5, 0.0, -1.0, f64::NAN, f64::INFINITY, 5e9] {
            let e = count("n", Some(x), 7, 1).unwrap_err();
            assert_eq!(e.option, "n");
            assert!(e.problem.contains(&fmt_num(x)) && e.problem.ends_with("is not a whole number >= 1"), "{}", e.problem);
        }
    }

    #[test]
    fn defaults_and_validation() {
        assert_eq!(Policy::from_raw(&RawOptions::default()).unwrap(), Policy::default());
        let p = Policy::from_raw(&RawOptions { max_delay_ms: Some(5000.0), ..Default::default() }).unwrap();
        assert_eq!(p.max_retry_after_ms, 5000.0, "maxRetryAfterMs defaults to maxDelayMs");
        let cases: [(RawOptions, &str); 7] = [
            (RawOptions { max_retries: Some(-1.0), ..Default::default() }, "maxRetries"),
            (RawOptions { max_retries: Some(1.5), ..Default::default() }, "maxRetries"),
            (RawOptions { initial_delay_ms: Some(f64::NAN), ..Default::default() }, "initialDelayMs"),
            (RawOptions { max_delay_ms: Some(-5.0), ..Default::default() }, "maxDelayMs"),
            (RawOptions { backoff_multiplier: Some(0.5), ..Default::default() }, "backoffMultiplier"),
            (RawOptions { retryable_statuses: Some(vec![429.0, 600.0]), ..Default::default() }, "retryableStatuses"),
            (RawOptions { max_retry_after_ms: Some(f64::INFINITY), ..Default::default() }, "maxRetryAfterMs"),
        ];
        for (raw, option) in cases {
            let e = Policy::from_raw(&raw).unwrap_err();
            assert_eq!(e.option, option);
            assert!(e.to_string().contains(option));
        }
    }

    #[test]
    fn schedule_and_jitter() {
        let p = none_jitter();
        let d: Vec<f64> = (0..8).map(|k| p.jittered_backoff(k, 0.7)).collect();
        assert_eq!(d, [1000.0, 2000.0, 4000.0, 8000.0, 16000.0, 32000.0, 60000.0, 60000.0]);
        assert_eq!(apply_jitter(1000.0, Jitter::Equal, 0.0), 500.0);
        assert_eq!(apply_jitter(1000.0, Jitter::Equal, 0.5), 750.0);
        assert_eq!(apply_jitter(1000.0, Jitter::Full, 0.25), 250.0);
        assert_eq!(p.backoff(10_000), 60000.0, "huge k does not loop or overflow");
    }

    #[test]
    fn statuses_from_messages() {
        assert_eq!(status_from_message("Modash API error (429): slow down"), Some(429));
        assert_eq!(status_from_message("API error: (503)"), Some(503));
        assert_eq!(status_from_message("(12) (999) (404)"), Some(404));
        assert_eq!(status_from_message("no status 429"), None);
        assert_eq!(status_from_message("(4290)"), None);
    }

    #[test]
    fn retry_after_forms() {
        let now = 784_111_777_000.0;
        assert_eq!(parse_retry_after("120", now), Some(120_000.0));
        assert_eq!(parse_retry_after(" 0 ", now), Some(0.0));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now), Some(10_000.0));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:27 GMT", now), Some(0.0), "past date");
        assert_eq!(parse_retry_after("99999999999", now), Some(99_999_999_999_000.0));
        for bad in ["-1", "1.5", "soon", "", "1e3", "+5"] {
            assert_eq!(parse_retry_after(bad, now), None, "{bad}");
        }
        // RFC 850's two-digit year 75, seen in 2026, is 2075 (RFC 9110), not 1975: a wait of
        // 49 years, which stops at the cap instead of being retried at once.
        let now_2026 = 1_795_000_000_000.0;
        let ra = parse_retry_after("Wednesday, 06-Nov-75 08:49:37 GMT", now_2026).unwrap();
        assert!(ra > 48.0 * 365.0 * 86_400_000.0, "{ra}");
        let f = Failure { status: Some(429), network: false, retry_after_ms: Some(ra) };
        assert_eq!(decide(&Policy::default(), &f, 0, 0.0), Decision::RetryAfterTooLong { wait_ms: ra });
        assert_eq!(retry_after_seconds(2.0), Some(2000.0));
        assert_eq!(retry_after_seconds(-2.0), None);
    }

    #[test]
    fn decisions() {
        let p = none_jitter();
        let f429 = Failure { status: Some(429), ..Default::default() };
        assert_eq!(decide(&p, &f429, 0, 0.0), Decision::Retry { delay_ms: 1000.0 });
        assert_eq!(decide(&p, &f429, 2, 0.0), Decision::Retry { delay_ms: 4000.0 });
        assert_eq!(decide(&p, &f429, 3, 0.0), Decision::Exhausted { wait_ms: 8000.0 });
        let ra = Failure { retry_after_ms: Some(4000.0), ..f429.clone() };
        assert_eq!(decide(&Policy::default(), &ra, 0, 0.9), Decision::Retry { delay_ms: 4000.0 }, "no jitter on Retry-After");
        assert_eq!(decide(&p, &ra, 3, 0.0), Decision::Exhausted { wait_ms: 4000.0 });
        let long = Failure { retry_after_ms: Some(61_000.0), ..f429.clone() };
        assert_eq!(decide(&p, &long, 0, 0.0), Decision::RetryAfterTooLong { wait_ms: 61_000.0 });
        // Exactly the cap (maxRetryAfterMs, 60 s by default) is waited: only a longer one stops.
        let at_cap = Failure { retry_after_ms: Some(p.max_retry_after_ms), ..f429.clone() };
        assert_eq!(decide(&p, &at_cap, 0, 0.0), Decision::Retry { delay_ms: 60_000.0 });
        let f404 = Failure { status: Some(404), ..Default::default() };
        assert_eq!(decide(&p, &f404, 0, 0.0), Decision::Stop);
        let net = Failure { network: true, ..Default::default() };
        assert_eq!(decide(&p, &net, 0, 0.0), Decision::Retry { delay_ms: 1000.0 });
        let no_net = Policy { retry_on_network_error: false, ..p.clone() };
        assert_eq!(decide(&no_net, &net, 0, 0.0), Decision::Stop);
        assert_eq!(decide(&p, &Failure::default(), 0, 0.0), Decision::Stop, "an unknown error is not retried");
        let huge = Policy { max_retry_after_ms: 1e15, ..p };
        let far = Failure { retry_after_ms: Some(1e14), ..f429 };
        assert_eq!(decide(&huge, &far, 0, 0.0), Decision::Retry { delay_ms: MAX_TIMER_MS });
    }

    fn policy() -> impl Strategy<Value = Policy> {
        (0.0f64..10_000.0, 0.0f64..100_000.0, 1.0f64..10.0, 0usize..3).prop_map(|(init, max, mult, j)| Policy {
            initial_delay_ms: init,
            max_delay_ms: max,
            backoff_multiplier: mult,
            jitter: [Jitter::None, Jitter::Equal, Jitter::Full][j],
            ..Policy::default()
        })
    }

    proptest! {
        #[test]
        fn delays_stay_within_zero_and_the_cap(p in policy(), k in 0u32..200, r in 0.0f64..1.0) {
            let d = p.jittered_backoff(k, r);
            prop_assert!(d >= 0.0 && d <= p.max_delay_ms, "{d}");
        }

        #[test]
        fn no_jitter_is_monotone_until_the_cap(p in policy(), k in 0u32..60) {
            let p = Policy { jitter: Jitter::None, ..p };
            prop_assert!(p.jittered_backoff(k, 0.5) <= p.jittered_backoff(k + 1, 0.5));
        }

        #[test]
        fn jitter_stays_in_its_bounds(d in 0.0f64..1e7, r in 0.0f64..1.0) {
            let e = apply_jitter(d, Jitter::Equal, r);
            prop_assert!(e >= d / 2.0 && e <= d);
            let f = apply_jitter(d, Jitter::Full, r);
            prop_assert!(f >= 0.0 && f <= d);
            prop_assert_eq!(apply_jitter(d, Jitter::None, r), d);
        }

        #[test]
        fn retry_after_never_panics_and_is_never_negative(s in "\\PC{0,40}", now in 0.0f64..4e12) {
            if let Some(ms) = parse_retry_after(&s, now) {
                prop_assert!(ms >= 0.0);
            }
        }

        #[test]
        fn delta_seconds_parse(n in 0u64..10_000_000) {
            prop_assert_eq!(parse_retry_after(&n.to_string(), 0.0), Some(n as f64 * 1000.0));
        }

        #[test]
        fn decide_never_waits_beyond_the_timer_or_the_caps(p in policy(), k in 0u32..10, status in 100u16..600, ra in proptest::option::of(0.0f64..1e9), r in 0.0f64..1.0) {
            let f = Failure { status: Some(status), network: false, retry_after_ms: ra };
            if let Decision::Retry { delay_ms } = decide(&p, &f, k, r) {
                prop_assert!((0.0..=MAX_TIMER_MS).contains(&delay_ms));
                prop_assert!(delay_ms <= p.max_delay_ms.max(p.max_retry_after_ms));
                prop_assert!(p.retryable_statuses.contains(&status) && k < p.max_retries);
            }
        }
    }
}
