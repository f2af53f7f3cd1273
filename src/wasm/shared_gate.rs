//! Export (server build): `gateStep`, one step of the team-scale gate (`crate::shared_gate`).
//! The state, the request and the options cross through serde-wasm-bindgen: the state comes
//! back as a plain JSON-compatible object the server stores as it is.

use super::js::{describe, invalid};
use crate::shared_gate::{self, Op, Options, Priority, RawOptions, State};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_SHARED_GATE: &'static str = r#"
/** The team-scale gate's state: store it as it is (JSON), one per Modash API key. */
export interface SharedGateState {
  tokens: number; updatedAt: number; pausedUntil: number;
  inFlight: Array<{ id: string; until: number; cost: number }>;
  waiting: Array<{ id: string; priority: number; since: number; seen: number }>;
  creditsDay: number; creditsSpent: number; admitted: number; cooldowns: number; started: boolean;
}
export type GatePriority = 'interactive' | 'bulk' | 'backfill';
export type SharedGateRequest =
  /** A place for call `id` (unique per call) costing `cost` credits (default 0). */
  | { op: 'acquire'; id: string; priority: GatePriority; cost?: number }
  /** Call `id` is done: `retryAfterMs` from a 429 pauses everyone (capped); `charged: false` gives its credits back. */
  | { op: 'release'; id: string; retryAfterMs?: number | null; charged?: boolean }
  /** The caller of `id` went away before it was admitted. */
  | { op: 'cancel'; id: string }
  /** Call `id` is still running (its holder's heartbeat): its place is kept `leaseMs` longer; `admit` false when it was lost. */
  | { op: 'renew'; id: string };
export interface SharedGateOptions {
  /** Default 1.5 with a burst of 1: never more than 2 calls start in any second. */
  requestsPerSecond?: number; burst?: number;
  /** Default 4. */
  maxConcurrent?: number;
  /** A place not released or renewed within this long is free again (a crashed caller); default 60,000. */
  leaseMs?: number;
  /** A waiter that does not ask again within this long loses its turn; default 5,000. */
  waiterTtlMs?: number;
  /** The longest pause a 429's Retry-After may cause; default 60,000. */
  maxRetryAfterMs?: number;
  /** Default 1,000. */
  maxWaiting?: number;
  /** Credits a UTC day may spend; none when absent. */
  dailyCredits?: number;
}
export interface SharedGateStep {
  state: SharedGateState;
  admit: boolean;
  /** Sleep this long, then ask again with the same id (0 when admitted or done). */
  waitMs: number;
  blocked: 'paused' | 'behind' | 'concurrency' | 'rate' | 'budget' | 'queue-full' | null;
  /** Waiters that go first (a higher priority, or earlier at the same one). */
  ahead: number;
}
"#;

#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
enum Request {
    Acquire {
        id: String,
        priority: String,
        #[serde(default)]
        cost: Option<f64>,
    },
    Release {
        id: String,
        #[serde(default, rename = "retryAfterMs")]
        retry_after_ms: Option<f64>,
        #[serde(default)]
        charged: Option<bool>,
    },
    Cancel {
        id: String,
    },
    Renew {
        id: String,
    },
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    state: State,
    admit: bool,
    wait_ms: f64,
    blocked: Option<&'static str>,
    ahead: u32,
}

fn read<T: for<'de> Deserialize<'de>>(v: JsValue, what: &str) -> Result<T, JsValue> {
    serde_wasm_bindgen::from_value(v).map_err(|e| invalid(&format!("{what} could not be read: {e}")))
}

/// One step of the gate every server process shares for one Modash key: a token bucket, one
/// cooldown after a 429, a concurrency limit, priorities (interactive before bulk before
/// backfill) and a daily credit budget, over a state the caller keeps in its store (read, step
/// and write it back in one transaction). Pure: no timers, no clock but `now`.
/// @throws ModashFlowError `INVALID_ARGUMENT` (a state, request or `now` it cannot read), `INVALID_OPTION`.
#[wasm_bindgen(js_name = gateStep, unchecked_return_type = "SharedGateStep")]
pub fn gate_step(
    #[wasm_bindgen(unchecked_param_type = "SharedGateState | null")] state: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SharedGateRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "number")] now: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "SharedGateOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let now =
        now.as_f64().filter(|n| n.is_finite()).ok_or_else(|| invalid(&format!("now must be a finite number of epoch milliseconds, got {}", describe(&now))))?;
    let mut state: State = if state.is_null() || state.is_undefined() { State::default() } else { read(state, "state")? };
    let request: Request = read(request, "request")?;
    let raw: RawOptions = if options.is_null() || options.is_undefined() { RawOptions::default() } else { read(options, "options")? };
    let opts = Options::from_raw(&raw)?;
    let op = match &request {
        Request::Acquire { id, priority, cost } => Op::Acquire {
            id,
            priority: Priority::parse(priority)
                .ok_or_else(|| invalid(&format!("request.priority must be 'interactive', 'bulk' or 'backfill', got {priority:?}")))?,
            cost: match cost {
                None => 0.0,
                Some(c) if c.is_finite() && *c >= 0.0 => *c,
                Some(c) => return Err(invalid(&format!("request.cost must be a finite number >= 0, got {c}"))),
            },
        },
        Request::Release { id, retry_after_ms, charged } => Op::release(id, *retry_after_ms, *charged),
        Request::Cancel { id } => Op::Cancel { id },
        Request::Renew { id } => Op::Renew { id },
    };
    let out = shared_gate::step(&mut state, op, now, &opts);
    let answer = Answer { state, admit: out.admit, wait_ms: out.wait_ms, blocked: out.blocked.map(|b| b.as_str()), ahead: out.ahead };
    answer.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| invalid(&format!("the gate's answer could not be built: {e}")))
}
