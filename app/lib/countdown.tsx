'use client';
import { useEffect, useState } from 'react';
import type { PollState } from '../../server/protocol/events';

/**
 * The seconds left in an open round with a countdown. The server sends how long is left, not a
 * time of day (clocks differ); the server closes the round, this only shows it coming.
 */
export function Countdown({ poll, className = '' }: { poll: PollState; className?: string }) {
  const [deadline, setDeadline] = useState<number | undefined>();
  const [now, setNow] = useState(() => Date.now());
  const left = poll.status === 'open' ? poll.closesInMs : undefined;
  // Keyed on what the server sent, so a tally merged into the poll does not restart the clock.
  useEffect(() => setDeadline(left === undefined ? undefined : Date.now() + left), [poll.id, poll.round, left]);
  useEffect(() => {
    if (deadline === undefined) return;
    setNow(Date.now());
    const tick = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(tick);
  }, [deadline]);
  if (deadline === undefined) return null;
  const seconds = Math.max(0, Math.ceil((deadline - now) / 1000));
  return (
    <span data-testid="countdown" role="timer" className={`tabular-nums font-semibold ${seconds <= 5 ? 'text-red-300' : 'text-amber-300'} ${className}`}>
      {seconds > 0 ? `${seconds} s left` : 'Time is up'}
    </span>
  );
}
