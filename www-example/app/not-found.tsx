// A page that does not exist: said plainly, with the way to the roster.
import Link from 'next/link';

export const metadata = { title: 'Not found · Staff' };

export default function NotFound() {
  return (
    <main data-testid="not-found">
      <h1>Page not found</h1>
      <p>
        There is no page at this address. <Link href="/staff/roster">Go to the roster</Link>.
      </p>
    </main>
  );
}
