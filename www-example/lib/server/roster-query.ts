// The roster view's query parameters for the API routes, validated (a bad value is 400 with
// the reason; the page itself reads the same names leniently: lib/server/roster.ts viewOf).
import 'server-only';
import { z } from 'zod';
import { knownPlatforms } from 'modash-flow/server';
import { wholeNumber } from './http';
import { MAX_PAGE_SIZE, PAGE_SIZE, SORTS, STATES } from '../roster-view';

export const ViewQuery = z
  .object({
    page: wholeNumber(1, 1_000_000).default(1),
    pageSize: wholeNumber(1, MAX_PAGE_SIZE).default(PAGE_SIZE),
    q: z
      .string()
      .trim()
      .max(100)
      .optional()
      .transform((v) => (v ? v : undefined)),
    state: z.enum(STATES).optional(),
    platform: z
      .string()
      .refine((p) => (knownPlatforms() as string[]).includes(p), 'must be a platform')
      .optional(),
    sort: z.enum(SORTS).optional(),
  })
  .strict();

/** The known parameters of `url` as an object (unknown ones are refused by `.strict()`). */
export const viewQueryOf = (url: URL) => Object.fromEntries(url.searchParams);
