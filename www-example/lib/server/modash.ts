// The server's Modash client: the simulated service by default, the real API when
// MODASH_API_BASE and MODASH_API_KEY are set. Errors carry the status and Retry-After.
import { NextResponse } from 'next/server';

const BASE = (process.env.MODASH_API_BASE ?? 'http://127.0.0.1:4010').replace(/\/$/, '');
const KEY = process.env.MODASH_API_KEY ?? 'simulated';

export class ModashError extends Error {
  /** Set when a username lookup succeeded before this error: the id is worth storing. */
  lookedUpUserId: string | null = null;
  constructor(message: string, readonly status: number, readonly retryAfter: string | null, readonly code: string | null) {
    super(message);
  }
}

export interface ModashProfile {
  userId: string; username: string; fullname?: string; followers?: number; engagementRate?: number; avgViews?: number;
  recentPosts?: unknown[];
}
export interface ModashReport { error: false; profile: ModashProfile }

async function call<T>(path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${BASE}${path}`, { headers: { Authorization: `Bearer ${KEY}` }, cache: 'no-store' });
  } catch (e) {
    throw new ModashError(`Modash unreachable: ${(e as Error).message}`, 503, null, 'unreachable');
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ModashError(`Modash API error (${res.status}): ${body.message ?? body.code ?? ''}`, res.status, res.headers.get('retry-after'), body.code ?? null);
  }
  return (await res.json()) as T;
}

export async function lookupUserId(platform: string, username: string): Promise<string> {
  const body = await call<{ users: { userId: string }[] }>(`/v1/${platform}/users?query=${encodeURIComponent(username)}&limit=1`);
  const id = body.users?.[0]?.userId;
  if (!id) throw new ModashError(`No ${platform} user ${username}`, 404, null, 'handle_not_found');
  return String(id);
}

export function fetchReport(platform: string, userId: string): Promise<ModashReport> {
  return call<ModashReport>(`/v1/${platform}/profile/${encodeURIComponent(userId)}/report`);
}

/** A report by userId, or by username through one lookup first. */
export async function fetchProfile(platform: string, userId: string | null, username: string | null) {
  let id = userId;
  let lookedUp = false;
  if (!id) {
    if (!username) throw new ModashError('Neither a userId nor a username is known', 404, null, 'no_identity');
    id = await lookupUserId(platform, username);
    lookedUp = true;
  }
  let report;
  try {
    report = await fetchReport(platform, id);
  } catch (e) {
    // The lookup cost a call: let the caller store its answer even though the report failed.
    if (lookedUp && e instanceof ModashError) e.lookedUpUserId = id;
    throw e;
  }
  return { userId: String(report.profile?.userId ?? id), report, lookedUp };
}

export function summary(p: ModashProfile) {
  return {
    userId: p.userId, username: p.username, fullname: p.fullname ?? null, followers: p.followers ?? null,
    engagementRate: p.engagementRate ?? null, avgViews: p.avgViews ?? null, posts: p.recentPosts?.length ?? 0,
  };
}

/** Passes Modash's status (and Retry-After on 429) through to the client. */
export function errorResponse(e: unknown) {
  if (e instanceof ModashError) {
    const headers: Record<string, string> = {};
    if (e.retryAfter) headers['Retry-After'] = e.retryAfter;
    return NextResponse.json({ success: false, error: e.message, code: e.code }, { status: e.status, headers });
  }
  const err = e as { code?: string; message?: string };
  return NextResponse.json({ success: false, error: err?.message ?? String(e), code: err?.code ?? null }, { status: 500 });
}
