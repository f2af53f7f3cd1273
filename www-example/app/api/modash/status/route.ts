// GET /api/modash/status: today's Modash credits and the team-scale gate's queue, and the
// Modash account's own credits as /v1/user/info last said (lib/server/modash-account.ts).
import { NextResponse } from 'next/server';
import { gateStatus } from '@/lib/server/gate';
import { route } from '@/lib/server/http';
import { modashAccount } from '@/lib/server/modash-account';

export const GET = route(async () => {
  const [gate, account] = await Promise.all([gateStatus(), modashAccount()]);
  return NextResponse.json({ ...gate, account });
});
