export const PG_SCHEMA: string;
export interface Store {
  kind: 'sqlite' | 'postgres';
  where: string;
  notesText(col?: string): string;
  jsonParam(): string;
  all<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  get<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T | undefined>;
  run(sql: string, params?: unknown[]): Promise<{ changes: number }>;
  exec(sql: string): Promise<void>;
  tx<T>(fn: (s: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
export function openStore(where?: { url?: string; file?: string }): Promise<Store>;
export function resetStore(store: Store): Promise<void>;
