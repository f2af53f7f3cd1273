// Words for staff, shared by the server's sentences and the pages (no server-only import here):
// platform names as the platforms write them, and times in the reader's own time zone.

const PLATFORM_NAMES: Record<string, string> = { instagram: 'Instagram', tiktok: 'TikTok', youtube: 'YouTube' };

/** `instagram` -> `Instagram`, `tiktok` -> `TikTok`, `youtube` -> `YouTube` (anything else as it is). */
export const platformName = (platform: string): string => PLATFORM_NAMES[platform] ?? platform;

/** How Modash computes a platform's engagement rate (help.modash.io, "Modash API data points descriptions"). */
export const ENGAGEMENT_RATE_DEFINITION: Record<string, string> = {
  instagram: 'Median likes ÷ followers (Modash, Instagram)',
  tiktok: 'Average likes ÷ average views (Modash, TikTok)',
  youtube: 'Average likes ÷ average views (Modash, YouTube)',
};

/** A clock time in the reader's time zone and language ("14:05"): for the browser (the server's zone is not the reader's). */
export function clockTime(at: number | string | Date): string {
  return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(at));
}

/** A date and time in the reader's time zone ("7 Dec, 14:05"). */
export function dateTime(at: number | string | Date): string {
  return new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(new Date(at));
}

/** A day in the reader's time zone ("7 Dec 2026"). */
export function day(at: number | string | Date): string {
  return new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(at));
}

/** "in 5 min" / "in 2 h" / "5 min ago", for a moment near now. */
export function relative(at: number, now = Date.now()): string {
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const s = Math.round((at - now) / 1000);
  if (Math.abs(s) < 90) return rtf.format(s, 'second');
  if (Math.abs(s) < 90 * 60) return rtf.format(Math.round(s / 60), 'minute');
  if (Math.abs(s) < 36 * 3600) return rtf.format(Math.round(s / 3600), 'hour');
  return rtf.format(Math.round(s / 86400), 'day');
}
