// The gradual rollout of the cache lookup path (the seed plan's feature flag):
// MODASH_CACHE_LOOKUP_ROLLOUT (0-100, default 100) % of staff, chosen stably by the module's
// bucketing rule on their email, read full reports from the cache table; the others take the
// old path (slim metrics in notes, else Modash). The metrics page shows both groups.
import 'server-only';
import { inRollout } from 'modash-flow/server';

export type Cohort = 'cache' | 'legacy';

function percent(): number {
  const raw = process.env.MODASH_CACHE_LOOKUP_ROLLOUT;
  if (raw === undefined || raw === '') return 100;
  const n = Number(raw);
  if (Number.isFinite(n) && n >= 0 && n <= 100) return n;
  console.warn(`[rollout] MODASH_CACHE_LOOKUP_ROLLOUT=${JSON.stringify(raw)} is not a number from 0 to 100: using 100`);
  return 100;
}

export const CACHE_LOOKUP_ROLLOUT = percent();

export const cohortOf = (staffEmail: string): Cohort => (inRollout(staffEmail, CACHE_LOOKUP_ROLLOUT) ? 'cache' : 'legacy');
