// Our codes for "Modash has nothing for this account" (lib/server/modash-errors.ts answers
// them), with the word a roster row shows; the panel offers "Try again now" for each. Shared by
// the server and the page (no server-only import here).
export const GONE_LABELS: Record<string, string> = {
  ACCOUNT_PRIVATE: 'private',
  ACCOUNT_REMOVED: 'removed',
  ACCOUNT_NOT_FOUND: 'not on Modash',
  ENTITY_NOT_FOUND: 'not on Modash',
  NO_RESULT: 'nothing on Modash',
  HANDLE_NOT_FOUND: 'not found',
  NO_EXACT_MATCH: 'no exact match',
  STILL_PREPARING: 'still in preparation',
};
