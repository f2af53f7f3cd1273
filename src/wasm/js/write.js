// The write path on a JS object (src/wasm/write.rs imports it): applies a plan the core wrote
// as JSON text (`write::text::plan_json`), copying only the objects on its path, with
// define-property semantics so `__proto__` stays data. Every other subtree, the removed
// payloads included, is shared, never converted.
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const put = (o, k, v) => Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
const copy = (o) => { const c = {}; if (isObj(o)) for (const k of Object.keys(o)) put(c, k, o[k]); return c; };
export function numberText(n) { return String(n); }
// { notes, payloads: { [platform]: removed payload }, legacyPayload }.
export function applyPlan(notes, planText) {
  const { modashData, platforms, payload, removeLegacyPayload, edits } = JSON.parse(planText);
  const out = { notes: copy(notes), payloads: {}, legacyPayload: undefined };
  if (edits.length > 0 || removeLegacyPayload) {
    const md = copy(out.notes[modashData]);
    put(out.notes, modashData, md);
    if (removeLegacyPayload) {
      out.legacyPayload = md[payload];
      delete md[payload];
    }
    const pl = edits.length > 0 ? copy(md[platforms]) : undefined;
    if (pl) put(md, platforms, pl);
    for (const { platform, set, removePayload } of edits) {
      const e = copy(pl[platform]);
      for (const k of Object.keys(set)) put(e, k, set[k]);
      if (removePayload && Object.hasOwn(e, payload)) {
        out.payloads[platform] = e[payload];
        delete e[payload];
      }
      put(pl, platform, e);
    }
  }
  return out;
}
