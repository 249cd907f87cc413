import type { Poll } from './poll';

/**
 * The polls this process has read, kept for checking ballots against: a poll's question, kind,
 * options and answer never change once stored, so a vote need not read its poll again (in WAL
 * mode every SQLite read takes the file's shared lock, about 10 µs, the vote path's largest cost
 * in a burst). Only that definition may be used from a kept poll: whether it is open, its round
 * and its deadline are the store's, checked as it writes the ballot.
 */
export function createPollDefinitions(read: (code: string, pollId: string) => Promise<Poll | undefined>, capacity = 10_000) {
  const kept = new Map<string, Poll>();
  /** `deckId` is part of the key: a room code freed by the sweep may return with another deck whose poll has the same id. */
  return async (deckId: string, code: string, pollId: string): Promise<Poll | undefined> => {
    const key = `${deckId}\0${code}\0${pollId}`;
    const known = kept.get(key);
    if (known) return known;
    const poll = await read(code, pollId);
    if (!poll) return undefined;
    if (kept.size >= capacity) kept.delete(kept.keys().next().value!);
    kept.set(key, poll);
    return poll;
  };
}

export type PollDefinitions = ReturnType<typeof createPollDefinitions>;
