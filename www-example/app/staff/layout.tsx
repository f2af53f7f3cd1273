import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { currentStaff } from '@/lib/server/auth';
import { SignOutButton } from '@/components/SignOutButton';

export default async function StaffLayout({ children }: { children: ReactNode }) {
  const staff = await currentStaff();
  if (!staff) redirect('/login');
  return (
    <>
      <header className="staff-bar">
        <span data-testid="signed-in-as">Signed in as {staff.name} ({staff.email})</span>
        <SignOutButton />
      </header>
      {children}
    </>
  );
}
