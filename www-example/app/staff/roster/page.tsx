// The roster: the first page is read on the server (no client fetch before first paint) and
// handed to the client table, which computes the badges with modash-flow and pages on.
import { Roster } from '@/components/Roster';
import { rosterPage } from '@/lib/server/roster';

export const metadata = { title: 'Roster · Staff' };

/** A whole number in [min, max] from a query value, else the default. */
function wholeParam(v: string | string[] | undefined, min: number, max: number, d: number): number {
  const n = typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  return n >= min && n <= max ? n : d;
}

export default async function RosterPage(props: PageProps<'/staff/roster'>) {
  const q = await props.searchParams;
  const pageSize = wholeParam(q.pageSize, 1, 200, 50);
  const first = await rosterPage(wholeParam(q.page, 1, 1_000_000, 1), pageSize);
  return <Roster initial={first} pageSize={pageSize} />;
}
