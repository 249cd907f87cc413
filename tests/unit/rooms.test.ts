import { describe, expect, it } from 'vitest';
import { nextPosition, previousPosition, slideOrder } from '../../app/lib/positions';
import type { Deck } from '../../server/decks/types';
import { Refusal } from '../../server/errors';
import { FIRST_SLIDE, arriveAt, isExpired, moveSlide, newRoom, pollForSlide, roomSnapshot } from '../../server/rooms/room';
import { hashSecret, newJoinCode, newSecret, secretMatches } from '../../server/rooms/secrets';
import { formTeams } from '../../server/predictions/teams';
import fc from 'fast-check';
import { JoinCode } from '../../server/protocol';

const slide = (fragments: number) => ({ html: '', notes: '', fragments });
const deck: Deck = { id: 'd', title: 'D', hash: 'h', stacks: [[slide(0)], [slide(2), slide(0)], [slide(1)]], answerKeys: {}, keyVersions: { ranOn: '', checked: [], differences: {} } };

const pollDeck: Deck = { ...deck, stacks: [[{ ...slide(0), poll: { id: 'p1', question: 'Q?', kind: 'single', options: ['a', 'b'], revote: true } }], [slide(0)]] };

describe('moveSlide', () => {
  const room = newRoom('ABCDEF', 'd', 'hash', 0);

  it('moves and bumps the version', () => {
    const moved = moveSlide(room, deck, { h: 1, v: 0, f: 1 });
    expect(moved).toEqual({ changed: true, room: { ...room, version: 1, slide: { h: 1, v: 0, f: 1 } } });
  });

  it('leaves the room alone when the position is the same', () => {
    expect(moveSlide(room, deck, FIRST_SLIDE)).toEqual({ changed: false, room });
  });

  it('counts a fragment shown or hidden on the same slide as a move', () => {
    const shown = moveSlide(room, deck, { h: 1, v: 0, f: 0 }).room;
    expect(moveSlide(shown, deck, { h: 1, v: 0, f: 1 })).toMatchObject({ changed: true, room: { slide: { h: 1, v: 0, f: 1 }, version: 2 } });
    expect(moveSlide(shown, deck, { h: 1, v: 0, f: -1 })).toMatchObject({ changed: true, room: { slide: { h: 1, v: 0, f: -1 }, version: 2 } });
  });

  it('finds no poll at a position off the deck', () => {
    expect(pollForSlide(pollDeck, { h: 0, v: 0, f: -1 })).toBe('p1');
    expect(pollForSlide(pollDeck, { h: 5, v: 0, f: -1 })).toBeNull();
    expect(pollForSlide(pollDeck, { h: 0, v: 5, f: -1 })).toBeNull();
    expect(pollForSlide(pollDeck, { h: 1, v: 0, f: -1 })).toBeNull();
  });

  it.each([
    [{ h: 3, v: 0, f: -1 }, 'slide 3/0 is not in the deck'],
    [{ h: 1, v: 2, f: -1 }, 'slide 1/2 is not in the deck'],
    [{ h: 1, v: 0, f: 2 }, 'slide 1/0 has 2 fragments, not 3'],
  ])('refuses %o', (to, message) => {
    expect(() => moveSlide(room, deck, to)).toThrow(new Refusal('INVALID_PAYLOAD', message));
  });

  it('snapshots what a late joiner needs', () => {
    expect(roomSnapshot(room, 7)).toEqual({ code: 'ABCDEF', deckId: 'd', version: 0, slide: FIRST_SLIDE, audience: 7, startedAt: 0, poll: null, myVote: null, prediction: null, team: null });
  });

  it('expires a room after its time to live', () => {
    expect(isExpired(room, 1000, 1000)).toBe(false);
    expect(isExpired(room, 1001, 1000)).toBe(true);
  });
});

describe('navigation', () => {
  it('walks fragments, then down a stack, then right, and back the same way', () => {
    expect(slideOrder(deck)).toEqual([{ h: 0, v: 0 }, { h: 1, v: 0 }, { h: 1, v: 1 }, { h: 2, v: 0 }]);
    const walk = [FIRST_SLIDE];
    for (let i = 0; i < 7; i++) walk.push(nextPosition(deck, walk.at(-1)!));
    expect(walk).toEqual([
      { h: 0, v: 0, f: -1 },
      { h: 1, v: 0, f: -1 },
      { h: 1, v: 0, f: 0 },
      { h: 1, v: 0, f: 1 },
      { h: 1, v: 1, f: -1 },
      { h: 2, v: 0, f: -1 },
      { h: 2, v: 0, f: 0 },
      { h: 2, v: 0, f: 0 },
    ]);
    expect(previousPosition(deck, { h: 1, v: 1, f: -1 })).toEqual({ h: 1, v: 0, f: 1 });
    expect(previousPosition(deck, FIRST_SLIDE)).toEqual(FIRST_SLIDE);
  });
});

describe('secrets and codes', () => {
  it('draws valid join codes', () => {
    for (let i = 0; i < 500; i++) expect(JoinCode.safeParse(newJoinCode()).success).toBe(true);
  });

  it('issues secrets of at least 128 bits and matches only their hash', () => {
    const secret = newSecret();
    expect(Buffer.from(secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(secretMatches(secret, ['00', hashSecret(secret)])).toBe(true);
    expect(secretMatches(newSecret(), [hashSecret(secret)])).toBe(false);
    expect(secretMatches(secret, [])).toBe(false);
  });
});

describe('arriveAt', () => {
  const room = newRoom('ABCDEF', 'd', 'hash', 0);
  const polled: Deck = { ...deck, stacks: [[slide(0)], [{ ...slide(0), poll: { id: 'poll-1', question: 'Q?', revote: false, kind: 'text' } }]] };

  it('versions each change in broadcast order: slide, then the poll it puts on screen', () => {
    expect(arriveAt(room, polled, { h: 1, v: 0, f: -1 })).toMatchObject({ slideVersion: 1, pollVersion: 2, pollChanged: true, predictionChanged: false, room: { version: 2, activePollId: 'poll-1' } });
    const there = arriveAt(room, polled, { h: 1, v: 0, f: -1 })!.room;
    expect(arriveAt(there, polled, { h: 0, v: 0, f: -1 })).toMatchObject({ slideVersion: 3, pollVersion: 4, room: { version: 4, activePollId: null } });
  });

  it('changes nothing when the room is already there', () => {
    expect(arriveAt(room, polled, FIRST_SLIDE)).toBeUndefined();
  });
});

describe('formTeams', () => {
  it('splits by join order into teams of 3 to 5 whose sizes differ by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 400 }), (n) => {
        const ids = Array.from({ length: n }, (_, i) => `p${i}`);
        const teams = formTeams(ids);
        const sizes = [...new Set(teams.values())].map((t) => [...teams.values()].filter((x) => x === t).length);
        expect(Math.min(...sizes)).toBeGreaterThanOrEqual(3);
        expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        // Consecutive joiners sit together: team numbers never go down along the join order.
        const numbers = ids.map((id) => Number(teams.get(id)!.split('-')[1]));
        expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      }),
    );
    expect([...formTeams(['a', 'b']).values()]).toEqual(['team-1', 'team-1']);
  });
});
