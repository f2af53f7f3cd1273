'use client';
// Who is signed in, for client components: the server's own view (the layout reads the
// session), including the rollout group that decides the panel's cache lookup path.
import { createContext, useContext, type ReactNode } from 'react';

export interface StaffInfo {
  email: string;
  name: string;
  cohort: 'cache' | 'legacy';
}

const Ctx = createContext<StaffInfo>({ email: '', name: '', cohort: 'cache' });

export function StaffProvider({ staff, children }: { staff: StaffInfo; children: ReactNode }) {
  return <Ctx.Provider value={staff}>{children}</Ctx.Provider>;
}

export const useStaff = () => useContext(Ctx);
