import type { Logger } from 'pino';
export function log(bindings?: Record<string, unknown>): Logger;
export function withRequest<T>(id: string | null | undefined, bindings: Record<string, unknown>, fn: () => T): T;
export function requestId(): string | null;
