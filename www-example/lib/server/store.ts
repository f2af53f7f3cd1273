// The store of this server process (lib/store.mjs: Kysely over SQLite or PostgreSQL), created
// once. Its schema is brought to the latest migration at the server's start (instrumentation.ts).
import 'server-only';
import { openStore, type Db, type Store } from '../store.mjs';

export type { Db, Store };

const g = globalThis as unknown as { __staffStore?: Store };

export function store(): Store {
  g.__staffStore ??= openStore();
  return g.__staffStore;
}
