// The write path's object copies (src/wasm/write.rs imports it): only the objects on the
// written path are copied, with define-property semantics, so `__proto__` stays data.
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const put = (o, k, v) => Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
const copy = (o) => { const c = {}; if (isObj(o)) for (const k of Object.keys(o)) put(c, k, o[k]); return c; };
const enc = new TextEncoder();
const utf8 = (s) => enc.encode(s).length;
export function jsonBytes(v) { const s = JSON.stringify(v); return s === undefined ? 0 : utf8(s); }
export function textBytes(s) { return utf8(s); }
export function numberText(n) { return String(n); }
// edits: [platform, [[key, value]...], removePayload][]; returns [newNotes, droppedPayloadBytes].
// [md, pl, payload]: the keys of modash_data, platforms and cached_payload (the core's table).
export function applyEdits(notes, edits, removeLegacyPayload, [MD, PL, PAYLOAD]) {
  const root = copy(notes);
  if (edits.length === 0 && !removeLegacyPayload) return [root, 0];
  const md = copy(root[MD]);
  put(root, MD, md);
  let dropped = 0;
  if (removeLegacyPayload) delete md[PAYLOAD];
  if (edits.length === 0) return [root, 0];
  const pl = copy(md[PL]);
  put(md, PL, pl);
  for (const [p, sets, removePayload] of edits) {
    const e = copy(pl[p]);
    for (const [k, v] of sets) put(e, k, v);
    if (removePayload && Object.hasOwn(e, PAYLOAD)) {
      dropped += jsonBytes(e[PAYLOAD]);
      delete e[PAYLOAD];
    }
    put(pl, p, e);
  }
  return [root, dropped];
}
