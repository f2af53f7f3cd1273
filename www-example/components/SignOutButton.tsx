'use client';

export function SignOutButton() {
  async function signOut() {
    await fetch('/api/auth/logout', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).catch(() => null);
    window.location.assign('/login');
  }
  return (
    <button type="button" onClick={signOut} data-testid="sign-out">
      Sign out
    </button>
  );
}
