// Guarded helpers for JS values (src/wasm/js.rs imports them): reads that never throw into
// wasm, option readers, settling values.
const rtfs = new Map();
export function describe(v) {
  try {
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'bigint') return `${v}n`;
    if (v === null || typeof v !== 'object') return String(v);
    return Array.isArray(v) ? 'an array' : 'an object';
  } catch (_) { return typeof v; }
}
export function relativeTime(locale, value, unit) {
  try {
    let f = rtfs.get(locale);
    if (f === undefined) {
      f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
      if (rtfs.size > 32) rtfs.clear();
      rtfs.set(locale, f);
    }
    return f.format(value, unit);
  } catch (_) { return undefined; }
}
// Array.isArray throws on a revoked Proxy: these two never throw (a revoked Proxy is neither).
export function isRecord(v) {
  try { return typeof v === 'object' && v !== null && !Array.isArray(v); } catch (_) { return false; }
}
export function isArray(v) {
  try { return Array.isArray(v); } catch (_) { return false; }
}
// A plain copy of an array's values: undefined when a getter or Proxy trap threw, null when
// it claims more than `max` values or a length that is no whole number (a Proxy can).
export function arrayItems(v, max) {
  try {
    const n = v.length;
    if (!(Number.isSafeInteger(n) && n >= 0 && n <= max)) return null;
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = v[i];
    return out;
  } catch (_) { return undefined; }
}
// Object.assign(target, source), false when a getter or Proxy trap of source threw.
export function assignFrom(target, source) {
  try { Object.assign(target, source); return true; } catch (_) { return false; }
}
// Property reads and writes without wasm-bindgen's `catch` wrapper (a closure and an `apply`
// per call): a read that throws gives the THREW symbol instead.
const THREW = Symbol('threw');
export function getOr(o, k) {
  try { return o[k]; } catch (_) { return THREW; }
}
export function isThrew(v) { return v === THREW; }
// A header's value from a `Headers` (or anything with `get`) or a plain object of headers
// (`name` is lower case; a plain object's keys are compared in lower case): undefined when
// there is none or a read threw.
export function header(h, name) {
  try {
    if (h === null || (typeof h !== 'object' && typeof h !== 'function')) return undefined;
    if (typeof h.get === 'function') return h.get(name);
    for (const k of Object.keys(h)) if (k.toLowerCase() === name) return h[k];
  } catch (_) {}
  return undefined;
}
// A property of a result object under construction (a setter polluting Object.prototype
// that throws is ignored, as a failed `Reflect.set` was: never a throw through wasm).
export function setProp(o, k, v) { try { o[k] = v; } catch (_) {} }
// settle.rs: `Promise.resolve(v)`, then `done(true, value)` or `done(false, reason)`: values
// and thenables alike (a promise whose `constructor` getter throws makes `Promise.resolve`
// throw: that is a rejection too). One callback, called once whichever way it settles (a
// Rust callback never called is never freed).
export function settleWith(v, done) {
  let p;
  try { p = Promise.resolve(v); } catch (e) { p = Promise.reject(e); }
  p.then((x) => done(true, x), (e) => done(false, e));
}
export function processEnv() {
  try {
    return typeof process !== 'undefined' && process && typeof process.env === 'object' ? process.env : undefined;
  } catch (_) { return undefined; }
}
