// TTLs for the browser: Next.js inlines only literal process.env.NEXT_PUBLIC_* reads, so each
// one is named here and handed to modash-flow, which parses and validates them.
import { ttlConfigFromEnv, type TtlConfig } from 'modash-flow';

let cached: { config: TtlConfig; warnings: string[] } | null = null;

export function browserTtl() {
  if (!cached) {
    cached = ttlConfigFromEnv({
      NEXT_PUBLIC_MODASH_CACHE_TTL_HOURS: process.env.NEXT_PUBLIC_MODASH_CACHE_TTL_HOURS,
      NEXT_PUBLIC_MODASH_CACHE_TTL_ROSTER_HOURS: process.env.NEXT_PUBLIC_MODASH_CACHE_TTL_ROSTER_HOURS,
      NEXT_PUBLIC_MODASH_CACHE_TTL_DISCOVERY_HOURS: process.env.NEXT_PUBLIC_MODASH_CACHE_TTL_DISCOVERY_HOURS,
      NEXT_PUBLIC_MODASH_CACHE_TTL_BULK_HOURS: process.env.NEXT_PUBLIC_MODASH_CACHE_TTL_BULK_HOURS,
      NEXT_PUBLIC_MODASH_CACHE_TTL_INSTAGRAM_HOURS: process.env.NEXT_PUBLIC_MODASH_CACHE_TTL_INSTAGRAM_HOURS,
      NEXT_PUBLIC_MODASH_CACHE_TTL_TIKTOK_HOURS: process.env.NEXT_PUBLIC_MODASH_CACHE_TTL_TIKTOK_HOURS,
      NEXT_PUBLIC_MODASH_CACHE_TTL_YOUTUBE_HOURS: process.env.NEXT_PUBLIC_MODASH_CACHE_TTL_YOUTUBE_HOURS,
    });
    for (const w of cached.warnings) console.warn(`[modash-flow] ${w}`);
  }
  return cached;
}
