// The plain-JS baseline: a fair, straightforward port of the same rules in the seed plan's
// style (JSON.parse, optional chaining, Date.parse), kept here only to measure against.
const ALIASES = { instagram: 'instagram', ig: 'instagram', insta: 'instagram', tiktok: 'tiktok', tt: 'tiktok', 'tik tok': 'tiktok', 'tik-tok': 'tiktok', youtube: 'youtube', yt: 'youtube', 'you tube': 'youtube' };
export function normalizePlatform(v) {
  if (v == null || String(v).trim() === '') return 'instagram';
  const p = ALIASES[String(v).trim().toLowerCase()];
  if (!p) throw Object.assign(new Error(`Unsupported platform "${v}"`), { code: 'UNSUPPORTED_PLATFORM' });
  return p;
}
const usable = (v) => (typeof v === 'string' ? (v.trim() || null) : Number.isSafeInteger(v) ? String(v) : null);
const parse = (notes) => {
  if (notes == null) return {};
  if (typeof notes === 'string') { try { const o = JSON.parse(notes); return o && typeof o === 'object' && !Array.isArray(o) ? o : null; } catch { return null; } }
  return typeof notes === 'object' && !Array.isArray(notes) ? notes : null;
};
function legacyApplies(lp, p) {
  if (lp == null || (typeof lp === 'string' && lp.trim() === '')) return p === 'instagram';
  if (typeof lp !== 'string') return false;
  return ALIASES[lp.trim().toLowerCase()] === p;
}
export function resolveUserId(notes, platform) {
  const p = normalizePlatform(platform);
  const o = parse(notes);
  if (!o) return { platform: p, userId: null, source: 'none', needsMigration: false, rejectedLegacy: null, problem: 'notes-unreadable' };
  const md = o.modash_data && typeof o.modash_data === 'object' ? o.modash_data : {};
  const own = usable(md.platforms?.[p]?.userId);
  const legacy = usable(md.userId) ?? usable(md.modash_user_id);
  const applies = legacy != null && legacyApplies(md.platform, p);
  const rejected = legacy != null && !applies ? { userId: legacy, legacyPlatform: typeof md.platform === 'string' && md.platform.trim() ? md.platform : null, reason: typeof md.platform === 'string' && ALIASES[md.platform.trim().toLowerCase()] || md.platform == null || md.platform === '' ? 'platform-mismatch' : 'unknown-platform' } : null;
  const source = own ? 'platform' : applies ? 'legacy' : 'none';
  return { platform: p, userId: own ?? (applies ? legacy : null), source, needsMigration: source === 'legacy', rejectedLegacy: rejected, problem: null };
}
export const parseTimestamp = (v) => (v instanceof Date ? v.getTime() : typeof v === 'number' ? (Number.isFinite(v) ? v : null) : typeof v === 'string' ? (Number.isNaN(Date.parse(v)) ? null : Date.parse(v)) : null);
export function cacheAgeLabel(v, now = Date.now()) {
  const t = parseTimestamp(v);
  if (t == null) return null;
  const a = now - t;
  if (a < -300000) return null;
  const m = Math.floor(Math.max(a, 0) / 60000), h = Math.floor(m / 60), d = Math.floor(h / 24);
  return m < 1 ? 'just now' : m < 60 ? `${m}m ago` : h < 24 ? `${h}h ago` : d <= 30 ? `${d}d ago` : d < 365 ? `${Math.min(12, Math.floor(d / 30))}mo ago` : `${Math.floor(d / 365)}y ago`;
}
export function analyticsProgress(notes, platforms, { ttl = 12 * 3600e3, now = Date.now() } = {}) {
  const o = parse(notes);
  const md = o?.modash_data && typeof o.modash_data === 'object' ? o.modash_data : {};
  const seen = new Set(), rows = [];
  let newest = null;
  for (const name of platforms) {
    let p = null;
    try { p = name ? normalizePlatform(name) : null; } catch { p = null; }
    const key = p ?? String(name ?? '').trim().toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    let lr = null, age = null, fresh = false;
    if (p && o) {
      const e = md.platforms?.[p];
      const raw = e?.last_refreshed ?? (legacyApplies(md.platform, p) ? md.last_refreshed : undefined);
      const t = parseTimestamp(raw);
      if (t != null && now - t >= -300000) { lr = t; age = Math.max(0, now - t); fresh = age <= ttl; newest = newest == null ? t : Math.max(newest, t); }
    }
    rows.push({ platform: key, lastRefreshed: lr, ageMs: age, fresh });
  }
  const synced = rows.filter((r) => r.fresh).length;
  const label = `${synced}/${rows.length}`;
  return { synced, total: rows.length, label, tooltip: `Analytics synced for ${label} platform(s)${newest != null ? ` (refreshed ${cacheAgeLabel(newest, now)})` : ''}`, platforms: rows, newestRefresh: newest };
}
