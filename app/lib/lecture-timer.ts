'use client';
import { useEffect, useState } from 'react';

/** The talk's clock, kept in this browser: running since `startedAt`, less the time it was paused. */
type Clock = { startedAt: number; pausedAt: number | null; pausedFor: number };

const storageKey = (code: string) => `yieldroom:timer:${code}`;

export function formatDuration(ms: number) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** Elapsed time of the talk, pausable and resettable, surviving a reload of the speaker view. */
export function useLectureTimer(code: string, roomStartedAt: number) {
  const [clock, setClock] = useState<Clock>({ startedAt: roomStartedAt, pausedAt: null, pausedFor: 0 });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const saved = localStorage.getItem(storageKey(code));
    if (saved) setClock(JSON.parse(saved) as Clock);
  }, [code]);
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, []);
  const save = (next: Clock) => {
    localStorage.setItem(storageKey(code), JSON.stringify(next));
    setClock(next);
    setNow(Date.now());
  };
  const paused = clock.pausedAt !== null;
  return {
    now,
    paused,
    elapsed: (clock.pausedAt ?? now) - clock.startedAt - clock.pausedFor,
    toggle: () => {
      const t = Date.now();
      save(paused ? { ...clock, pausedAt: null, pausedFor: clock.pausedFor + (t - clock.pausedAt!) } : { ...clock, pausedAt: t });
    },
    reset: () => {
      const t = Date.now();
      save({ startedAt: t, pausedAt: paused ? t : null, pausedFor: 0 });
    },
  };
}
