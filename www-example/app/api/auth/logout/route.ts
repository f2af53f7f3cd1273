// POST /api/auth/logout: ends the session.
import { NextResponse } from 'next/server';
import { signOut } from '@/lib/server/auth';
import { publicWrite } from '@/lib/server/http';

export const POST = publicWrite(async () => {
  await signOut();
  return NextResponse.json({ success: true });
});
