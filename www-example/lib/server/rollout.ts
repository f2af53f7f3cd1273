// The gradual rollout of the cache lookup path (the seed plan's feature flag):
// MODASH_CACHE_LOOKUP_ROLLOUT (0-100, default 100) % of staff, chosen stably by the module's
// bucketing rule on their email, read full reports from the cache table; the others take the
// old path (slim metrics in notes, else Modash). The metrics page shows both groups.
import 'server-only';
import { inRollout } from 'modash-flow/server';
import { serverConfig } from './config';

export type Cohort = 'cache' | 'legacy';

export const CACHE_LOOKUP_ROLLOUT = serverConfig().MODASH_CACHE_LOOKUP_ROLLOUT;

export const cohortOf = (staffEmail: string): Cohort => (inRollout(staffEmail, CACHE_LOOKUP_ROLLOUT) ? 'cache' : 'legacy');
