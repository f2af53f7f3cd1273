// POST /api/discovery/profile { platform, userId?, username? }: a Modash profile by userId, or
// by username through an exact-match lookup; the answer always carries the userId.
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { errorResponse, fetchProfile, summary } from '@/lib/server/modash';
import { jsonBody, route, USER_ID, USERNAME } from '@/lib/server/http';
import { platformOf } from '@/lib/server/platform';

const Body = z.object({
  platform: z.string().max(32),
  userId: z.union([z.string().regex(USER_ID, 'must be a Modash id (letters, digits, _ and -)'), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String)]).optional(),
  username: z.string().regex(USERNAME, 'must be a username (letters, digits, . and _)').optional(),
}).strict().refine((b) => b.userId !== undefined || b.username !== undefined, 'a userId or a username is needed');

export const POST = route(async (req, { staff }) => {
  const body = await jsonBody(req, Body);
  const platform = platformOf(body.platform);
  try {
    const { userId: id, figures, lookedUp } = await fetchProfile(platform, body.userId ?? null, body.username ?? null, { priority: 'interactive', signal: req.signal, staff: staff.email, useCase: 'discovery' });
    return NextResponse.json({ success: true, data: { ...summary(figures), userId: id, platform, lookedUp } });
  } catch (e) {
    return errorResponse(e);
  }
}, { write: true });
