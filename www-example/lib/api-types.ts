// The answers of the app's own routes, typed once for the route handlers that send them and the
// components that read them (no server-only import here): a field the server sends as null is
// nullable on both sides.
import type { Metrics } from 'modash-flow';

/** What a panel shows of a report (lib/server/modash.ts `summary`). */
export interface ProfileSummary extends Metrics {
  userId: string | null;
  username: string | null;
  fullname: string | null;
  posts: number | null;
}

/** POST /api/roster/:id/refresh-analytics (lib/server/refresh.ts). */
export interface RefreshAnswer {
  success: true;
  /** modash: fetched now by this request's job; joined: by a job a colleague's request made; store: fresh already. */
  source: 'modash' | 'joined' | 'store';
  notesWritten: boolean;
  userId: string | null;
  lookedUp: boolean;
  cacheId: string | null;
  notes: string | null;
  profile: ProfileSummary | null;
  warnings: string[];
  migratedLegacy: boolean;
  rejectedLegacy: unknown;
  fromEarlierFetch?: boolean;
  waitedMs: number;
}

/** A failed row of a batch. */
export interface BatchFailure {
  id: number;
  name: string;
  platform: string;
  message: string;
  code: string | null;
}

/** A batch of the work queue as every colleague sees it (GET /api/roster/batches; lib/server/batches.ts). */
export interface BatchView {
  id: number;
  startedBy: string;
  startedAt: number;
  asked: number;
  alreadyQueued: number;
  total: number;
  done: number;
  failed: number;
  preparing: number;
  cancelled: number;
  queued: number;
  running: number;
  left: number;
  /** Whether jobs are still queued or running. */
  active: boolean;
  /** Seconds the jobs left take at the team's pace (MODASH_GATE_RPS). */
  secondsLeft: number;
  /** Why the next job waits (a 429, the team's budget, Modash down), when one waits. */
  waiting: string | null;
  /** The code of the failure the next job waits after (BUDGET_EXHAUSTED, RATE_LIMITED, …). */
  waitingCode: string | null;
  cancelledAt: number | null;
  cancelledBy: string | null;
  failures: BatchFailure[];
}
