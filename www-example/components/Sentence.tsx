'use client';
// A server sentence as staff read it: its moments ("14:30 UTC on 2026-12-07", "midnight UTC") in
// the reader's own zone (lib/words.ts localTimes). The server renders the sentence as written
// (it does not know the zone) and the browser localises it once mounted (no hydration mismatch).
import { useEffect, useState } from 'react';
import { localTimes } from '@/lib/words';

export function Sentence({ text }: { text: string }) {
  const [shown, setShown] = useState(text);
  useEffect(() => setShown(localTimes(text)), [text]);
  return <>{shown}</>;
}
