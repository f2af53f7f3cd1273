// A straightforward plain-JS implementation of the same merge, as the seed plan's route
// handler would write it: parse, spread-copy the path, set the fields, drop the payload.
export function mergeAnalyticsJs(notes, platform, fetched, { now = Date.now(), refreshedBy = null, cacheId } = {}) {
  const isText = typeof notes === 'string';
  const obj = isText ? JSON.parse(notes) : (notes ?? {});
  const md = obj.modash_data ?? {};
  const platforms = md.platforms ?? {};
  const { cached_payload, ...entry } = platforms[platform] ?? {};
  const droppedPayloadBytes = cached_payload === undefined ? 0 : Buffer.byteLength(JSON.stringify(cached_payload));
  const userId = fetched.userId != null ? String(fetched.userId) : entry.userId ?? null;
  const next = { ...entry, ...(userId ? { userId } : {}), username: fetched.username, followers: fetched.followers,
    engagementRate: fetched.engagementRate, avgViews: fetched.avgViews, avgLikes: fetched.avgLikes ?? null, last_refreshed: new Date(now).toISOString(),
    refreshed_by: refreshedBy, ...(cacheId !== undefined ? { cache_id: cacheId } : {}) };
  const out = { ...obj, modash_data: { ...md, platforms: { ...platforms, [platform]: next } } };
  return { notes: isText ? JSON.stringify(out) : out, userIdStored: userId, droppedPayloadBytes };
}
