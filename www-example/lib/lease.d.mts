export const LEASE_MS: number;
export const RENEW_EVERY_MS: number;
export const RELEASE_RETRY_MS: number;
export function keepAlive(renew: () => Promise<boolean | void>, options: { everyMs?: number; leaseMs?: number; maxMs: number; onLost?: () => void }): () => void;
export function releaseSurely(release: () => Promise<unknown>, options?: { forMs?: number; everyMs?: number; logger?: import('pino').Logger; what?: string }): Promise<boolean>;
