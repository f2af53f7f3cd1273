// Notes cross one way, as JSON text (src/wasm/read.rs imports this file): a string or its
// UTF-8 bytes as they are, an object through JSON.stringify. Nothing here throws into wasm: a
// throwing getter, a cycle, a BigInt or a revoked Proxy makes the notes unreadable (null).
import { describe } from './values.js';

// A notes value as JSON text: the string or the bytes themselves, undefined for no notes
// (null, undefined), null when it cannot be read or is no object.
export function notesText(v) {
  try {
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' || v instanceof Uint8Array) return v;
    if (typeof v !== 'object' || Array.isArray(v)) return null;
    const text = JSON.stringify(v);
    return typeof text === 'string' ? text : null;
  } catch (_) {
    return null;
  }
}

// A list of platform names as plain values: the strings, null for anything else.
const names = (list) => {
  const out = new Array(list.length);
  for (let k = 0; k < list.length; k++) {
    const v = list[k];
    out[k] = typeof v === 'string' ? v : null;
  }
  return out;
};
// A length every reader accepts: a whole number from 0 to `max` (a Proxy or an array-like can
// claim 1.5, -1, NaN or 2^53; Number.isSafeInteger refuses them all in every engine).
const count = (len, max) => Number.isSafeInteger(len) && len >= 0 && len <= max;
// What could not be read, worded as the INVALID_ARGUMENT error says it.
const refused = (message) => ({ refused: message });

// One row's platform list (`at` names it in messages), copied: { names } or a refusal.
function listOf(list, at, maxNames) {
  try {
    if (!Array.isArray(list)) return refused(`${at} must be an array, got ${describe(list)}`);
    if (!count(list.length, maxNames)) return refused(`${at} must be an array of at most ${maxNames} names`);
    return { names: names(list) };
  } catch (_) {
    return refused(`${at} could not be read`);
  }
}

// analyticsProgress's notes and list as plain values: { texts: [notes text], lists: [names] },
// or { refused } saying what could not be read.
export function oneIn(notes, list, maxNames) {
  const l = listOf(list, 'platforms', maxNames);
  return l.refused ? l : { texts: [notesText(notes)], lists: [l.names] };
}

// analyticsProgressBatch's rows, the same way. A row whose `notes` getter throws is a row with
// unreadable notes, not a refusal.
export function rowsIn(rows, maxRows, maxNames) {
  let len;
  try {
    len = rows.length;
    if (!count(len, maxRows)) return refused(`rows must be an array of at most ${maxRows} rows`);
  } catch (_) {
    return refused('rows[0] could not be read');
  }
  const texts = new Array(len), lists = new Array(len);
  for (let i = 0; i < len; i++) {
    let row, list;
    try {
      row = rows[i];
      if (typeof row !== 'object' || row === null || Array.isArray(row)) return refused(`rows[${i}] must be an object { notes, platforms }`);
    } catch (_) {
      return refused(`rows[${i}] could not be read`);
    }
    try { texts[i] = notesText(row.notes); } catch (_) { texts[i] = null; }
    try { list = row.platforms; } catch (_) { return refused(`rows[${i}].platforms could not be read`); }
    const l = listOf(list, `rows[${i}].platforms`, maxNames);
    if (l.refused) return l;
    lists[i] = l.names;
  }
  return { texts, lists };
}

// A Date's time (NaN when invalid), undefined for anything else; never throws (instanceof on
// a revoked Proxy does).
export function dateTime(v) {
  try { return v instanceof Date ? v.getTime() : undefined; } catch (_) { return undefined; }
}

// parseTimestamps' values as one JSON array of strings, numbers (a Date's time) and null (any
// other value): a string; null when the list or a value could not be read, undefined when it
// claims more than `max` values.
export function timestampsText(list, max) {
  try {
    const len = list.length;
    if (!count(len, max)) return undefined;
    const out = new Array(len);
    for (let k = 0; k < len; k++) {
      const v = list[k];
      const t = typeof v === 'string' || typeof v === 'number' ? v : dateTime(v);
      out[k] = t === undefined ? null : t;
    }
    return JSON.stringify(out);
  } catch (_) {
    return null;
  }
}
