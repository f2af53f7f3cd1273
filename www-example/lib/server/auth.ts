// Who is calling. `currentStaff()` is the one function every page and route asks; a real app
// replaces its body with its own auth (README: "Plug in your own sign-in").
import 'server-only';
import { log } from '../log.mjs';
import { cookies, headers } from 'next/headers';
import { getIronSession } from 'iron-session';
import { verifyPassword } from '../passwords.mjs';
import { store } from './store';
import { isHttps, sessionOptions, SESSION_TTL_S, type SessionData } from './session';

export interface Staff {
  id: number;
  email: string;
  name: string;
}

async function session() {
  // headers() and cookies() first: outside a request they throw Next's own signals, which must
  // reach Next (they make the page dynamic), not be read as "nobody is signed in".
  const h = await headers();
  const jar = await cookies();
  return getIronSession<SessionData>(jar, sessionOptions(isHttps(h.get('x-forwarded-proto'))));
}

/** The signed-in staff member, or null (no cookie, a cookie that does not unseal, an expired or deleted account). */
export async function currentStaff(): Promise<Staff | null> {
  await headers();
  await cookies();
  let s: Awaited<ReturnType<typeof session>>;
  try {
    s = await session();
  } catch (e) {
    // No usable SESSION_SECRET: nobody is signed in (fail closed), and the log says why.
    log().error({ err: e }, 'sessions are unavailable');
    return null;
  }
  if (!s.staffId || !s.issuedAt || Date.now() - s.issuedAt > SESSION_TTL_S * 1000) return null;
  const row = await store().db.selectFrom('staff').select(['id', 'email', 'name']).where('id', '=', s.staffId).executeTakeFirst();
  return row ?? null;
}

/** Checks a password and starts a session; null when the email or password is wrong. */
export async function signIn(email: string, password: string): Promise<Staff | null> {
  const row = await store()
    .db.selectFrom('staff')
    .select(['id', 'email', 'name', 'password_hash'])
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
  // A wrong email costs the same scrypt as a wrong password (no account enumeration by timing).
  const ok = await verifyPassword(password, row?.password_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  if (!row || !ok) return null;
  const s = await session();
  s.staffId = row.id;
  s.issuedAt = Date.now();
  await s.save();
  return { id: row.id, email: row.email, name: row.name };
}

export async function signOut(): Promise<void> {
  const s = await session();
  s.destroy();
}
