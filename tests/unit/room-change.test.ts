import { describe, expect, it } from 'vitest';
import { Refusal } from '../../server/errors';
import { untilStored } from '../../server/realtime/room-change';

describe('a compare-and-set change tried until it lands', () => {
  it('tries again while another writer got there first, and returns what landed', async () => {
    let attempts = 0;
    expect(await untilStored(async () => (++attempts < 4 ? undefined : 'stored'))).toBe('stored');
    expect(attempts).toBe(4);
  });

  it('gives up by name after 20 lost tries, rather than spinning', async () => {
    let attempts = 0;
    await expect(untilStored(async () => void attempts++)).rejects.toSatisfy((error) => error instanceof Refusal && error.code === 'INTERNAL');
    expect(attempts).toBe(20);
  });
});
