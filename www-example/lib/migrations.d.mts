import type { Migration } from 'kysely';
import type { Store } from './store.mjs';
export function migrations(kind: 'sqlite' | 'postgres'): Record<string, Migration>;
export function migrateToLatest(store: Store): Promise<string[]>;
export function migrationStatus(store: Store): Promise<{ name: string; executedAt: Date | null }[]>;
export function tablesOf(store: Store): Promise<string[]>;
export function emptyTables(store: Store): Promise<void>;
