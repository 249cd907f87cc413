import { describe, expect, it } from 'vitest';
import { nextPosition, previousPosition, slideOrder } from '../../app/lib/positions';
import type { Deck } from '../../server/decks/types';
import { Refusal } from '../../server/errors';
import { FIRST_SLIDE, isExpired, moveSlide, newRoom, roomSnapshot } from '../../server/rooms/room';
import { hashSecret, newJoinCode, newSecret, secretMatches } from '../../server/rooms/secrets';
import { createKeyedQueue } from '../../server/rooms/serialize';
import { JoinCode } from '../../server/protocol';

const slide = (fragments: number) => ({ html: '', notes: '', fragments });
const deck: Deck = { id: 'd', title: 'D', hash: 'h', stacks: [[slide(0)], [slide(2), slide(0)], [slide(1)]], answerKeys: {} };

describe('moveSlide', () => {
  const room = newRoom('ABCDEF', 'd', 'hash', 0);

  it('moves and bumps the version', () => {
    const moved = moveSlide(room, deck, { h: 1, v: 0, f: 1 });
    expect(moved).toEqual({ changed: true, room: { ...room, version: 1, slide: { h: 1, v: 0, f: 1 } } });
  });

  it('leaves the room alone when the position is the same', () => {
    expect(moveSlide(room, deck, FIRST_SLIDE)).toEqual({ changed: false, room });
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

describe('createKeyedQueue', () => {
  it('runs tasks of one key one at a time, in order, and survives a failing task', async () => {
    const run = createKeyedQueue();
    const log: string[] = [];
    const task = (name: string, fail = false) => async () => {
      log.push(`start ${name}`);
      await Promise.resolve();
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([run('a', task('1')), run('a', task('2', true)), run('a', task('3'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });
});
