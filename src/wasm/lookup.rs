//! Export: `pickExactMatch` (the rule is `crate::lookup`).

use super::js::{array_items, describe, get, invalid, is_array, is_record, Obj};
use super::read::leaf;
use crate::lookup::{pick_exact, Candidate, Pick};
use crate::user_id::usable;
use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(typescript_custom_section)]
const TS_LOOKUP: &'static str = r#"
/** One account of a Modash username search (`GET /v1/{platform}/users?query=…`). */
export interface SearchedUser { userId: string | number; username: string; [field: string]: unknown }
/** The verdict of `pickExactMatch`. */
export type ExactMatch<U = SearchedUser> =
  | { userId: string; username: string; index: number; user: U; reason: null; closest: [] }
  | { userId: null; username: null; index: null; user: null; reason: 'no-exact-match'; closest: string[] };
/**
 * The account of a search answer whose username equals `username` (ASCII case ignored, a
 * leading `@` and surrounding blanks ignored), else none with `reason: 'no-exact-match'` and
 * up to five distinct usernames seen, closest first. Modash's search lists look-alikes
 * (`anna.b.official` for `anna.b`): never store `users[0]`.
 * @throws ModashFlowError `INVALID_ARGUMENT` when `users` is not an array or `username` not a string.
 */
export function pickExactMatch<U extends SearchedUser>(users: readonly U[], username: string): ExactMatch<U>;
"#;

/// Most accounts read from one answer (Modash answers at most a few dozen).
const MAX_USERS: u32 = 1000;

// Generic (`pickExactMatch<U>` hands back the caller's own user type): declared in TS_LOOKUP above.
#[wasm_bindgen(js_name = pickExactMatch, skip_typescript)]
pub fn pick_exact_match(users: JsValue, username: JsValue) -> Result<JsValue, JsValue> {
    let username = username.as_string().ok_or_else(|| invalid(&format!("username must be a string, got {}", describe(&username))))?;
    if !is_array(&users) {
        return Err(invalid(&format!("users must be an array (the search answer's `users`), got {}", describe(&users))));
    }
    let list = match array_items(&users, MAX_USERS) {
        v if v.is_undefined() => return Err(invalid("users could not be read")),
        v if v.is_null() => return Err(invalid(&format!("users has more than {MAX_USERS} entries or no valid length (a whole number)"))),
        v => v.unchecked_into::<Array>(),
    };
    // An entry that is not an object, or whose fields cannot be read, is no candidate.
    let read: Vec<(String, String, JsValue)> = list
        .iter()
        .map(|u| {
            if !is_record(&u) {
                return (String::new(), String::new(), u);
            }
            // The id rule of stored ids (`user_id::usable`): a trimmed string, or a safe integer.
            let id = get(&u, "userId").ok().and_then(|v| usable(&leaf(&v))).unwrap_or_default();
            let name = get(&u, "username").ok().and_then(|n| n.as_string()).unwrap_or_default();
            (id, name, u)
        })
        .collect();
    let candidates: Vec<Candidate> = read.iter().map(|(id, name, _)| Candidate { user_id: id, username: name }).collect();
    Ok(match pick_exact(&candidates, &username) {
        Pick::Exact { index } => Obj::new()
            .set("userId", read[index].0.as_str())
            .set("username", read[index].1.as_str())
            .set("index", index as u32)
            .set("user", read[index].2.clone())
            .set("reason", JsValue::NULL)
            .set("closest", Array::new())
            .build(),
        Pick::NoExactMatch { closest } => Obj::new()
            .set("userId", JsValue::NULL)
            .set("username", JsValue::NULL)
            .set("index", JsValue::NULL)
            .set("user", JsValue::NULL)
            .set("reason", "no-exact-match")
            .set("closest", closest.iter().map(|s| JsValue::from_str(s)).collect::<Array>())
            .build(),
    })
}
