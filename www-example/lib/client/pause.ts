// How long a pause (the gates' `pausedUntil`, epoch ms) has left, in whole seconds: the one
// rule the roster's status line, the bulk refresh and the panel show.
export function secondsLeft(pausedUntil: number | null | undefined, now: number = Date.now()): number {
  return pausedUntil ? Math.max(0, Math.ceil((pausedUntil - now) / 1000)) : 0;
}
