// Runs once when a server instance starts (Node.js runtime): the configuration is parsed (a bad
// value stops the start, naming the variable, its value and what is accepted) and the store is
// brought to the latest migration before any request is served.
// Only the configuration is imported up front: every other module reads it when loaded.
import { serverConfig } from './lib/server/config';

try {
  serverConfig();
} catch (e) {
  // Plain text on stderr, as the main command prints it: the start stops here.
  process.stderr.write(`[config] ${(e as Error).message}\n`);
  process.exit(2);
}
const { store } = await import('./lib/server/store');
const { log } = await import('./lib/log.mjs');
const ran = await store().migrate();
if (ran.length) log().info({ migrations: ran }, 'store migrated');
// What the roster filters and sorts on, for rows no writer has filled yet (lib/roster-state.mjs).
const { backfillRosterState } = await import('./lib/roster-state.mjs');
const { analyticsProgress, notesEntry } = await import('modash-flow/server');
const filled = await backfillRosterState(store(), { analyticsProgress, notesEntry });
if (filled) log().info({ influencers: filled }, 'roster state filled');
// The scheduled work (the account read, the warm refresher's planner) and this instance's
// workers of the team's work queue (lib/server/queue.ts).
const { startScheduler } = await import('./lib/server/scheduled');
startScheduler();
const { startWorkers } = await import('./lib/server/queue');
startWorkers();
