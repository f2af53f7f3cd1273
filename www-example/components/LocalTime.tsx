'use client';
// A moment in the reader's own time zone (lib/words.ts, Intl): the server renders it in UTC,
// named so and dated (it does not know the reader's day), and the browser shows its own zone
// once mounted, with the day when it is not the reader's today (no hydration mismatch).
import { useEffect, useState } from 'react';
import { moment, utcMoment } from '@/lib/words';

export function LocalTime({ at }: { at: number | string }) {
  const ms = new Date(at).getTime();
  const iso = new Date(ms).toISOString();
  const [text, setText] = useState(utcMoment(ms));
  useEffect(() => setText(moment(ms)), [ms]);
  return <time dateTime={iso}>{text}</time>;
}
