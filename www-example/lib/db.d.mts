import type Database from 'better-sqlite3';
export const DEFAULT_DB: string;
export const SCHEMA: string;
export function openDb(file?: string): Database.Database;
export function credentialsFile(where?: { file?: string; url?: string }): string;
