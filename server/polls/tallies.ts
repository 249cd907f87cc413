import type { Choice, MyVote, RoundTally } from '../protocol';
import type { Store } from '../store/store';
import type { Ballot, Poll } from './poll';
import { tallyRound } from './poll';

type Rounds = Map<number, Map<string, Choice>>;

/**
 * The ballots of each poll, by round and participant, loaded from the store on first use and
 * kept current as votes are saved; and the presenter's live tally, sent at most once per
 * interval per poll however fast votes arrive (a tally per vote would be O(audience²)), and
 * at least once per interval while they keep arriving.
 */
export function createTallies(store: Store, intervalMs: number, send: (code: string, pollId: string) => Promise<void>) {
  const polls = new Map<string, Promise<Rounds>>();
  const pending = new Map<string, NodeJS.Timeout>();
  const lastSent = new Map<string, number>();
  const key = (code: string, pollId: string) => `${code}\0${pollId}`;

  function roundsOf(code: string, pollId: string): Promise<Rounds> {
    let rounds = polls.get(key(code, pollId));
    if (!rounds) {
      rounds = store.listBallots(code, pollId).then((ballots) => {
        const loaded: Rounds = new Map();
        for (const b of ballots) add(loaded, b);
        return loaded;
      });
      polls.set(key(code, pollId), rounds);
    }
    return rounds;
  }
  const add = (rounds: Rounds, b: Ballot) => {
    if (!rounds.has(b.round)) rounds.set(b.round, new Map());
    rounds.get(b.round)!.set(b.participantId, b.choice);
  };

  return {
    /** Call after the store has the ballot. */
    async record(ballot: Ballot) {
      add(await roundsOf(ballot.roomCode, ballot.pollId), ballot);
    },
    async results(poll: Poll): Promise<RoundTally[]> {
      const rounds = await roundsOf(poll.roomCode, poll.id);
      return Array.from({ length: poll.round }, (_, i) => tallyRound(poll, i + 1, [...(rounds.get(i + 1)?.values() ?? [])]));
    },
    async myVote(poll: Poll, participantId: string): Promise<MyVote | null> {
      const choice = (await roundsOf(poll.roomCode, poll.id)).get(poll.round)?.get(participantId);
      return choice ? { pollId: poll.id, round: poll.round, choice } : null;
    },
    forget(code: string, pollId: string) {
      polls.delete(key(code, pollId));
    },
    changed(code: string, pollId: string) {
      const k = key(code, pollId);
      const flush = () => {
        pending.delete(k);
        lastSent.set(k, Date.now());
        void send(code, pollId).catch((error: unknown) => console.error('[poll:tally]', error));
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
