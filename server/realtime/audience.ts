import type { AppServer } from './types';
import { presentersOf } from './types';

/**
 * Counts each room's students and tells the presenters, at most once per interval: a broadcast
 * per join would cost O(audience²) as a hall fills up.
 */
export function createAudience(io: AppServer, intervalMs: number) {
  const counts = new Map<string, number>();
  const pending = new Map<string, NodeJS.Timeout>();

  const flush = (code: string) => {
    pending.delete(code);
    io.to(presentersOf(code)).emit('room:audience', { audience: counts.get(code) ?? 0 });
  };
  const changed = (code: string) => {
    if (!pending.has(code)) pending.set(code, setTimeout(flush, intervalMs, code).unref());
  };

  return {
    count: (code: string) => counts.get(code) ?? 0,
    join(code: string) {
      counts.set(code, (counts.get(code) ?? 0) + 1);
      changed(code);
    },
    leave(code: string) {
      const next = (counts.get(code) ?? 1) - 1;
      if (next <= 0) counts.delete(code);
      else counts.set(code, next);
      changed(code);
    },
    close() {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}

export type Audience = ReturnType<typeof createAudience>;
