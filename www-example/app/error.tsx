'use client';
// A thrown error anywhere outside the staff pages: said plainly, with a way back, never a blank
// page. The error's details stay in the server's log (its digest names the log line).
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { startTransition } from 'react';

export default function AppError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  // A server page's error: reset() alone re-renders what failed; the page's data must be asked
  // for again (router.refresh), in one transition so the error stays until the page is back.
  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  return (
    <main role="alert" data-testid="app-error">
      <h1>Something went wrong</h1>
      <p>The page could not be shown. Try again; if it keeps failing, tell the team{error.digest ? ` (reference ${error.digest})` : ''}.</p>
      <p>
        <button type="button" onClick={retry}>
          Try again
        </button>{' '}
        · <Link href="/staff/roster">Back to the roster</Link>
      </p>
    </main>
  );
}
