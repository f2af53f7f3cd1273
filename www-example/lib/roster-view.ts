// The roster view's words, said once for the server that filters and sorts by them
// (lib/server/roster.ts, the routes' schemas) and the page that labels them
// (components/Roster.tsx). No server or browser APIs: both import it.

/** The state filter's values, with what the page calls them. */
export const STATE_LABELS = {
  fresh: 'fresh',
  stale: 'stale',
  'never-synced': 'never synced',
  unreadable: 'unreadable notes',
  gone: 'gone or private on Modash',
} as const;
export const STATES = Object.keys(STATE_LABELS) as [keyof typeof STATE_LABELS, ...(keyof typeof STATE_LABELS)[]];

/** The sort orders (none: roster order), with what the page calls them. */
export const SORT_LABELS = { name: 'name', 'last-refreshed': 'last refreshed', followers: 'followers' } as const;
export const SORTS = Object.keys(SORT_LABELS) as [keyof typeof SORT_LABELS, ...(keyof typeof SORT_LABELS)[]];

/** Rows a page shows unless the URL says otherwise, and the most it may say. */
export const PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
