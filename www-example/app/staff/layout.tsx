import type { ReactNode } from 'react';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { currentStaff } from '@/lib/server/auth';
import { cohortOf } from '@/lib/server/rollout';
import { SignOutButton } from '@/components/SignOutButton';
import { StaffProvider } from '@/components/StaffContext';
import { ConfigProvider } from '@/lib/client/config';
import { QueryProvider } from '@/lib/client/queries';
import { browserConfig } from '@/lib/server/config';

export default async function StaffLayout({ children }: { children: ReactNode }) {
  const staff = await currentStaff();
  if (!staff) redirect('/login');
  return (
    <StaffProvider staff={{ email: staff.email, name: staff.name, cohort: cohortOf(staff.email) }}>
      <ConfigProvider config={browserConfig()}>
        <QueryProvider>
          <header className="staff-bar">
            <nav>
              <Link href="/staff/roster">Roster</Link> ·{' '}
              <Link href="/staff/modash" data-testid="nav-metrics">
                Modash metrics
              </Link>
            </nav>
            <span data-testid="signed-in-as">
              Signed in as {staff.name} ({staff.email})
            </span>
            <SignOutButton />
          </header>
          {children}
        </QueryProvider>
      </ConfigProvider>
    </StaffProvider>
  );
}
