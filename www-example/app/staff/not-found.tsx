// notFound() in a staff page (an influencer that does not exist): the staff bar stays.
import Link from 'next/link';

export default function StaffNotFound() {
  return (
    <main data-testid="staff-not-found">
      <h1>Not found</h1>
      <p>
        Nothing here: it may have been removed. <Link href="/staff/roster">Back to the roster</Link>.
      </p>
    </main>
  );
}
