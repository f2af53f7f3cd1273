// The store's schema version: `npm run db:status` lists every migration (lib/migrations.mjs)
// and whether it ran on this store (DATABASE_URL, else DATABASE_FILE); `npm run db:migrate`
// brings it to the latest. The main command, the seed and each app instance migrate on start.
import { openStore } from '../lib/store.mjs';
import { migrationStatus } from '../lib/migrations.mjs';

const command = process.argv[2];
if (!['status', 'migrate'].includes(command)) {
  console.error('usage: node scripts/db.mjs status|migrate');
  process.exit(2);
}
const store = openStore();
try {
  if (command === 'migrate') {
    const ran = await store.migrate();
    console.log(ran.length ? `[db] migrated ${store.kind} ${store.where}: ${ran.join(', ')}` : `[db] ${store.kind} ${store.where} is at the latest version`);
  }
  const list = await migrationStatus(store);
  const done = list.filter((m) => m.executedAt);
  console.log(`[db] ${store.kind} ${store.where}: version ${done.at(-1)?.name ?? 'none'} (${done.length} of ${list.length} migrations applied)`);
  for (const m of list) console.log(`  ${m.executedAt ? 'applied' : 'pending'}  ${m.name}${m.executedAt ? `  ${new Date(m.executedAt).toISOString()}` : ''}`);
  if (command === 'status' && done.length < list.length) process.exitCode = 1;
} finally {
  await store.close();
}
