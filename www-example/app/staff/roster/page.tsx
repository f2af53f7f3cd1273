import { Roster } from '@/components/Roster';

export const metadata = { title: 'Roster · Staff' };

export default function RosterPage() {
  return <Roster />;
}
