// The session cookie, sealed by iron-session (AES-256-CBC + HMAC-SHA-256 via iron-webcrypto):
// the server keeps no session table, the cookie holds only the staff id and when it was
// issued, and nothing in it can be read or forged without SESSION_SECRET. No database access
// here, so the proxy (which runs before every page and route) can use it too.
import type { SessionOptions } from 'iron-session';
import { baseConfig } from '../config.mjs';

export interface SessionData {
  staffId?: number;
  issuedAt?: number;
}

export const SESSION_COOKIE = 'mf_session';
/** A session lasts at most this long (then the staff member signs in again). */
export const SESSION_TTL_S = 12 * 3600;

export function sessionSecret(): string {
  const s = baseConfig().SESSION_SECRET ?? '';
  // Fail closed: without a proper secret nobody is signed in (the main command makes one).
  if (s.length < 32) throw new Error('SESSION_SECRET must be set to at least 32 characters (scripts/main.mjs writes one to data/session-secret)');
  return s;
}

/** `Secure` behind an https proxy (X-Forwarded-Proto), or when SESSION_COOKIE_SECURE=1 (an app serving https itself). */
export function isHttps(forwardedProto: string | null): boolean {
  const secure = baseConfig().SESSION_COOKIE_SECURE;
  if (secure === '1') return true;
  if (secure === '0') return false;
  return (forwardedProto ?? '').split(',')[0].trim() === 'https';
}

export function sessionOptions(secure: boolean): SessionOptions {
  return {
    password: sessionSecret(),
    cookieName: SESSION_COOKIE,
    ttl: SESSION_TTL_S,
    cookieOptions: { httpOnly: true, sameSite: 'lax', secure, path: '/' },
  };
}
