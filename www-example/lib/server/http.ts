// What every route handler shares: the staff check, same-origin writes, a bounded JSON body
// validated by a schema, and errors as a stable code and a sentence (details go to the log).
import 'server-only';
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { randomUUID } from 'node:crypto';
import { currentStaff, type Staff } from './auth';
import { log, withRequest } from '../log.mjs';

/** A request body larger than this is refused before it is parsed. */
export const MAX_BODY_BYTES = 16 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function fail(status: number, code: string, error: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>) {
  return NextResponse.json({ success: false, error, code, ...extra }, { status, headers });
}

/**
 * A state-changing request comes from the app's own pages: `Sec-Fetch-Site: same-origin`
 * when the browser sends it, and an `Origin` naming this host. A request with neither (a
 * script, another site's form in an old browser) is refused.
 */
export function sameOrigin(req: Request): boolean {
  const site = req.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') return false;
  const origin = req.headers.get('origin');
  if (origin === null) return site === 'same-origin';
  const host = req.headers.get('host');
  try {
    return host !== null && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Reads at most `maxBytes` (MAX_BODY_BYTES) of JSON and validates it; HttpError 400 otherwise. */
export async function jsonBody<S extends z.ZodType>(req: Request, schema: S, maxBytes = MAX_BODY_BYTES): Promise<z.infer<S>> {
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new HttpError(400, 'BODY_TOO_LARGE', `The request body is larger than ${maxBytes} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new HttpError(400, 'BODY_TOO_LARGE', `The request body is larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'INVALID_JSON', 'The request body is not JSON');
  }
  return parse(schema, value);
}

/** Validates a value; HttpError 400 INVALID_INPUT naming the first problem. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw new HttpError(400, 'INVALID_INPUT', `${where}: ${issue?.message ?? 'invalid'}`);
}

/** A whole number in [min, max] given as decimal digits (query strings, path segments). */
export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** Modash ids: digits, letters, `_` and `-` (Instagram and TikTok digits, YouTube `UC…`); never `/`, `?`, `#`, `%` or dots. */
export const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Usernames and handles: letters, digits, `.` and `_`, an optional leading `@`. */
export const USERNAME = /^@?[A-Za-z0-9._]{1,64}$/;

type Handler<P> = (req: Request, ctx: { staff: Staff; params: P }) => Promise<Response> | Response;
type PublicHandler = (req: Request) => Promise<Response> | Response;

/**
 * A route handler with the app's rules: a signed-in staff member (else 401), same-origin
 * JSON for writes (else 403), and no internals in any answer (else 500 with a sentence).
 * `C` is the route's context, `RouteContext<'/api/…/[id]'>` for a dynamic segment: the handler
 * gets its params awaited and typed.
 */
export function route<C extends { params: Promise<object> } = { params: Promise<Record<string, never>> }>(
  handler: Handler<Awaited<C['params']>>,
  { write = false }: { write?: boolean } = {},
) {
  type P = Awaited<C['params']>;
  return guarded(async (req, context?: C) => {
    const staff = await currentStaff();
    if (!staff) return fail(401, 'UNAUTHENTICATED', 'Sign in to use the staff app');
    if (write) {
      const refused = refuseForeignWrite(req);
      if (refused) return refused;
    }
    return handler(req, { staff, params: ((await context?.params) ?? {}) as P });
  });
}

/** A write that needs no session (signing in): same-origin JSON only. */
export function publicWrite(handler: PublicHandler) {
  return guarded(async (req) => refuseForeignWrite(req) ?? handler(req));
}

function refuseForeignWrite(req: Request): Response | null {
  if (!sameOrigin(req)) return fail(403, 'CROSS_ORIGIN', 'Changes are accepted only from the staff app itself');
  if (!/^application\/json(;|$)/i.test(req.headers.get('content-type') ?? '')) return fail(403, 'NOT_JSON', 'Changes are accepted only as application/json');
  return null;
}

/**
 * Every route call runs as one request (lib/log.mjs): an id (the caller's `X-Request-Id` when
 * it is a short token, else a new one) on every log line it causes, and on the answer.
 */
function guarded<C>(fn: (req: Request, context?: C) => Promise<Response>) {
  return async (req: Request, context?: C): Promise<Response> => {
    const given = req.headers.get('x-request-id');
    const id = given && /^[A-Za-z0-9_.-]{1,64}$/.test(given) ? given : randomUUID();
    const path = new URL(req.url).pathname;
    return withRequest(id, { method: req.method, path }, async () => {
      let res: Response;
      try {
        res = await fn(req, context);
      } catch (e) {
        if (e instanceof HttpError) res = fail(e.status, e.code, e.message, e.extra);
        else {
          log().error({ err: e }, 'route failed');
          res = fail(500, 'INTERNAL', 'Something went wrong on the server; the details are in its log');
        }
      }
      res.headers.set('X-Request-Id', id);
      return res;
    });
  };
}
