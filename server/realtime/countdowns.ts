/**
 * Nudges for poll countdowns: the process that started one closes the round on time, so the room
 * sees it close. Not the truth: the deadline is stored with the poll, a late vote is refused by
 * the store, and whichever process sees an overdue round first closes it (see closeIfOverdue).
 */
export type Countdowns = { at(ms: number, run: () => Promise<unknown>): void; close(): void };

export function createCountdowns(): Countdowns {
  const timers = new Set<NodeJS.Timeout>();
  return {
    at(ms, run) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        run().catch((error: unknown) => console.error('[countdown]', error));
      }, Math.max(0, ms));
      timer.unref();
      timers.add(timer);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
