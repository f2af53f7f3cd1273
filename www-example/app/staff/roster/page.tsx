// The roster: the view (search, state, platform, sort, page) is in the URL, read here on the
// server (no client fetch before first paint; Back and a shared link give the same view), and
// handed to the client table, which computes the badges with modash-flow.
import { Roster } from '@/components/Roster';
import { rosterPage, viewOf } from '@/lib/server/roster';

export const metadata = { title: 'Roster · Staff' };

export default async function RosterPage(props: PageProps<'/staff/roster'>) {
  const view = viewOf(await props.searchParams);
  const page = await rosterPage(view);
  return <Roster page={page} view={view} />;
}
