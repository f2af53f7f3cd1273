//! The request gate's policy, pure (the clock is passed in): a token bucket (`requestsPerSecond`,
//! `burst`) admits queued requests first in first out, never more than `maxConcurrent` at once,
//! and nothing while paused (a shared cooldown after a 429's Retry-After; pauses merge to the
//! latest end). The wasm loop (`event_loop/gate.rs`) only asks it what to do and sets one timer.

use crate::num::fmt_num;
use crate::retry::policy::{count, Failure, InvalidOption};
use std::collections::VecDeque;

/// Validated gate options.
#[derive(Clone, Debug, PartialEq)]
pub struct GateOptions {
    pub requests_per_second: f64,
    pub burst: f64,
    pub max_concurrent: u32,
    /// Requests that may wait at once; `run` beyond it answers `QUEUE_FULL` at once.
    pub max_queued: u32,
}

impl Default for GateOptions {
    /// Modash's documented pace: 2 requests a second, a burst of 2, 4 at once, 1,000 waiting.
    fn default() -> Self {
        GateOptions { requests_per_second: 2.0, burst: 2.0, max_concurrent: 4, max_queued: 1000 }
    }
}

impl GateOptions {
    /// Validates raw options (None = default).
    pub fn from_raw(rps: Option<f64>, burst: Option<f64>, max_concurrent: Option<f64>, max_queued: Option<f64>) -> Result<GateOptions, InvalidOption> {
        let d = GateOptions::default();
        let bad = |option: &'static str, problem: String| InvalidOption { of: "gate", option, problem };
        let requests_per_second = match rps {
            None => d.requests_per_second,
            Some(x) if x.is_finite() && x > 0.0 => x,
            Some(x) => return Err(bad("requestsPerSecond", format!("{} is not a finite number > 0", fmt_num(x)))),
        };
        let burst = count("burst", burst, d.burst as u32, 1).map_err(InvalidOption::of_gate)? as f64;
        let max_concurrent = count("maxConcurrent", max_concurrent, d.max_concurrent, 1).map_err(InvalidOption::of_gate)?;
        let max_queued = count("maxQueued", max_queued, d.max_queued, 0).map_err(InvalidOption::of_gate)?;
        Ok(GateOptions { requests_per_second, burst, max_concurrent, max_queued })
    }
}

/// The shared cooldown an attempt's outcome calls for: a 429 with a Retry-After pauses the
/// whole gate that long (ms), at most `cap_ms` (the retry policy's `maxRetryAfterMs`: a
/// server asking for three years must not freeze every queued request); anything else, none.
pub fn cooldown_after(outcome: &Failure, cap_ms: f64) -> Option<f64> {
    if outcome.status == Some(429) {
        outcome.retry_after_ms.map(|ms| ms.min(cap_ms).max(0.0))
    } else {
        None
    }
}

/// What the gate holds, for the UI.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    pub queued: u32,
    pub in_flight: u32,
    pub admitted: u64,
    pub paused_until: Option<f64>,
}

/// The gate's state.
#[derive(Clone, Debug)]
pub struct Gate {
    opts: GateOptions,
    tokens: f64,
    last_refill: f64,
    queue: VecDeque<u64>,
    in_flight: u32,
    paused_until: Option<f64>,
    admitted: u64,
}

impl Gate {
    /// A gate with a full bucket at `now` (epoch ms).
    pub fn new(opts: GateOptions, now: f64) -> Gate {
        Gate { tokens: opts.burst, opts, last_refill: now, queue: VecDeque::new(), in_flight: 0, paused_until: None, admitted: 0 }
    }

    fn refill(&mut self, now: f64) {
        if now > self.last_refill {
            self.tokens = (self.tokens + (now - self.last_refill) * self.opts.requests_per_second / 1000.0).min(self.opts.burst);
            self.last_refill = now;
        }
    }

    /// Queues a request: at the back, or at the front (a retry after a cooldown goes first).
    pub fn push(&mut self, id: u64, front: bool) {
        if front {
            self.queue.push_front(id);
        } else {
            self.queue.push_back(id);
        }
    }

    /// Whether a new request may wait (the queue holds fewer than `maxQueued`).
    pub fn has_room(&self) -> bool {
        self.queue.len() < self.opts.max_queued as usize
    }

    /// Removes a queued request (aborted); false when it was not queued.
    pub fn remove(&mut self, id: u64) -> bool {
        match self.queue.iter().position(|&q| q == id) {
            Some(i) => {
                self.queue.remove(i);
                true
            }
            None => false,
        }
    }

    /// Pauses admissions until `until` (epoch ms); pauses merge to the latest end.
    pub fn pause_until(&mut self, until: f64) {
        if until.is_finite() {
            self.paused_until = Some(self.paused_until.map_or(until, |p| p.max(until)));
        }
    }

    /// A request that was admitted has finished.
    pub fn release(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// Admits what may start at `now`, in queue order. Returns the admitted ids and, when some
    /// are still queued and only time will let them in, how long to wait (ms); `None` means
    /// nothing is waiting, or only a release can make room.
    pub fn poll(&mut self, now: f64) -> (Vec<u64>, Option<f64>) {
        let mut admitted = Vec::new();
        if let Some(p) = self.paused_until {
            if p > now {
                return (admitted, (!self.queue.is_empty()).then_some(p - now));
            }
            self.paused_until = None;
        }
        self.refill(now);
        while !self.queue.is_empty() && self.in_flight < self.opts.max_concurrent && self.tokens >= 1.0 {
            if let Some(id) = self.queue.pop_front() {
                self.tokens -= 1.0;
                self.in_flight += 1;
                self.admitted += 1;
                admitted.push(id);
            }
        }
        let wait = if self.queue.is_empty() || self.in_flight >= self.opts.max_concurrent {
            None
        } else {
            Some(((1.0 - self.tokens) * 1000.0 / self.opts.requests_per_second).max(1.0))
        };
        (admitted, wait)
    }

    pub fn stats(&self, now: f64) -> Stats {
        Stats { queued: self.queue.len() as u32, in_flight: self.in_flight, admitted: self.admitted, paused_until: self.paused_until.filter(|&p| p > now) }
    }
}

/// Requests shared by key: calls with the same key while one is queued or in flight join it,
/// each caller may leave (abort) on its own, and the shared request is cancelled only when the
/// last caller has left. The wasm gate holds the JS side (the AbortController, the promise).
#[derive(Clone, Debug, Default)]
pub struct Joins {
    // A few dozen runs at most: a vector, not a map (smaller wasm).
    runs: Vec<JoinedRun>,
    joined: u64,
}

#[derive(Clone, Debug)]
struct JoinedRun {
    id: u64,
    key: Option<String>,
    callers: u32,
}

impl Joins {
    /// The run already under `key`, now with one more caller; `None` when there is none.
    pub fn join(&mut self, key: &str) -> Option<u64> {
        let run = self.runs.iter_mut().find(|r| r.key.as_deref() == Some(key))?;
        run.callers += 1;
        self.joined += 1;
        Some(run.id)
    }

    /// A new run with its first caller (`key` None: never joined).
    pub fn start(&mut self, id: u64, key: Option<String>) {
        self.runs.push(JoinedRun { id, key, callers: 1 });
    }

    /// A caller of run `id` left; true when it was the last one (cancel the shared request).
    pub fn leave(&mut self, id: u64) -> bool {
        match self.runs.iter_mut().find(|r| r.id == id) {
            Some(run) => {
                run.callers = run.callers.saturating_sub(1);
                run.callers == 0
            }
            None => false,
        }
    }

    /// Run `id` settled: its key is free for a new run.
    pub fn finish(&mut self, id: u64) {
        self.runs.retain(|r| r.id != id);
    }

    /// How many calls joined a run already under way.
    pub fn joined(&self) -> u64 {
        self.joined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn options() {
        assert_eq!(GateOptions::from_raw(None, None, None, None).unwrap(), GateOptions::default());
        for (r, b, m, q, name) in [
            (Some(0.0), None, None, None, "requestsPerSecond"),
            (Some(f64::INFINITY), None, None, None, "requestsPerSecond"),
            (None, Some(0.5), None, None, "burst"),
            (None, None, Some(0.0), None, "maxConcurrent"),
            (None, None, Some(f64::NAN), None, "maxConcurrent"),
            (None, None, None, Some(-1.0), "maxQueued"),
            (None, None, None, Some(f64::INFINITY), "maxQueued"),
            (None, Some(1.5), None, None, "burst"),
            (None, None, Some(1.5), None, "maxConcurrent"),
            (None, None, None, Some(1.5), "maxQueued"),
        ] {
            assert_eq!(GateOptions::from_raw(r, b, m, q).unwrap_err().option, name);
        }
        // Good values are taken as given.
        let given = GateOptions::from_raw(Some(0.25), Some(3.0), Some(2.0), Some(0.0)).unwrap();
        assert_eq!(given, GateOptions { requests_per_second: 0.25, burst: 3.0, max_concurrent: 2, max_queued: 0 });
    }

    /// The wait told while tokens refill is what is left of the next token, the admitted count
    /// grows with each admission, and a pause is over at its end (not after it).
    #[test]
    fn partial_token_wait_admitted_count_and_pause_end() {
        let mut g = Gate::new(GateOptions { requests_per_second: 2.0, burst: 1.0, ..GateOptions::default() }, 0.0);
        g.push(1, false);
        g.push(2, false);
        assert_eq!(g.poll(0.0), (vec![1], Some(500.0)));
        assert_eq!(g.poll(250.0), (vec![], Some(250.0)), "half a token refilled: half the wait left");
        assert_eq!(g.poll(500.0).0, vec![2]);
        assert_eq!(g.stats(500.0).admitted, 2);
        g.pause_until(800.0);
        assert_eq!(g.stats(799.0).paused_until, Some(800.0));
        assert_eq!(g.stats(800.0).paused_until, None, "paused until 800: not paused at 800");
    }

    #[test]
    fn only_a_429_with_retry_after_pauses_and_never_longer_than_the_cap() {
        let f = |status, ra| Failure { status, network: false, retry_after_ms: ra };
        assert_eq!(cooldown_after(&f(Some(429), Some(4000.0)), 60_000.0), Some(4000.0));
        assert_eq!(cooldown_after(&f(Some(429), Some(99_999_999_000.0)), 60_000.0), Some(60_000.0));
        assert_eq!(cooldown_after(&f(Some(429), None), 60_000.0), None);
        assert_eq!(cooldown_after(&f(Some(503), Some(4000.0)), 60_000.0), None);
        assert_eq!(cooldown_after(&f(None, Some(1.0)), 60_000.0), None);
    }

    #[test]
    fn joins_share_by_key_and_cancel_only_when_the_last_caller_leaves() {
        let mut j = Joins::default();
        assert_eq!(j.join("42:ig"), None);
        j.start(1, Some("42:ig".into()));
        j.start(2, None);
        assert_eq!(j.join("42:ig"), Some(1));
        assert_eq!(j.join("42:ig"), Some(1));
        assert_eq!(j.joined(), 2);
        assert!(!j.leave(1) && !j.leave(1), "two of three callers left");
        assert!(j.leave(1), "the last one: cancel");
        assert!(j.leave(2), "an unkeyed run's only caller");
        j.finish(1);
        assert_eq!(j.join("42:ig"), None, "settled: the key is free");
        assert!(!j.leave(1), "leaving a settled run cancels nothing");
    }

    #[test]
    fn the_queue_is_bounded() {
        let mut g = Gate::new(GateOptions { max_queued: 2, ..GateOptions::default() }, 0.0);
        assert!(g.has_room());
        g.push(1, false);
        g.push(2, false);
        assert!(!g.has_room());
        g.poll(0.0); // two admitted (burst 2): the queue empties
        assert!(g.has_room());
    }

    #[test]
    fn bucket_pause_and_order() {
        let mut g = Gate::new(GateOptions::default(), 0.0);
        for id in 1..=5 {
            g.push(id, false);
        }
        assert_eq!(g.poll(0.0), (vec![1, 2], Some(500.0)));
        assert_eq!(g.poll(499.0).0, Vec::<u64>::new());
        assert_eq!(g.poll(500.0).0, vec![3]);
        g.pause_until(3000.0);
        g.pause_until(2000.0); // merges to the latest end
        g.push(9, true); // a retry goes first
        assert_eq!(g.poll(1000.0), (vec![], Some(2000.0)));
        assert_eq!(g.stats(1000.0).paused_until, Some(3000.0));
        let (ids, _) = g.poll(3000.0);
        assert_eq!(ids, vec![9]); // only one: 3 in flight + 1 = max 4
        assert_eq!(g.poll(4000.0), (vec![], None), "full: only a release makes room");
        g.release();
        assert_eq!(g.poll(4000.0).0, vec![4]);
        assert!(g.remove(5));
        assert!(!g.remove(5));
        assert_eq!(g.poll(5000.0), (vec![], None));
    }

    proptest! {
        /// Start times of queued requests under random arrivals and completions: never more
        /// than burst + rps in any one-second window, FIFO, never more than maxConcurrent.
        #[test]
        fn rate_order_and_concurrency(rps in 0.5f64..10.0, burst in 1.0f64..6.0, max in 1u32..6, arrivals in proptest::collection::vec((0u32..3000, 1u32..900), 1..60)) {
            let opts = GateOptions { requests_per_second: rps, burst: burst.floor(), max_concurrent: max, ..GateOptions::default() };
            let mut g = Gate::new(opts.clone(), 0.0);
            let mut arrivals = arrivals;
            arrivals.sort();
            let mut starts: Vec<(f64, u64)> = Vec::new();
            let mut running: Vec<f64> = Vec::new(); // end times
            let mut next = 0usize;
            let mut now = 0.0f64;
            let mut durations = std::collections::HashMap::new();
            while (next < arrivals.len() || g.stats(now).queued > 0 || !running.is_empty()) && now < 1e7 {
                while next < arrivals.len() && arrivals[next].0 as f64 <= now {
                    durations.insert(next as u64, arrivals[next].1 as f64);
                    g.push(next as u64, false);
                    next += 1;
                }
                running.retain(|&end| if end <= now { g.release(); false } else { true });
                let (ids, _) = g.poll(now);
                for id in ids {
                    prop_assert!(running.len() < max as usize);
                    starts.push((now, id));
                    running.push(now + durations[&id]);
                }
                now += 1.0;
            }
            let order: Vec<u64> = starts.iter().map(|s| s.1).collect();
            let mut sorted = order.clone();
            sorted.sort();
            prop_assert_eq!(order, sorted, "first in, first out");
            for (i, (t, _)) in starts.iter().enumerate() {
                let in_window = starts[i..].iter().take_while(|(u, _)| *u < t + 1000.0).count();
                prop_assert!(in_window as f64 <= opts.burst + opts.requests_per_second + 1e-9, "{} starts in 1 s", in_window);
            }
        }
    }
}
