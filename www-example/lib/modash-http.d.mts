import type { Store } from './store.mjs';
export class ModashTransportError extends Error { kind: 'timeout' | 'aborted' | 'unreachable' }
export function modashGet(base: string, key: string, path: string, o: { timeoutMs: number; signal?: AbortSignal }): Promise<{ res: Response; text: string }>;
export interface LoggedCall { kind: string; platform: string; status: number; latencyMs: number; waitedMs: number; waited429: boolean; credits: number; staff: string | null; useCase: string | null; cohort: string | null }
export function logModashCall(store: Store, c: LoggedCall, requestId?: string | null): Promise<unknown>;
export function listedUsers(body: unknown): ({ userId: string; username: string; handle?: string } & Record<string, unknown>)[];
