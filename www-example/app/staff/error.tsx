'use client';
// A thrown error in a staff page: the staff bar (the layout) stays, the page says what happened
// and offers to try again. Details stay in the server's log, named by the digest.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { startTransition } from 'react';

export default function StaffError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  // A server page's error: reset() alone re-renders what failed; the page's data must be asked
  // for again (router.refresh), in one transition so the error stays until the page is back.
  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  return (
    <main role="alert" data-testid="staff-error">
      <h1>This page could not be shown</h1>
      <p>Something failed while loading it{error.digest ? ` (reference ${error.digest})` : ''}.</p>
      <p>
        <button type="button" onClick={retry}>
          Try again
        </button>{' '}
        · <Link href="/staff/roster">Back to the roster</Link>
      </p>
    </main>
  );
}
