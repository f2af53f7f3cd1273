// Staff passwords: scrypt (memory-hard; Node's own implementation), a random 16-byte salt per
// password, stored as `scrypt$N$r$p$salt$hash` (base64) so the cost can be raised later
// without breaking existing hashes. Verification compares in constant time.
import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb);
const COST = { N: 16384, r: 8, p: 1 };
const KEY_LEN = 32;

export async function hashPassword(password) {
  const salt = randomBytes(16);
  const key = await scrypt(String(password).normalize('NFC'), salt, KEY_LEN, { ...COST, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password, stored) {
  const parts = String(stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (![N, r, p].every(Number.isSafeInteger) || N > 1 << 20) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const want = Buffer.from(parts[5], 'base64');
  const got = await scrypt(String(password).normalize('NFC'), salt, want.length, { N, r, p, maxmem: 256 * 1024 * 1024 });
  return got.length === want.length && timingSafeEqual(got, want);
}

/** A password for a demo account: 18 random bytes, URL-safe. */
export const randomPassword = () => randomBytes(18).toString('base64url');
