import type { Choice, MyVote, RoundTally } from '../protocol';
import type { Live } from '../live/live';
import type { Store } from '../store/store';
import type { Poll } from './poll';
import { tallyRound } from './poll';

/**
 * A poll's results, counted from the store's ballots (no copy in memory that another process
 * could not see), and the presenter's live tally: sent at most once per interval per poll however
 * fast votes arrive (a tally per vote would be O(audience²)), at least once per interval while
 * they keep arriving, and by one process per interval when several serve the room.
 */
export function createTallies(store: Store, live: Live, intervalMs: number, send: (code: string, pollId: string) => Promise<void>) {
  const pending = new Map<string, NodeJS.Timeout>();
  const lastSent = new Map<string, number>();
  const key = (code: string, pollId: string) => `${code}\0${pollId}`;

  return {
    /** `everyAnswer`: the export's view, every text answer rather than the cloud's top ones. */
    async results(poll: Poll, { everyAnswer = false } = {}): Promise<RoundTally[]> {
      // Counted by the store (one row per distinct answer, not per ballot): a tally goes out every
      // 100 ms while a room of 10,000 votes.
      const counted = await store.countBallots(poll.roomCode, poll.id);
      return Array.from({ length: poll.round }, (_, i) =>
        tallyRound(
          poll,
          i + 1,
          counted.filter((c) => c.round === i + 1).flatMap((c) => Array<Choice>(c.count).fill(c.choice)),
          everyAnswer ? Infinity : undefined,
        ),
      );
    },
    async myVote(poll: Poll, participantId: string): Promise<MyVote | null> {
      const choice = await store.getBallot(poll.roomCode, poll.id, poll.round, participantId);
      return choice ? { pollId: poll.id, round: poll.round, choice } : null;
    },
    changed(code: string, pollId: string) {
      const k = key(code, pollId);
      const flush = () => {
        pending.delete(k);
        const now = Date.now();
        // Only recent sends matter: forget polls that have gone quiet, so the map does not grow.
        if (lastSent.size > 1000) for (const [other, at] of lastSent) if (now - at > intervalMs) lastSent.delete(other);
        lastSent.set(k, now);
        void (async () => {
          // With several processes, one sends per interval; the others try again after it.
          if (!(await live.claim(`tally:${k}`, intervalMs))) return void pending.set(k, setTimeout(flush, intervalMs).unref());
          await send(code, pollId);
        })().catch((error: unknown) => console.error('[poll:tally]', error));
      };
      // Due already: send from here. During a burst of votes the timers wait for the burst,
      // so a timer alone would freeze the presenter's chart exactly when it is busiest.
      const wait = (lastSent.get(k) ?? 0) + intervalMs - Date.now();
      if (wait <= 0) {
        clearTimeout(pending.get(k));
        return flush();
      }
      if (!pending.has(k)) pending.set(k, setTimeout(flush, wait).unref());
    },
    close() {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
  };
}

export type Tallies = ReturnType<typeof createTallies>;
