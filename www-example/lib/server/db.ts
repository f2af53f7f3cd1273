// One SQLite connection per server process.
import type Database from 'better-sqlite3';
import { openDb } from '../db.mjs';

const g = globalThis as unknown as { __staffDb?: Database.Database };

export function db(): Database.Database {
  if (!g.__staffDb) g.__staffDb = openDb() as Database.Database;
  return g.__staffDb;
}
