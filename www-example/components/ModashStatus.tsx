'use client';
// Today's Modash credits and the team's queue, as the server's shared gate sees them (every
// tab and instance spends from the same budget), refreshed every few seconds.
import { useEffect, useState } from 'react';
import { secondsLeft } from '@/lib/client/pause';

interface Status {
  credits: { daily: number | null; spent: number; remaining: number | null; resetsAt: string };
  waiting: number;
  inFlight: number;
  pausedUntil: number | null;
  /** Modash's own account (its /v1/user/info), beside the team's daily budget. */
  account: { credits: number | null; readAt: number | null; spendStoppedUntil: number | null };
}

export function ModashStatus() {
  const [s, setS] = useState<Status | null>(null);
  useEffect(() => {
    let stop = false;
    const c = new AbortController();
    const load = () =>
      fetch('/api/modash/status', { signal: c.signal })
        .then((r) => (r.ok ? r.json() : null))
        .then((v) => {
          if (!stop && v) setS(v);
        })
        .catch(() => {});
    void load();
    const t = setInterval(load, 4000);
    return () => {
      stop = true;
      clearInterval(t);
      c.abort();
    };
  }, []);
  if (!s) return null;
  const { credits } = s;
  const low = credits.remaining !== null && credits.daily !== null && credits.remaining < credits.daily * 0.1;
  return (
    <p className={`modash-status${low ? ' low' : ''}`} data-testid="modash-status">
      {credits.remaining === null ? (
        'Modash credits: no daily budget'
      ) : (
        <>
          Modash credits today:{' '}
          <strong data-testid="credits-left" data-remaining={credits.remaining}>
            {credits.remaining.toLocaleString('en', { maximumFractionDigits: 2 })}
          </strong>{' '}
          of {credits.daily!.toLocaleString('en')} left
        </>
      )}
      {' · '}
      <span data-testid="modash-account-credits" data-credits={s.account.credits ?? ''}>
        Modash account:{' '}
        {s.account.credits === null ? 'credits unknown' : `${s.account.credits.toLocaleString('en', { maximumFractionDigits: 2 })} credits left`}
      </span>
      {s.account.spendStoppedUntil && (
        <>
          {' '}
          · <strong data-testid="spend-stopped">no reports bought until {new Date(s.account.spendStoppedUntil).toISOString().slice(11, 16)} UTC</strong> (the
          Modash account ran out of credits)
        </>
      )}
      {s.waiting + s.inFlight > 0 && (
        <>
          {' '}
          · team queue: {s.inFlight} in flight, {s.waiting} waiting
        </>
      )}
      {s.pausedUntil && <> · Modash asked the team to wait {secondsLeft(s.pausedUntil)} s</>}
    </p>
  );
}
