'use client';
// Today's Modash credits and the team's queue, as the server's shared gate sees them (every
// tab and instance spends from the same budget), refreshed every few seconds while the tab is visible.
import { secondsLeft } from '@/lib/client/pause';
import { useModashStatus } from '@/lib/client/queries';
import { clockTime } from '@/lib/words';
import { LocalTime } from './LocalTime';

export function ModashStatus() {
  // A query (lib/client/queries.tsx): read again every few seconds while the tab is visible and
  // on focus; a hidden tab asks nothing, and the server's read writes nothing.
  const { data: s } = useModashStatus();
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
        {/* Read every few minutes (MODASH_USER_INFO_EVERY_S), not after each report: say when. */}
        {s.account.credits !== null && s.account.readAt !== null && (
          <span className="muted">
            {' '}
            (as of <LocalTime at={s.account.readAt} />)
          </span>
        )}
      </span>
      {s.account.spendStoppedUntil && (
        <>
          {' '}
          · <strong data-testid="spend-stopped">no reports bought until {clockTime(s.account.spendStoppedUntil)}</strong> (the Modash account ran out of
          credits)
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
