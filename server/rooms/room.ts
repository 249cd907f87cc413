import type { RoomSnapshot, SlidePosition } from '../protocol';
import type { Deck, DeckPoll } from '../decks/types';
import { Refusal } from '../errors';
import { NO_TEAMS } from '../predictions/teams';
import { predictionForSlide } from '../predictions/prediction';
import type { TeamsConfig } from '../predictions/teams';

export type Room = {
  code: string;
  deckId: string;
  /** One hash per presenter device (the laptop, a paired phone). */
  presenterSecretHashes: string[];
  createdAt: number;
  version: number;
  slide: SlidePosition;
  /** The poll phones show: the current slide's, or one opened on the spot. */
  activePollId: string | null;
  /** The prediction phones show: the current slide's predict block. */
  activePredictionId: string | null;
  teams: TeamsConfig;
};

export const FIRST_SLIDE: SlidePosition = { h: 0, v: 0, f: -1 };

export function newRoom(code: string, deckId: string, presenterSecretHash: string, now: number): Room {
  return { code, deckId, presenterSecretHashes: [presenterSecretHash], createdAt: now, version: 0, slide: FIRST_SLIDE, activePollId: null, activePredictionId: null, teams: NO_TEAMS };
}

export function isExpired(room: Pick<Room, 'createdAt'>, now: number, ttlMs: number): boolean {
  return now - room.createdAt > ttlMs;
}

/** Refuses positions the deck does not have, so a presenter bug cannot strand the phones. */
export function assertOnDeck(deck: Deck, { h, v, f }: SlidePosition): void {
  const slide = deck.stacks[h]?.[v];
  if (!slide) throw new Refusal('INVALID_PAYLOAD', `slide ${h}/${v} is not in the deck`);
  if (f >= slide.fragments) throw new Refusal('INVALID_PAYLOAD', `slide ${h}/${v} has ${slide.fragments} fragments, not ${f + 1}`);
}

const samePosition = (a: SlidePosition, b: SlidePosition) => a.h === b.h && a.v === b.v && a.f === b.f;

/** The presenter's move. Moving to where the room already is changes nothing and bumps no version. */
export function moveSlide(room: Room, deck: Deck, to: SlidePosition): { room: Room; changed: boolean } {
  assertOnDeck(deck, to);
  if (samePosition(room.slide, to)) return { room, changed: false };
  return { room: { ...room, slide: { ...to }, version: room.version + 1 }, changed: true };
}

/** What arriving on a slide does to the poll on screen: the slide's own poll, or none. */
export function pollForSlide(deck: Deck, { h, v }: SlidePosition): string | null {
  return deck.stacks[h]?.[v]?.poll?.id ?? null;
}

/**
 * Arriving at a position: the slide, and the poll and prediction on screen (the slide's own, or
 * none). Each change gets its own version, in the order they are broadcast: slide, poll,
 * prediction. Undefined when the room is already there.
 */
export function arriveAt(room: Room, deck: Deck, to: SlidePosition) {
  const moved = moveSlide(room, deck, to);
  if (!moved.changed) return undefined;
  const activePollId = pollForSlide(deck, to);
  const activePredictionId = predictionForSlide(deck, to);
  const pollChanged = activePollId !== room.activePollId;
  const predictionChanged = activePredictionId !== room.activePredictionId;
  const slideVersion = moved.room.version;
  const pollVersion = slideVersion + (pollChanged ? 1 : 0);
  const next: Room = { ...moved.room, activePollId, activePredictionId, version: pollVersion + (predictionChanged ? 1 : 0) };
  return { room: next, slideVersion, pollVersion, pollChanged, predictionChanged };
}

/** A deck's polls by id, built once per deck: every vote looks its poll up (bounds, names). */
const pollsByDeck = new WeakMap<Deck, Map<string, DeckPoll>>();

export function findDeckPoll(deck: Deck, pollId: string): DeckPoll | undefined {
  let polls = pollsByDeck.get(deck);
  if (!polls) pollsByDeck.set(deck, (polls = new Map(deck.stacks.flat().flatMap((s) => (s.poll ? [[s.poll.id, s.poll] as const] : [])))));
  return polls.get(pollId);
}

type SnapshotParts = Partial<Pick<RoomSnapshot, 'poll' | 'myVote' | 'prediction' | 'team'>>;

export function roomSnapshot(room: Room, audience: number, parts: SnapshotParts = {}): RoomSnapshot {
  return { code: room.code, deckId: room.deckId, version: room.version, slide: room.slide, audience, startedAt: room.createdAt, poll: null, myVote: null, prediction: null, team: null, ...parts };
}
