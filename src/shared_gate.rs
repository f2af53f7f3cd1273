//! The team-scale gate in front of every Modash call, as one pure step over a small state that
//! a server keeps in its store (one row per API key), so that every process of every instance
//! shares one rate limit, one cooldown, one concurrency limit and one daily credit budget.
//!
//! A caller asks to `acquire` a place for a call (with its priority and credit cost), sleeps
//! the `wait_ms` it is told when it is not admitted, and asks again; after the call it
//! `release`s the place (with Modash's `Retry-After` when the answer was a 429). Waiters are
//! kept in the state with the time they were last seen, so that a caller that went away stops
//! holding its turn; places are leases with an expiry, so that a crashed caller stops holding
//! one. A live caller renews its lease (`renew`, a heartbeat) while its call runs, so the lease
//! can be short: a crashed caller's place is free again within `leaseMs`, a slow call keeps
//! its own. The bucket and cooldown arithmetic is the browser gate's (`crate::gate`).

use crate::num::fmt_num;
use crate::retry::policy::{count, InvalidOption};

/// Who is waiting: interactive work (a panel a person is looking at) goes before queued bulk
/// refreshes, which go before the userId backfill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    Interactive = 0,
    Bulk = 1,
    Backfill = 2,
}

impl Priority {
    pub fn parse(s: &str) -> Option<Priority> {
        match s {
            "interactive" => Some(Priority::Interactive),
            "bulk" => Some(Priority::Bulk),
            "backfill" => Some(Priority::Backfill),
            _ => None,
        }
    }
}

/// Validated options (the same for every caller of one key).
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub requests_per_second: f64,
    pub burst: f64,
    pub max_concurrent: u32,
    /// A place not released within this long is free again (a crashed caller).
    pub lease_ms: f64,
    /// A waiter not seen again within this long has gone away and loses its turn.
    pub waiter_ttl_ms: f64,
    /// The longest shared pause a 429's `Retry-After` may cause.
    pub max_retry_after_ms: f64,
    /// At most this many waiters; a new one beyond is refused (`QueueFull`).
    pub max_waiting: u32,
    /// Credits a UTC day may spend; `None` for no budget.
    pub daily_credits: Option<f64>,
}

impl Default for Options {
    /// 1.5 calls a second with a burst of 1: never more than 2 calls start in any second,
    /// Modash's documented limit.
    fn default() -> Self {
        Options {
            requests_per_second: 1.5,
            burst: 1.0,
            max_concurrent: 4,
            lease_ms: 60_000.0,
            waiter_ttl_ms: 5_000.0,
            max_retry_after_ms: 60_000.0,
            max_waiting: 1_000,
            daily_credits: None,
        }
    }
}

/// Raw numbers as a caller gives them (None = default).
#[derive(Clone, Debug, Default)]
#[cfg_attr(feature = "server-gate", derive(serde::Deserialize), serde(rename_all = "camelCase"))]
pub struct RawOptions {
    pub requests_per_second: Option<f64>,
    pub burst: Option<f64>,
    pub max_concurrent: Option<f64>,
    pub lease_ms: Option<f64>,
    pub waiter_ttl_ms: Option<f64>,
    pub max_retry_after_ms: Option<f64>,
    pub max_waiting: Option<f64>,
    pub daily_credits: Option<f64>,
}

impl Options {
    pub fn from_raw(raw: &RawOptions) -> Result<Options, InvalidOption> {
        let d = Options::default();
        let bad = |option: &'static str, what: &str, x: f64| InvalidOption { of: "gate", option, problem: format!("{} is not {what}", fmt_num(x)) };
        let positive = |option: &'static str, v: Option<f64>, default: f64| match v {
            None => Ok(default),
            Some(x) if x.is_finite() && x > 0.0 => Ok(x),
            Some(x) => Err(bad(option, "a finite number > 0", x)),
        };
        let burst = count("burst", raw.burst, d.burst as u32, 1).map_err(InvalidOption::of_gate)? as f64;
        // Credits are counted whole (one per report); 0 spends nothing.
        let daily_credits = match raw.daily_credits {
            None => None,
            v => Some(count("dailyCredits", v, 0, 0).map_err(InvalidOption::of_gate)? as f64),
        };
        Ok(Options {
            requests_per_second: positive("requestsPerSecond", raw.requests_per_second, d.requests_per_second)?,
            burst,
            max_concurrent: count("maxConcurrent", raw.max_concurrent, d.max_concurrent, 1).map_err(InvalidOption::of_gate)?,
            lease_ms: positive("leaseMs", raw.lease_ms, d.lease_ms)?,
            waiter_ttl_ms: positive("waiterTtlMs", raw.waiter_ttl_ms, d.waiter_ttl_ms)?,
            max_retry_after_ms: positive("maxRetryAfterMs", raw.max_retry_after_ms, d.max_retry_after_ms)?,
            max_waiting: count("maxWaiting", raw.max_waiting, d.max_waiting, 1).map_err(InvalidOption::of_gate)?,
            daily_credits,
        })
    }
}

/// A place held by an admitted call.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "server-gate", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "camelCase"))]
pub struct Lease {
    pub id: String,
    pub until: f64,
    pub cost: f64,
}

/// A caller waiting for a place.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "server-gate", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "camelCase"))]
pub struct Waiter {
    pub id: String,
    pub priority: u8,
    pub since: f64,
    pub seen: f64,
}

/// The shared state: a plain value a server stores between steps (JSON in a row).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "server-gate", derive(serde::Serialize, serde::Deserialize), serde(rename_all = "camelCase", default))]
pub struct State {
    pub tokens: f64,
    pub updated_at: f64,
    /// Epoch ms until which nothing is admitted (a 429's Retry-After); 0 for none.
    pub paused_until: f64,
    pub in_flight: Vec<Lease>,
    pub waiting: Vec<Waiter>,
    /// The UTC day (days since 1970-01-01) `credits_spent` counts.
    pub credits_day: i64,
    pub credits_spent: f64,
    pub admitted: u64,
    pub cooldowns: u64,
    /// Set once the state has been stepped (a new state starts with a full bucket).
    pub started: bool,
}

/// What a caller asks.
#[derive(Clone, Debug, PartialEq)]
pub enum Op<'a> {
    /// A place for call `id` of `cost` credits.
    Acquire { id: &'a str, priority: Priority, cost: f64 },
    /// Call `id` is done; `retry_after_ms` when Modash answered 429 with a Retry-After;
    /// `charged` false gives its credits back (Modash charges only what it answers).
    Release { id: &'a str, retry_after_ms: Option<f64>, charged: bool },
    /// The caller of `id` went away before it was admitted.
    Cancel { id: &'a str },
    /// Call `id` is still running (its holder's heartbeat): its place is kept `leaseMs` longer.
    /// `admit` says whether it still holds one (false: it expired, its holder was presumed dead).
    Renew { id: &'a str },
}

impl<'a> Op<'a> {
    /// A release; `charged` unsaid is charged (the call reached Modash, which charges what it
    /// answers): the one place that default is stated.
    pub fn release(id: &'a str, retry_after_ms: Option<f64>, charged: Option<bool>) -> Op<'a> {
        Op::Release { id, retry_after_ms, charged: charged.unwrap_or(true) }
    }
}

/// Why a caller was not admitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// Modash asked everyone to wait (a 429's Retry-After).
    Paused,
    /// Callers of a higher priority, or earlier callers of the same one, go first.
    Behind,
    /// `maxConcurrent` calls are in flight.
    Concurrency,
    /// The rate: the bucket is empty.
    Rate,
    /// Today's credits are spent (or this call would overspend them).
    Budget,
    /// `maxWaiting` callers are waiting already.
    QueueFull,
}

impl Blocked {
    pub fn as_str(self) -> &'static str {
        match self {
            Blocked::Paused => "paused",
            Blocked::Behind => "behind",
            Blocked::Concurrency => "concurrency",
            Blocked::Rate => "rate",
            Blocked::Budget => "budget",
            Blocked::QueueFull => "queue-full",
        }
    }
}

/// The answer to one step.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub admit: bool,
    /// How long to sleep before asking again (0 when admitted or when done).
    pub wait_ms: f64,
    pub blocked: Option<Blocked>,
    /// Waiters that go before this one.
    pub ahead: u32,
}

/// How often a waiter behind others or behind the concurrency limit asks again: often enough
/// to take its turn at once, rarely enough to keep the store idle (about 40 steps a second
/// for a dozen waiters).
pub const POLL_MS: f64 = 250.0;

const DAY_MS: f64 = 86_400_000.0;

fn day_of(now: f64) -> i64 {
    (now / DAY_MS).floor() as i64
}

fn housekeeping(s: &mut State, now: f64, o: &Options) {
    if !s.started {
        s.started = true;
        s.tokens = o.burst;
        s.updated_at = now;
        s.credits_day = day_of(now);
    }
    // A state from elsewhere is repaired conservatively: odd tokens are an empty bucket, a
    // bucket larger than this burst (other options) is clamped.
    if !s.tokens.is_finite() || s.tokens < 0.0 {
        s.tokens = 0.0;
    }
    if !s.updated_at.is_finite() || s.updated_at > now {
        s.updated_at = now;
    }
    s.tokens = (s.tokens + (now - s.updated_at) * o.requests_per_second / 1000.0).min(o.burst);
    s.updated_at = now;
    s.in_flight.retain(|l| l.until > now);
    s.waiting.retain(|w| w.seen + o.waiter_ttl_ms > now);
    if s.paused_until <= now {
        s.paused_until = 0.0;
    }
    let today = day_of(now);
    if s.credits_day != today {
        s.credits_day = today;
        s.credits_spent = 0.0;
    }
}

fn order(w: &Waiter) -> (u8, f64) {
    (w.priority, w.since)
}

/// One step of the shared gate at `now` (epoch ms). Never panics; a state from a store that
/// holds odd values (negative tokens, an expired pause) is repaired on the way.
pub fn step(s: &mut State, op: Op<'_>, now: f64, o: &Options) -> Step {
    housekeeping(s, now, o);
    let done = Step { admit: false, wait_ms: 0.0, blocked: None, ahead: 0 };
    match op {
        Op::Cancel { id } => {
            s.waiting.retain(|w| w.id != id);
            done
        }
        Op::Release { id, retry_after_ms, charged } => {
            if let Some(at) = s.in_flight.iter().position(|l| l.id == id) {
                let lease = s.in_flight.swap_remove(at);
                if !charged {
                    s.credits_spent = (s.credits_spent - lease.cost).max(0.0);
                }
            }
            if let Some(ms) = retry_after_ms.filter(|m| m.is_finite() && *m > 0.0) {
                s.paused_until = s.paused_until.max(now + ms.min(o.max_retry_after_ms));
                s.cooldowns += 1;
            }
            done
        }
        Op::Acquire { id, priority, cost } => acquire(s, id, priority, cost.max(0.0), now, o),
        Op::Renew { id } => match s.in_flight.iter_mut().find(|l| l.id == id) {
            Some(lease) => {
                lease.until = lease.until.max(now + o.lease_ms);
                Step { admit: true, ..done }
            }
            None => done,
        },
    }
}

fn acquire(s: &mut State, id: &str, priority: Priority, cost: f64, now: f64, o: &Options) -> Step {
    if s.in_flight.iter().any(|l| l.id == id) {
        return Step { admit: true, wait_ms: 0.0, blocked: None, ahead: 0 };
    }
    let refuse = |s: &mut State, blocked: Blocked, wait_ms: f64| {
        s.waiting.retain(|w| w.id != id);
        Step { admit: false, wait_ms, blocked: Some(blocked), ahead: 0 }
    };
    if let Some(budget) = o.daily_credits {
        if s.credits_spent + cost > budget + 1e-9 {
            let next_day = (day_of(now) + 1) as f64 * DAY_MS;
            return refuse(s, Blocked::Budget, next_day - now);
        }
    }
    let me = match s.waiting.iter().position(|w| w.id == id) {
        Some(at) => {
            let w = &mut s.waiting[at];
            w.seen = now;
            w.priority = w.priority.min(priority as u8);
            w.clone()
        }
        None => {
            if s.waiting.len() >= o.max_waiting as usize {
                return refuse(s, Blocked::QueueFull, POLL_MS);
            }
            let w = Waiter { id: id.to_string(), priority: priority as u8, since: now, seen: now };
            s.waiting.push(w.clone());
            w
        }
    };
    let ahead = s.waiting.iter().filter(|w| w.id != id && order(w) < order(&me)).count() as u32;
    let until_token = if s.tokens >= 1.0 { 0.0 } else { ((1.0 - s.tokens) * 1000.0 / o.requests_per_second).max(1.0) };
    let wait = |blocked: Blocked, wait_ms: f64| Step { admit: false, wait_ms, blocked: Some(blocked), ahead };
    if s.paused_until > now {
        return wait(Blocked::Paused, s.paused_until - now);
    }
    if ahead > 0 {
        return wait(Blocked::Behind, until_token.clamp(POLL_MS / 5.0, POLL_MS));
    }
    if s.in_flight.len() >= o.max_concurrent as usize {
        let first_free = s.in_flight.iter().map(|l| l.until).fold(f64::INFINITY, f64::min) - now;
        return wait(Blocked::Concurrency, first_free.clamp(POLL_MS / 5.0, POLL_MS));
    }
    if s.tokens < 1.0 {
        return wait(Blocked::Rate, until_token);
    }
    s.tokens -= 1.0;
    s.waiting.retain(|w| w.id != id);
    s.in_flight.push(Lease { id: id.to_string(), until: now + o.lease_ms, cost });
    s.credits_spent += cost;
    s.admitted += 1;
    Step { admit: true, wait_ms: 0.0, blocked: None, ahead: 0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn acq(s: &mut State, id: &str, p: Priority, now: f64, o: &Options) -> Step {
        step(s, Op::Acquire { id, priority: p, cost: 1.0 }, now, o)
    }
    fn rel(s: &mut State, id: &str, now: f64, o: &Options) {
        step(s, Op::Release { id, retry_after_ms: None, charged: true }, now, o);
    }

    #[test]
    fn names_both_ways() {
        for (name, p) in [("interactive", Priority::Interactive), ("bulk", Priority::Bulk), ("backfill", Priority::Backfill)] {
            assert_eq!(Priority::parse(name), Some(p));
        }
        for bad in ["", "Bulk", "urgent"] {
            assert_eq!(Priority::parse(bad), None);
        }
        let blocked = [Blocked::Paused, Blocked::Behind, Blocked::Concurrency, Blocked::Rate, Blocked::Budget, Blocked::QueueFull].map(Blocked::as_str);
        assert_eq!(blocked, ["paused", "behind", "concurrency", "rate", "budget", "queue-full"]);
    }

    #[test]
    fn releases_free_their_own_place_and_only_a_real_retry_after_pauses() {
        let o = Options { max_concurrent: 2, burst: 5.0, ..Options::default() };
        let mut s = State::default();
        assert!(acq(&mut s, "a", Priority::Bulk, 0.0, &o).admit);
        assert!(acq(&mut s, "b", Priority::Bulk, 0.0, &o).admit);
        rel(&mut s, "a", 1.0, &o);
        assert!(step(&mut s, Op::Renew { id: "b" }, 2.0, &o).admit, "b keeps its place");
        assert!(!step(&mut s, Op::Renew { id: "a" }, 2.0, &o).admit, "a's place is gone");
        // Zero, negative, infinite and NaN waits are no Retry-After: no pause, no cooldown.
        for ms in [0.0, -5.0, f64::INFINITY, f64::NAN] {
            step(&mut s, Op::Release { id: "b", retry_after_ms: Some(ms), charged: true }, 3.0, &o);
            assert_eq!((s.paused_until, s.cooldowns), (0.0, 0), "{ms}");
        }
        step(&mut s, Op::Release { id: "b", retry_after_ms: Some(0.5), charged: true }, 3.0, &o);
        assert_eq!((s.paused_until, s.cooldowns), (3.5, 1));
    }

    #[test]
    fn options() {
        assert_eq!(Options::from_raw(&RawOptions::default()).unwrap(), Options::default());
        for (raw, name) in [
            (RawOptions { requests_per_second: Some(0.0), ..Default::default() }, "requestsPerSecond"),
            (RawOptions { burst: Some(0.5), ..Default::default() }, "burst"),
            (RawOptions { max_concurrent: Some(1.5), ..Default::default() }, "maxConcurrent"),
            (RawOptions { daily_credits: Some(-1.0), ..Default::default() }, "dailyCredits"),
            (RawOptions { lease_ms: Some(f64::NAN), ..Default::default() }, "leaseMs"),
            (RawOptions { burst: Some(1.5), ..Default::default() }, "burst"),
            (RawOptions { max_waiting: Some(2.5), ..Default::default() }, "maxWaiting"),
            (RawOptions { daily_credits: Some(10.5), ..Default::default() }, "dailyCredits"),
        ] {
            assert_eq!(Options::from_raw(&raw).unwrap_err().option, name);
        }
        // Good values are taken as given.
        let raw =
            RawOptions { requests_per_second: Some(0.5), lease_ms: Some(1.5), waiter_ttl_ms: Some(2.5), max_retry_after_ms: Some(3.5), ..Default::default() };
        let got = Options::from_raw(&raw).unwrap();
        assert_eq!((got.requests_per_second, got.lease_ms, got.waiter_ttl_ms, got.max_retry_after_ms), (0.5, 1.5, 2.5, 3.5));
    }

    #[test]
    fn a_renewed_lease_is_kept_an_unrenewed_one_expires() {
        let o = Options { max_concurrent: 1, lease_ms: 10_000.0, burst: 5.0, requests_per_second: 100.0, ..Options::default() };
        let mut s = State::default();
        assert!(acq(&mut s, "live", Priority::Bulk, 0.0, &o).admit);
        // The live caller's heartbeat every 3 s keeps its place long past one lease.
        for t in (3_000..=60_000).step_by(3_000) {
            assert!(step(&mut s, Op::Renew { id: "live" }, t as f64, &o).admit, "renewed at {t}");
            let other = acq(&mut s, "other", Priority::Interactive, t as f64 + 1.0, &o);
            assert_eq!((other.admit, other.blocked), (false, Some(Blocked::Concurrency)), "the live place is not taken at {t}");
        }
        // Its holder dies (no more renewals): the place is free once the lease has run out.
        assert!(!acq(&mut s, "other", Priority::Interactive, 69_999.0, &o).admit);
        // A lease of `leaseMs` from its last renewal at 60,000 ends at 70,000: free from then.
        assert!(acq(&mut s, "other", Priority::Interactive, 70_000.0, &o).admit);
        // The dead holder's renewal, if it ever came, says the place is lost; a renewal never
        // shortens a lease.
        assert!(!step(&mut s, Op::Renew { id: "live" }, 70_002.0, &o).admit);
        assert!(step(&mut s, Op::Renew { id: "other" }, 70_002.0, &o).admit);
        assert_eq!(s.in_flight[0].until, 80_002.0);
        assert!(step(&mut s, Op::Renew { id: "other" }, 70_001.0, &o).admit);
        assert_eq!(s.in_flight[0].until, 80_002.0);
    }

    #[test]
    fn rate_then_release_then_concurrency() {
        let o = Options { max_concurrent: 2, ..Options::default() };
        let mut s = State::default();
        assert!(acq(&mut s, "a", Priority::Bulk, 0.0, &o).admit);
        let b = acq(&mut s, "b", Priority::Bulk, 0.0, &o);
        assert_eq!((b.admit, b.blocked), (false, Some(Blocked::Rate)));
        assert!((b.wait_ms - 1000.0 / 1.5).abs() < 1e-6);
        // Half a token later, half the wait is left.
        let half = acq(&mut s, "b", Priority::Bulk, 1000.0 / 3.0, &o);
        assert!((half.wait_ms - 1000.0 / 3.0).abs() < 1e-6, "{}", half.wait_ms);
        assert!(acq(&mut s, "b", Priority::Bulk, 667.0, &o).admit);
        let c = acq(&mut s, "c", Priority::Bulk, 1400.0, &o);
        assert_eq!(c.blocked, Some(Blocked::Concurrency), "two in flight");
        rel(&mut s, "a", 1400.0, &o);
        assert!(acq(&mut s, "c", Priority::Bulk, 1400.0, &o).admit);
        assert_eq!(s.admitted, 3);
        assert!(acq(&mut s, "c", Priority::Bulk, 1401.0, &o).admit, "asking again once admitted is idempotent");
        assert_eq!(s.admitted, 3);
        // Behind the concurrency limit, a caller asks again when the first lease (b's, until
        // 60,667) ends, within [POLL_MS / 5, POLL_MS].
        assert_eq!(acq(&mut s, "d", Priority::Bulk, 1_500.0, &o).wait_ms, POLL_MS);
        assert_eq!(acq(&mut s, "d", Priority::Bulk, 60_567.0, &o).wait_ms, 100.0);
        assert_eq!(acq(&mut s, "d", Priority::Bulk, 60_657.0, &o).wait_ms, POLL_MS / 5.0);
    }

    #[test]
    fn interactive_goes_before_bulk_which_goes_before_backfill() {
        let o = Options::default();
        let mut s = State::default();
        assert!(acq(&mut s, "first", Priority::Bulk, 0.0, &o).admit);
        for (k, id) in ["b1", "b2", "b3"].iter().enumerate() {
            assert!(!acq(&mut s, id, Priority::Bulk, 10.0 + k as f64, &o).admit);
        }
        assert!(!acq(&mut s, "fill", Priority::Backfill, 5.0, &o).admit);
        let panel = acq(&mut s, "panel", Priority::Interactive, 100.0, &o);
        assert_eq!((panel.admit, panel.blocked, panel.ahead), (false, Some(Blocked::Rate), 0), "only the rate holds it");
        // At the next token the bulk waiters ask first, but the panel is ahead of them.
        let b1 = acq(&mut s, "b1", Priority::Bulk, 700.0, &o);
        assert_eq!((b1.admit, b1.blocked, b1.ahead), (false, Some(Blocked::Behind), 1));
        assert!(acq(&mut s, "panel", Priority::Interactive, 700.0, &o).admit);
        assert!(!acq(&mut s, "fill", Priority::Backfill, 1400.0, &o).admit, "backfill waits for every bulk waiter");
        assert!(acq(&mut s, "b1", Priority::Bulk, 1400.0, &o).admit, "then the bulk waiters in order");
    }

    #[test]
    fn a_waiter_that_went_away_loses_its_turn_and_a_crashed_caller_its_place() {
        let o = Options { max_concurrent: 1, ..Options::default() };
        let mut s = State::default();
        assert!(acq(&mut s, "crashed", Priority::Bulk, 0.0, &o).admit);
        assert!(!acq(&mut s, "gone", Priority::Interactive, 10.0, &o).admit);
        assert_eq!(acq(&mut s, "x", Priority::Bulk, 1000.0, &o).blocked, Some(Blocked::Behind));
        // "gone" is not seen again for longer than the waiter TTL; "crashed" never releases.
        // Last seen at 10, with a waiter TTL of 5,000: gone from 5,010 on.
        assert_eq!(acq(&mut s, "x", Priority::Bulk, 5_009.0, &o).blocked, Some(Blocked::Behind));
        assert_eq!(acq(&mut s, "x", Priority::Bulk, 5_010.0, &o).blocked, Some(Blocked::Concurrency));
        assert!(acq(&mut s, "x", Priority::Bulk, 60_001.0, &o).admit, "the lease expired");
        step(&mut s, Op::Cancel { id: "nobody" }, 60_002.0, &o);
    }

    #[test]
    fn a_429_pauses_everyone_no_longer_than_the_cap() {
        let o = Options::default();
        let mut s = State::default();
        assert!(acq(&mut s, "a", Priority::Bulk, 0.0, &o).admit);
        step(&mut s, Op::Release { id: "a", retry_after_ms: Some(99_999_999_000.0), charged: false }, 100.0, &o);
        assert_eq!(s.paused_until, 60_100.0);
        assert_eq!(s.cooldowns, 1);
        let p = acq(&mut s, "b", Priority::Interactive, 200.0, &o);
        assert_eq!((p.blocked, p.wait_ms), (Some(Blocked::Paused), 59_900.0));
        assert!(acq(&mut s, "b", Priority::Interactive, 60_100.0, &o).admit);
        assert_eq!(s.paused_until, 0.0);
    }

    #[test]
    fn the_daily_budget_refuses_and_resets_at_midnight_utc_and_uncharged_calls_give_back() {
        let o = Options { daily_credits: Some(2.0), requests_per_second: 1000.0, burst: 10.0, ..Options::default() };
        let mut s = State::default();
        let day = 20_000.0 * DAY_MS;
        assert!(step(&mut s, Op::Acquire { id: "a", priority: Priority::Bulk, cost: 1.0 }, day, &o).admit);
        assert!(step(&mut s, Op::Acquire { id: "b", priority: Priority::Bulk, cost: 1.0 }, day + 1.0, &o).admit);
        let c = step(&mut s, Op::Acquire { id: "c", priority: Priority::Interactive, cost: 1.0 }, day + 2.0, &o);
        assert_eq!((c.admit, c.blocked, c.wait_ms), (false, Some(Blocked::Budget), DAY_MS - 2.0));
        assert!(s.waiting.is_empty(), "a refused caller does not wait");
        step(&mut s, Op::Release { id: "b", retry_after_ms: None, charged: false }, day + 3.0, &o);
        assert_eq!(s.credits_spent, 1.0);
        assert!(step(&mut s, Op::Acquire { id: "c", priority: Priority::Interactive, cost: 1.0 }, day + 4.0, &o).admit);
        assert!(!step(&mut s, Op::Acquire { id: "d", priority: Priority::Bulk, cost: 0.5 }, day + 5.0, &o).admit);
        assert!(step(&mut s, Op::Acquire { id: "d", priority: Priority::Bulk, cost: 0.5 }, day + DAY_MS, &o).admit, "a new day");
        assert_eq!(s.credits_spent, 0.5);
    }

    #[test]
    fn the_waiting_list_is_bounded_and_odd_states_are_repaired() {
        let o = Options { max_waiting: 2, ..Options::default() };
        let mut s = State::default();
        acq(&mut s, "a", Priority::Bulk, 0.0, &o);
        acq(&mut s, "b", Priority::Bulk, 0.0, &o);
        acq(&mut s, "c", Priority::Bulk, 0.0, &o);
        assert_eq!(acq(&mut s, "d", Priority::Bulk, 0.0, &o).blocked, Some(Blocked::QueueFull));
        let waiting = |s: &State| s.waiting.iter().map(|w| w.id.clone()).collect::<Vec<_>>();
        assert_eq!(waiting(&s), ["b", "c"], "the refused caller leaves the others waiting");
        // A cancel takes out that caller only.
        step(&mut s, Op::Cancel { id: "b" }, 1.0, &o);
        assert_eq!(waiting(&s), ["c"]);
        let mut odd = State { started: true, tokens: f64::NAN, paused_until: -5.0, ..State::default() };
        let r = acq(&mut odd, "x", Priority::Bulk, 10.0, &o);
        assert!(!r.admit && r.wait_ms.is_finite() && r.wait_ms > 0.0);
        let mut huge = State { started: true, tokens: 1e9, ..State::default() };
        assert!(acq(&mut huge, "x", Priority::Bulk, 0.0, &o).admit);
        assert!(!acq(&mut huge, "y", Priority::Bulk, 0.0, &o).admit, "tokens clamped to the burst");
        // Negative tokens are an empty bucket (refilled from 0: a token after 667 ms).
        let mut negative = State { started: true, tokens: -5.0, ..State::default() };
        assert!(acq(&mut negative, "x", Priority::Bulk, 700.0, &o).admit);
        // A last refill in the future is taken as now (the bucket is not drained by it).
        let mut ahead = State { started: true, tokens: 1.0, updated_at: 1e12, ..State::default() };
        assert!(acq(&mut ahead, "x", Priority::Bulk, 1_000.0, &o).admit);
    }

    proptest! {
        /// Any interleaving of callers (several processes stepping one state in turn, with
        /// their own random delays and call durations): never more than burst + rate starts in
        /// any second (so never more than 2 with the defaults), never more than maxConcurrent
        /// at once, and every admitted interactive call waited for no bulk call admitted after
        /// it arrived.
        #[test]
        fn shared_pace_concurrency_and_priority(calls in proptest::collection::vec((0u32..4000, 0u8..3, 50u32..2000), 1..40)) {
            let o = Options::default();
            let mut s = State::default();
            // (arrival, priority, duration) -> admitted at
            let mut pending: Vec<(usize, f64)> = calls.iter().enumerate().map(|(i, c)| (i, c.0 as f64)).collect();
            let mut starts: Vec<(f64, usize)> = Vec::new();
            let mut running: Vec<(f64, usize)> = Vec::new();
            let mut now = 0.0;
            while !pending.is_empty() && now < 1e6 {
                running.retain(|&(end, i)| if end <= now { rel(&mut s, &i.to_string(), now, &o); false } else { true });
                let mut k = 0;
                while k < pending.len() {
                    let (i, next_ask) = pending[k];
                    if next_ask <= now {
                        let p = [Priority::Interactive, Priority::Bulk, Priority::Backfill][calls[i].1 as usize];
                        let r = acq(&mut s, &i.to_string(), p, now, &o);
                        if r.admit {
                            prop_assert!((running.len() as u32) < o.max_concurrent);
                            starts.push((now, i));
                            running.push((now + calls[i].2 as f64, i));
                            pending.remove(k);
                            continue;
                        }
                        prop_assert!(r.wait_ms > 0.0 && r.wait_ms <= 60_000.0);
                        pending[k].1 = now + r.wait_ms.min(1000.0);
                    }
                    k += 1;
                }
                now += 10.0;
            }
            prop_assert!(pending.is_empty());
            starts.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
            for (j, (t, _)) in starts.iter().enumerate() {
                let in_window = starts[j..].iter().take_while(|(u, _)| *u < t + 1000.0).count();
                prop_assert!(in_window <= 2, "{} starts within 1 s", in_window);
            }
            for &(t, i) in &starts {
                if calls[i].1 != 0 { continue; }
                let arrived = calls[i].0 as f64;
                // A bulk or backfill call admitted after this interactive one had asked, while it waited.
                let overtaken = starts.iter().any(|&(u, j)| calls[j].1 > 0 && u > arrived + 10.0 && u < t);
                prop_assert!(!overtaken, "interactive call {} was overtaken", i);
            }
        }
    }
}
