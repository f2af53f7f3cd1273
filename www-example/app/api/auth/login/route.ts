// POST /api/auth/login { email, password }: starts a session (sealed HttpOnly cookie).
import { NextResponse } from 'next/server';
import { z } from 'zod';
import { signIn } from '@/lib/server/auth';
import { fail, jsonBody, publicWrite } from '@/lib/server/http';

const Body = z.object({ email: z.string().min(1).max(200), password: z.string().min(1).max(200) }).strict();

export const POST = publicWrite(async (req) => {
  const { email, password } = await jsonBody(req, Body);
  const staff = await signIn(email, password);
  if (!staff) return fail(401, 'BAD_CREDENTIALS', 'Wrong email or password');
  return NextResponse.json({ success: true, staff: { email: staff.email, name: staff.name } });
});
