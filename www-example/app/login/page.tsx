import { redirect } from 'next/navigation';
import { currentStaff } from '@/lib/server/auth';
import { LoginForm } from '@/components/LoginForm';

export const metadata = { title: 'Sign in · Staff' };

/** Only a path on this site: never `//other.example` or `https://…` (an open redirect). */
function safeNext(next: string | string[] | undefined): string {
  const n = typeof next === 'string' ? next : '';
  return n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/\\') ? n : '/staff/roster';
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const next = safeNext((await searchParams).next);
  if (await currentStaff()) redirect(next);
  return (
    <main className="login">
      <h1>Staff sign-in</h1>
      <LoginForm next={next} />
    </main>
  );
}
