// The tables lib/migrations.mjs makes, as Kysely sees them (`Generated` where the store numbers
// the id). tests/schema.test.mjs checks these against a migrated SQLite and PostgreSQL store.
import type { Generated } from 'kysely';

export interface Tables {
  influencers: { id: number; name: string; notes: string | null };
  influencer_platforms: { id: Generated<number>; influencer_id: number; platform: string; username: string; modash_status: string | null; modash_status_at: string | null;
    modash_retry_at: number | null; modash_retries: Generated<number>;
    last_refreshed: number | null; followers: number | null; notes_readable: number | null };
  modash_profile_cache: { id: Generated<number>; influencer_platform_id: number; modash_user_id: string; platform: string; payload: string; fetched_at: string };
  staff: { id: Generated<number>; email: string; name: string; password_hash: string };
  modash_gate: { api_key: string; state: string };
  modash_account: { api_key: string; info: string | null; info_at: number | null; info_asked_at: Generated<number>; spend_stopped_until: number | null;
    warm_owner: string | null; warm_until: number | null };
  refresh_leases: { influencer_platform_id: number; owner: string; expires_at: number };
  modash_calls: {
    id: Generated<number>; at: number; kind: string; platform: string; status: number; latency_ms: number; waited_ms: number;
    waited_429: number; credits: number; staff: string | null; use_case: string | null; cohort: string | null; request_id: string | null;
  };
  panel_opens: {
    id: Generated<number>; at: number; staff: string | null; influencer_id: number; platform: string; first_data_ms: number | null;
    fresh_data_ms: number | null; source: string | null; lookup: number; reopen: number; outcome: string; cohort: string | null;
  };
  modash_calls_hourly: { hour: number; kind: string; platform: string; cohort: string; calls: number; rate_limited: number; waited_429: number; failed: number; credits: number };
  panel_opens_hourly: { hour: number; cohort: string; opens: number; reopens: number; lookups: number; reopen_lookups: number; fresh: number; first_hist: string; fresh_hist: string };
  notes_backup: { influencer_id: number; notes: string | null; cache_ids: Generated<string>; migrated_at: string; written_digest: string | null };
  modash_batches: { id: Generated<number>; started_by: string; started_at: number; asked: number; already_queued: number; cancelled_at: number | null; cancelled_by: string | null; dismissed_at: number | null };
  modash_jobs: {
    id: Generated<number>; influencer_id: number; influencer_platform_id: number; platform: string; priority: number; run_at: number; state: string;
    attempts: Generated<number>; holder: string | null; lease_until: number | null; batch_id: number | null; asked_by: string; cause: string; use_case: string;
    force: Generated<number>; created_at: number; finished_at: number | null; code: string | null; message: string | null; status: number | null; detail: string | null;
  };
  modash_reports: { id: Generated<number>; at: number; influencer_platform_id: number; platform: string; cause: string; changed: number | null; credits: number };
  modash_backfill_log: { influencer_platform_id: number; status: string; detail: string | null; at: string; influencer_id: number | null; notes_before: string | null; written_digest: string | null };
}
