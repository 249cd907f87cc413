import { describe, expect, it } from 'vitest';
import { createPollDefinitions } from '../../server/polls/definitions';
import { pollFromAdHoc } from '../../server/polls/poll';
import type { Poll } from '../../server/polls/poll';

describe('poll definitions kept for checking ballots', () => {
  const stored = new Map<string, Poll>([['ROOM22/q', pollFromAdHoc('ROOM22', 'q', { kind: 'single', question: 'Which?', options: ['a', 'b'] }, 0)]]);
  const reads: string[] = [];
  const read = async (code: string, pollId: string) => (reads.push(`${code}/${pollId}`), stored.get(`${code}/${pollId}`));

  it('reads a poll once per deck and room, never keeps a miss, and forgets the oldest past its capacity', async () => {
    const definitionOf = createPollDefinitions(read, 2);
    expect(await definitionOf('talk', 'ROOM22', 'q')).toMatchObject({ question: 'Which?' });
    expect(await definitionOf('talk', 'ROOM22', 'q')).toMatchObject({ question: 'Which?' });
    expect(reads).toEqual(['ROOM22/q']);
    // The same code and id under another deck is another poll (a swept code came back).
    await definitionOf('other', 'ROOM22', 'q');
    expect(reads).toEqual(['ROOM22/q', 'ROOM22/q']);
    expect(await definitionOf('talk', 'ROOM22', 'gone')).toBeUndefined();
    expect(await definitionOf('talk', 'ROOM22', 'gone')).toBeUndefined();
    expect(reads.slice(2)).toEqual(['ROOM22/gone', 'ROOM22/gone']);
    // Capacity 2: a third kept poll pushes out the first.
    stored.set('ROOM33/q', { ...stored.get('ROOM22/q')!, roomCode: 'ROOM33' });
    await definitionOf('talk', 'ROOM33', 'q');
    await definitionOf('other', 'ROOM22', 'q');
    await definitionOf('talk', 'ROOM22', 'q');
    expect(reads.slice(4)).toEqual(['ROOM33/q', 'ROOM22/q']);
  });
});
