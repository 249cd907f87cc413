import type { Live } from '../live/live';
import type { AppServer } from './types';
import { presentersOf } from './types';

/**
 * Runs `send` for a key at most once per interval, however often `changed` is called, and on
 * one process only when several serve the room: one whose claim fails tries again an interval
 * later, so the last change is always sent (whoever sends reads the latest state).
 */
export function createCoalescer(live: Live, intervalMs: number, send: (key: string) => Promise<void>) {
  const pending = new Map<string, NodeJS.Timeout>();
  const flush = async (key: string) => {
    pending.delete(key);
    if (!(await live.claim(key, intervalMs))) return schedule(key);
    await send(key).catch((error: unknown) => console.error('[broadcast]', key, error));
  };
  const schedule = (key: string) => {
    if (!pending.has(key)) pending.set(key, setTimeout(() => void flush(key), intervalMs).unref());
  };
  return {
    changed: schedule,
    close() {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}

/**
 * Counts each room's students (on every process) and tells the presenters, at most once per
 * interval: a broadcast per join would cost O(audience²) as a hall fills up.
 */
export function createAudience(io: AppServer, live: Live, intervalMs: number) {
  const broadcasts = createCoalescer(live, intervalMs, async (key) => {
    const code = key.slice('audience:'.length);
    io.to(presentersOf(code)).emit('room:audience', { audience: await live.audience(code) });
  });
  return {
    count: (code: string) => live.audience(code),
    join(code: string) {
      live.join(code);
      broadcasts.changed(`audience:${code}`);
    },
    leave(code: string) {
      live.leave(code);
      broadcasts.changed(`audience:${code}`);
    },
    close: () => broadcasts.close(),
  };
}

export type Audience = ReturnType<typeof createAudience>;
