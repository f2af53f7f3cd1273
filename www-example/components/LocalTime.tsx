'use client';
// A moment in the reader's own time zone (lib/words.ts, Intl): the server renders it in UTC,
// named so, and the browser shows its own zone once mounted (no hydration mismatch).
import { useEffect, useState } from 'react';
import { clockTime } from '@/lib/words';

export function LocalTime({ at }: { at: number | string }) {
  const ms = new Date(at).getTime();
  const iso = new Date(ms).toISOString();
  const [text, setText] = useState(`${iso.slice(11, 16)} UTC`);
  useEffect(() => setText(clockTime(ms)), [ms]);
  return <time dateTime={iso}>{text}</time>;
}
