// GET /api/modash/status: today's Modash credits and the team-scale gate's queue.
import { NextResponse } from 'next/server';
import { gateStatus } from '@/lib/server/gate';
import { route } from '@/lib/server/http';

export const GET = route(async () => NextResponse.json(await gateStatus()));
