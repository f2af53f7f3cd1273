// The deterministic roster shared by the seed (SQLite rows) and the simulated Modash service
// (the accounts it knows). Every case the flow must handle appears at a fixed rhythm.
import { readFileSync } from 'node:fs';
import { baseConfig } from './config.mjs';

export const PLATFORMS = ['instagram', 'tiktok', 'youtube'];
const FIRST = ['Ana', 'Ben', 'Cleo', 'Dev', 'Eli', 'Fay', 'Gus', 'Hana', 'Ivo', 'Jade', 'Kai', 'Lia', 'Mo', 'Nia', 'Oli', 'Pia'];
const LAST = ['Silva', 'Okafor', 'Moreau', 'Kim', 'Novak', 'Haddad', 'Rossi', 'Berg', 'Tanaka', 'Lopez', 'Dubois', 'Ali'];
const H = 3600e3;

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The Modash account of influencer i on a platform. */
export function account(i, platform) {
  const slug = `${FIRST[i % FIRST.length]}${LAST[(i * 7) % LAST.length]}`.toLowerCase();
  const r = rng(i * 31 + PLATFORMS.indexOf(platform));
  const userId =
    platform === 'instagram'
      ? String(100000000 + i * 7919)
      : platform === 'tiktok'
        ? `68${String(1000000000000000 + i * 104729).padStart(17, '0')}`
        : `UC${(i * 2654435761).toString(36).padStart(10, 'x')}${'abcdefghijkl'.slice(i % 6, (i % 6) + 12)}`.slice(0, 24);
  return {
    platform,
    userId,
    username: `${slug}.${i}.${platform.slice(0, 2)}`,
    fullname: `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`,
    followers: Math.round(5000 + r() * 900000),
    engagementRate: Math.round(r() * 800) / 10000,
    avgViews: Math.round(1000 + r() * 300000),
  };
}

/**
 * Accounts whose usernames contain influencer i's (Modash's search lists them too, most
 * followers first): `<username>.official` with more followers than the real one, so that
 * taking the first search result stores the wrong account, and `<username>_fanpage`.
 */
export function lookAlikes(i, platform) {
  const real = account(i, platform);
  return [
    ['.official', 3, 1],
    ['_fanpage', 0.5, 2],
  ].map(([suffix, factor, k]) => ({
    ...real,
    userId: platform === 'youtube' ? `UC${k}${real.userId.slice(3)}` : `${k}9${real.userId.slice(2)}`,
    username: `${real.username}${suffix}`,
    fullname: `${real.fullname} (${suffix.slice(1)})`,
    followers: Math.round(real.followers * factor) + 1000,
  }));
}

/**
 * Influencers whose own account Modash no longer has (one username-only influencer in 36):
 * a search for their username finds only the look-alikes, never an exact match.
 */
export const goneFromModash = (i) => i % 36 === 29;

/**
 * The documented report of each platform (tests/fixtures/modash/report.<platform>.json; SOURCES.md
 * there says which document each follows): the simulator answers in that shape, with the
 * account's identity and figures put where the fixture has them.
 */
export const REPORT_FIXTURES = Object.fromEntries(
  PLATFORMS.map((p) => [p, JSON.parse(readFileSync(new URL(`../../tests/fixtures/modash/report.${p}.json`, import.meta.url), 'utf8'))]),
);

/** A Modash profile report of `acc` in its platform's documented shape (about 50 KB with the recent posts). */
export function report(acc) {
  const r = rng(acc.userId.length * 97 + acc.followers);
  const doc = structuredClone(REPORT_FIXTURES[acc.platform]);
  const pr = doc.profile;
  pr.userId = acc.userId;
  Object.assign(pr.profile, {
    userId: acc.userId,
    username: acc.username,
    fullname: acc.fullname,
    url: `https://example.com/${acc.platform}/${acc.username}`,
    followers: acc.followers,
    engagements: Math.round(acc.followers * acc.engagementRate),
    engagementRate: acc.engagementRate,
  });
  // Instagram's views are its Reels plays (the fixture's `avgReelsPlays`); the others' `avgViews`.
  if ('avgReelsPlays' in pr) pr.avgReelsPlays = acc.avgViews;
  else pr.avgViews = acc.avgViews;
  pr.avgLikes = Math.round(acc.followers * acc.engagementRate);
  pr.postsCount = 260;
  pr.recentPosts = Array.from({ length: 260 }, (_, k) => ({
    id: `${acc.userId}_${k}`,
    created: new Date(Date.UTC(2025, 0, 1) - k * 86400e3).toISOString(),
    text: `Post ${k} by ${acc.fullname}: a caption long enough to look like one #ad #collab`,
    likes: Math.round(r() * 50000),
    comments: Math.round(r() * 900),
    views: Math.round(r() * 400000),
  }));
  return doc;
}

/** The twelve cases, by i % 12. `expect(now)` gives the roster badge label with default TTLs. */
export const CASES = [
  'synced-with-cache',
  'stale',
  'legacy-ig-with-platform',
  'legacy-ig-no-platform',
  'legacy-tiktok-trap',
  'username-only',
  'future-timestamp',
  'big-payload',
  'malformed-notes',
  'mixed',
  'crm-only',
  'fresh-no-cache',
];

function platformsOf(i, kase) {
  switch (kase) {
    case 'legacy-tiktok-trap':
      return ['instagram', 'tiktok'];
    case 'username-only':
    case 'legacy-ig-with-platform':
    case 'legacy-ig-no-platform':
      return ['instagram'];
    case 'mixed':
      return ['instagram', 'tiktok', 'youtube'];
    default:
      return i % 2 ? ['instagram', 'tiktok'] : ['instagram', 'youtube'];
  }
}

/**
 * Influencer i: name, platforms, notes (object, or a string for malformed notes), cache rows to
 * create (`cache: [{ platform }]`, whose ids go into notes as cache_id), and the expected badge.
 */
export function influencer(i, now) {
  const kase = CASES[i % CASES.length];
  const platforms = platformsOf(i, kase);
  const acc = Object.fromEntries(platforms.map((p) => [p, account(i, p)]));
  const iso = (ms) => new Date(ms).toISOString();
  const entry = (p, agoMs, extra = {}) => ({
    userId: acc[p].userId,
    username: acc[p].username,
    followers: acc[p].followers,
    engagementRate: acc[p].engagementRate,
    avgViews: acc[p].avgViews,
    last_refreshed: iso(now - agoMs),
    refreshed_by: 'seed',
    ...extra,
  });
  const crm = { crm: { owner: ['sam', 'lee', 'kim'][i % 3], tags: ['beauty', 'travel'].slice(0, 1 + (i % 2)) } };
  let notes,
    cache = [],
    expect;
  const n = platforms.length;
  switch (kase) {
    case 'synced-with-cache':
      notes = { ...crm, modash_data: { platforms: Object.fromEntries(platforms.map((p) => [p, entry(p, 2 * H)])) } };
      cache = platforms.map((p) => ({ platform: p }));
      expect = `${n}/${n}`;
      break;
    case 'stale':
      notes = { modash_data: { platforms: Object.fromEntries(platforms.map((p) => [p, entry(p, 3 * 24 * H)])) } };
      expect = `0/${n}`;
      break;
    case 'legacy-ig-with-platform':
      notes = { modash_data: { userId: Number(acc.instagram.userId), platform: 'Instagram', last_refreshed: iso(now - 3 * H) } };
      expect = '1/1';
      break;
    case 'legacy-ig-no-platform':
      notes = { modash_data: { modash_user_id: acc.instagram.userId, last_refreshed: iso(now - 40 * H) } };
      expect = '0/1';
      break;
    case 'legacy-tiktok-trap':
      notes = { modash_data: { userId: acc.tiktok.userId, platform: 'tiktok', last_refreshed: iso(now - 1 * H) } };
      expect = '1/2'; // the legacy refresh counts for TikTok only
      break;
    case 'username-only':
      notes = i % 24 === 5 ? null : { ...crm };
      expect = '0/1';
      break;
    case 'future-timestamp':
      notes = { modash_data: { platforms: Object.fromEntries(platforms.map((p) => [p, { ...entry(p, 0), last_refreshed: iso(now + 3 * 24 * H) }])) } };
      expect = `0/${n}`;
      break;
    case 'big-payload':
      notes = {
        ...crm,
        modash_data: {
          platforms: Object.fromEntries(platforms.map((p, k) => [p, k === 0 ? { ...entry(p, 30 * H), cached_payload: report(acc[p]) } : entry(p, 30 * H)])),
        },
      };
      expect = `0/${n}`;
      break;
    case 'malformed-notes':
      notes = '{"modash_data": {"platforms": {"instagram": {"userId": "1"'; // truncated
      expect = `0/${n}`;
      break;
    case 'mixed':
      notes = { modash_data: { platforms: { instagram: entry('instagram', 1 * H), tiktok: entry('tiktok', 13 * H) } } };
      cache = [{ platform: 'instagram' }];
      expect = '1/3';
      break;
    case 'crm-only':
      notes = { ...crm, status: 'shortlisted' };
      expect = `0/${n}`;
      break;
    case 'fresh-no-cache':
      notes = { modash_data: { platforms: Object.fromEntries(platforms.map((p) => [p, entry(p, 5 * H)])) } };
      expect = `${n}/${n}`;
      break;
  }
  const name = `${acc[platforms[0]].fullname} #${i}`;
  return { id: i + 1, name, kase, platforms, accounts: acc, notes, cache, expect };
}

export const ROSTER_SIZE = baseConfig().ROSTER_SIZE;
