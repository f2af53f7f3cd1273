// Runs before every staff page and API route: without a session that unseals, a page
// redirects to the sign-in page and a route answers 401 JSON. Routes and pages check again
// with the store (currentStaff): this is the net that catches a route that forgot to.
import { NextResponse, type NextRequest } from 'next/server';
import { unsealData } from 'iron-session';
import { SESSION_COOKIE, SESSION_TTL_S, sessionSecret, type SessionData } from '@/lib/server/session';

const PUBLIC_API = new Set(['/api/auth/login', '/api/auth/logout']);

async function signedIn(req: NextRequest): Promise<boolean> {
  const sealed = req.cookies.get(SESSION_COOKIE)?.value;
  if (!sealed) return false;
  try {
    const s = await unsealData<SessionData>(sealed, { password: sessionSecret(), ttl: SESSION_TTL_S });
    return typeof s.staffId === 'number' && typeof s.issuedAt === 'number' && Date.now() - s.issuedAt <= SESSION_TTL_S * 1000;
  } catch {
    return false;
  }
}

export async function proxy(req: NextRequest) {
  const path = req.nextUrl.pathname;
  if (PUBLIC_API.has(path) || (await signedIn(req))) return NextResponse.next();
  if (path.startsWith('/api/')) {
    return NextResponse.json({ success: false, error: 'Sign in to use the staff app', code: 'UNAUTHENTICATED' }, { status: 401 });
  }
  const login = new URL('/login', req.url);
  login.searchParams.set('next', path + req.nextUrl.search);
  return NextResponse.redirect(login);
}

export const config = { matcher: ['/staff/:path*', '/api/:path*'] };
