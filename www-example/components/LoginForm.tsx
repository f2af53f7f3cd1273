'use client';
import { useState } from 'react';

export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await fetch('/api/auth/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: form.get('email'), password: form.get('password') }),
    }).catch(() => null);
    if (res?.ok) {
      window.location.assign(next);
      return;
    }
    const body = res ? await res.json().catch(() => ({})) : {};
    setError(body.error ?? 'The server could not be reached');
    setBusy(false);
  }
  return (
    <form onSubmit={submit} data-testid="login-form">
      <label>
        Email <input name="email" type="email" autoComplete="username" required data-testid="login-email" />
      </label>
      <label>
        Password <input name="password" type="password" autoComplete="current-password" required data-testid="login-password" />
      </label>
      <button type="submit" disabled={busy} data-testid="login-submit">
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
    </form>
  );
}
