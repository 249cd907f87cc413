import type { AdHocPoll, Choice, PollState, PollStatus, RoundTally } from '../protocol';
import type { DeckPoll, PollKind } from '../decks/types';
import { POLL_LIMITS, binHolds } from '../protocol';
import { Refusal } from '../errors';

/** A poll in a room, deck-defined or written on the spot, with its current round. */
export type Poll = {
  roomCode: string;
  id: string;
  question: string;
  kind: PollKind;
  options: string[];
  correct?: number[] | number | string;
  revote: boolean;
  round: number;
  status: PollStatus;
  /** Results shown to the room (after a close). */
  revealed: boolean;
  /** The correct answer marked too; false while the room sees the split before a revote. */
  correctShown: boolean;
  /** When an open round's countdown ends (epoch ms), or null: no countdown. Votes from then on are refused. */
  closesAt: number | null;
  createdAt: number;
  /** Bumped by every change, so a change can be a compare-and-set. */
  version: number;
};

/** One participant's answer in one round; a changed vote replaces it. */
export type Ballot = { roomCode: string; pollId: string; round: number; participantId: string; choice: Choice; at: number };

export function pollFromDeck(roomCode: string, def: DeckPoll, now: number): Poll {
  const options = def.kind === 'single' || def.kind === 'multiple' ? def.options : [];
  const correct = 'correct' in def ? def.correct : undefined;
  return { roomCode, id: def.id, question: def.question, kind: def.kind, options, ...(correct !== undefined ? { correct } : {}), revote: def.revote, round: 1, status: 'open', revealed: false, correctShown: false, closesAt: null, createdAt: now, version: 1 };
}

/** A prediction step's poll question: what its call gives after the setup and the steps before it, cut to an ad hoc question's length. */
export function stepQuestion(setup: string, before: string[], call: string): string {
  const question = `After \`${setup}\`${before.length > 0 ? ` and ${before.join(', ')}` : ''}: what does ${call} give?`;
  return question.length > POLL_LIMITS.question ? `${question.slice(0, POLL_LIMITS.question - 1)}…` : question;
}

export function pollFromAdHoc(roomCode: string, id: string, input: AdHocPoll, now: number): Poll {
  const options = input.kind === 'single' || input.kind === 'multiple' ? input.options : [];
  if (input.kind === 'single' || input.kind === 'multiple') {
    if (input.correct?.some((i) => i >= options.length)) throw new Refusal('INVALID_PAYLOAD', 'a correct answer is not one of the options');
    if (input.kind === 'single' && (input.correct?.length ?? 0) > 1) throw new Refusal('INVALID_PAYLOAD', 'a single-choice poll has one correct answer');
  }
  const correct = 'correct' in input ? input.correct : undefined;
  return { roomCode, id, question: input.question, kind: input.kind, options, ...(correct !== undefined ? { correct } : {}), revote: true, round: 1, status: 'open', revealed: false, correctShown: false, closesAt: null, createdAt: now, version: 1 };
}

export const closePoll = (poll: Poll): Poll => ({ ...poll, status: 'closed', version: poll.version + 1 });
export const revealPoll = (poll: Poll): Poll => ({ ...poll, status: 'closed', revealed: true, correctShown: true, version: poll.version + 1 });
/** Peer instruction: the room sees how it split, not which answer is right, before it votes again (a poll without an answer hides nothing). */
export const showSplit = (poll: Poll): Poll => ({ ...poll, status: 'closed', revealed: true, correctShown: poll.correct === undefined, version: poll.version + 1 });
/** Peer instruction: after discussion the same question opens again as the next round. */
export const startRevote = (poll: Poll): Poll => ({ ...poll, round: poll.round + 1, status: 'open', revealed: false, correctShown: false, closesAt: null, version: poll.version + 1 });
/** Back to an empty round 1; the store deletes the ballots in the same transaction. */
export const resetPoll = (poll: Poll): Poll => ({ ...poll, round: 1, status: 'open', revealed: false, correctShown: false, closesAt: null, version: poll.version + 1 });

/** Voting in the open round ends `seconds` from `now`: the server closes it then, whoever looks first. */
export function startCountdown(poll: Poll, seconds: number, now: number): Poll {
  if (poll.status !== 'open') throw new Refusal('POLL_CLOSED', 'Voting is closed: open a round before a countdown.');
  return { ...poll, closesAt: now + seconds * 1000, version: poll.version + 1 };
}

/** An open round whose countdown has run out: it is closed, even if no process has stored that yet. */
export const isOverdue = (poll: Poll, now: number) => poll.status === 'open' && poll.closesAt !== null && now >= poll.closesAt;

/** The range a numeric answer must fall in: the deck's `min`/`max`, else ± the configured bound. */
export type NumericBounds = { min: number; max: number };

export function numericBounds(def: DeckPoll | undefined, bound: number): NumericBounds {
  const authored = def?.kind === 'numeric' ? def : undefined;
  return { min: authored?.min ?? -bound, max: authored?.max ?? bound };
}

/**
 * Checks a ballot's choice against the poll's definition: a choice of its kind, within its
 * options or bounds. Whether the poll is open, in that round and before its deadline is the
 * store's to check, in the same step as the write.
 */
export function checkChoice(poll: Pick<Poll, 'kind' | 'options'>, choice: Choice, bounds: NumericBounds): Choice {
  const inRange = (i: number) => i < poll.options.length;
  switch (poll.kind) {
    case 'single':
      if (!('option' in choice) || !inRange(choice.option)) throw new Refusal('INVALID_PAYLOAD', `choose one of ${poll.options.length} options`);
      return choice;
    case 'multiple': {
      const picked = 'options' in choice ? choice.options : 'option' in choice ? [choice.option] : undefined;
      if (!picked || !picked.every(inRange)) throw new Refusal('INVALID_PAYLOAD', `choose among ${poll.options.length} options`);
      return { options: [...new Set(picked)].sort((a, b) => a - b) };
    }
    case 'numeric':
      if (!('value' in choice)) throw new Refusal('INVALID_PAYLOAD', 'this poll takes a number');
      if (choice.value < bounds.min || choice.value > bounds.max) throw new Refusal('INVALID_PAYLOAD', `answer with a number from ${bounds.min} to ${bounds.max}`);
      return choice;
    case 'text':
      if (!('text' in choice)) throw new Refusal('INVALID_PAYLOAD', 'this poll takes a few words');
      return { text: choice.text.replace(/\s+/g, ' ') };
  }
}

function histogram(values: number[]): { from: number; to: number; count: number }[] {
  if (values.length === 0) return [];
  const min = Math.min(...values);
  const max = Math.max(...values);
  // Small integer ranges get a bar per value; anything else eight equal bins.
  if (values.every(Number.isInteger) && max - min < 12) {
    return Array.from({ length: max - min + 1 }, (_, i) => ({ from: min + i, to: min + i, count: values.filter((v) => v === min + i).length }));
  }
  const width = (max - min) / 8;
  return Array.from({ length: 8 }, (_, i) => {
    const from = min + i * width;
    const to = i === 7 ? max : from + width;
    return { from, to, count: values.filter((v) => binHolds({ from, to }, v, i === 7)).length };
  });
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** How many distinct text answers the cloud shows; the rest are counted as "and K more" (the export keeps all). */
export const CLOUD_SIZE = 40;

/** Counts one round's ballots; plain so unit tests and the export share it. `cloud`: text answers kept. */
export function tallyRound(poll: Poll, round: number, choices: Choice[], cloud = CLOUD_SIZE): RoundTally {
  const ballots = choices.length;
  switch (poll.kind) {
    case 'single':
    case 'multiple': {
      const counts = poll.options.map(() => 0);
      for (const c of choices) for (const i of 'options' in c ? c.options : 'option' in c ? [c.option] : []) counts[i]! += 1;
      return { round, ballots, kind: poll.kind, counts };
    }
    case 'numeric': {
      const values = choices.flatMap((c) => ('value' in c ? [c.value] : []));
      return { round, ballots, kind: 'numeric', bins: histogram(values), median: median(values) };
    }
    case 'text': {
      const counts = new Map<string, number>();
      // A prediction's answers are Python: 'A' and 'a' differ; a word cloud ignores case.
      const exact = typeof poll.correct === 'string';
      for (const c of choices) if ('text' in c) counts.set(exact ? c.text : c.text.toLowerCase(), (counts.get(exact ? c.text : c.text.toLowerCase()) ?? 0) + 1);
      const words = [...counts].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count || a.text.localeCompare(b.text));
      return { round, ballots, kind: 'text', words: words.slice(0, cloud), more: Math.max(0, words.length - cloud) };
    }
  }
}

/**
 * The poll as a client sees it. Presenters always get results and the answer; students get
 * the results once the presenter shows them, and the answer only at the reveal.
 */
export function pollState(poll: Poll, results: RoundTally[], audience: 'presenter' | 'student', now: number): PollState {
  const countdown = poll.status === 'open' && poll.closesAt !== null ? { closesInMs: Math.max(0, poll.closesAt - now) } : {};
  const base: PollState = { id: poll.id, question: poll.question, kind: poll.kind, options: poll.options, round: poll.round, status: poll.status, revealed: poll.revealed, correctShown: poll.correctShown, revote: poll.revote, ...countdown };
  if (audience === 'student' && !poll.revealed) return base;
  const answer = poll.correct !== undefined && (audience === 'presenter' || poll.correctShown) ? { correct: poll.correct } : {};
  return { ...base, results, ...answer };
}
