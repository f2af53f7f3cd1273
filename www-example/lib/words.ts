// Words for staff, shared by the server's sentences and the pages (no server-only import here):
// platform names as the platforms write them, and times in the reader's own time zone.

import type { Metrics } from 'modash-flow';

const PLATFORM_NAMES: Record<string, string> = { instagram: 'Instagram', tiktok: 'TikTok', youtube: 'YouTube' };

/** `instagram` -> `Instagram`, `tiktok` -> `TikTok`, `youtube` -> `YouTube` (anything else as it is). */
export const platformName = (platform: string): string => PLATFORM_NAMES[platform] ?? platform;

/**
 * The core metrics as staff read them, in the module's order (its `Metrics` type: a metric the
 * module adds fails the type check here until it has its words). The panel shows them in this
 * order, and the app copies metrics by these keys ({@link metricsOf}).
 */
export const METRIC_LABELS: Record<keyof Metrics, string> = {
  followers: 'Followers',
  engagementRate: 'Engagement rate',
  avgViews: 'Avg views',
  avgLikes: 'Avg likes',
};

/** The core metrics of anything that carries them (a report's figures, a notes entry), by key. */
export function metricsOf(from: Partial<Record<keyof Metrics, unknown>>): Metrics {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return Object.fromEntries(Object.keys(METRIC_LABELS).map((k) => [k, num(from[k as keyof Metrics])])) as unknown as Metrics;
}

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

/** A moment in the reader's time zone: its clock time when it falls on the reader's today
 * ("14:05"), else with its day ("8 Dec, 00:00"): a batch started yesterday or a reset at
 * midnight must not read as today's. */
export function moment(at: number | string | Date, now: number = Date.now()): string {
  return day(at) === day(now) ? clockTime(at) : dateTime(at);
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

/**
 * A moment in a server sentence ("14:30 UTC on 2026-12-07"): the server does not know the reader's
 * zone, so it writes the moment whole and unambiguous; the browser shows it in its own zone
 * through {@link localTimes} (the `<Sentence>` component).
 */
export function utcMoment(at: number | string | Date): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(11, 16)} UTC on ${iso.slice(0, 10)}`;
}

const UTC_MOMENT = /\b(\d{2}:\d{2}) UTC on (\d{4}-\d{2}-\d{2})\b/g;

/**
 * A server sentence with its moments in the reader's zone: each {@link utcMoment} becomes a
 * clock time ("14:30"; with the date when it is not today there), and "midnight UTC" (the
 * budget's day ends then) the reader's clock time of the next UTC midnight.
 */
export function localTimes(text: string, now = Date.now()): string {
  const today = day(now);
  const local = (ms: number) => (day(ms) === today ? clockTime(ms) : dateTime(ms));
  return text
    .replace(UTC_MOMENT, (whole, hm: string, d: string) => {
      const ms = new Date(`${d}T${hm}:00Z`).getTime();
      return Number.isFinite(ms) ? local(ms) : whole;
    })
    .replace(/\bmidnight UTC\b/g, () => local(Math.floor(now / 86_400_000 + 1) * 86_400_000));
}

/**
 * An hour's label on a chart in `timeZone` (an IANA zone): "13h", "13:30" where the zone is not
 * a whole number of hours from UTC, with the date where the window spans days or at midnight.
 */
export function hourLabel(at: number, withDate: boolean, timeZone: string): string {
  const f = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(undefined, { ...o, timeZone }).format(at);
  const hm = f({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const h = hm.endsWith(':00') ? `${hm.slice(0, -3)}h` : hm;
  return withDate || hm === '00:00' ? `${f({ day: 'numeric', month: 'short' })} ${h}` : h;
}
