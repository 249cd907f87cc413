import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryLive } from '../../server/live/live';
import { createTallies } from '../../server/polls/tallies';
import { openSqliteStore } from '../../server/store/sqlite';

const dataDir = mkdtempSync(joinPath(tmpdir(), 'yieldroom-tallies-'));
const store = openSqliteStore(dataDir);
afterAll(async () => {
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the presenter’s coalesced tally', () => {
  it('still holds back a poll sent just now when it forgets quiet polls past 1,000 of them', async () => {
    const sent: string[] = [];
    let witnessSent: () => void = () => undefined;
    const witness = new Promise<void>((resolve) => (witnessSent = resolve));
    // An hour: every send in this test is recent, so none may be forgotten.
    const tallies = createTallies(store, createMemoryLive(), 3_600_000, async (_code, pollId) => {
      sent.push(pollId);
      if (pollId === 'witness') witnessSent();
    });
    for (let i = 0; i <= 1000; i++) tallies.changed('ROOM22', `p${i}`);
    tallies.changed('ROOM22', 'past-1000'); // the 1,002nd poll: the send that forgets quiet ones
    tallies.changed('ROOM22', 'p0'); // sent a moment ago: waits for the interval
    tallies.changed('ROOM22', 'witness');
    // Sends go out in the order they were let through, so p0's would be in before the witness's.
    await witness;
    tallies.close();
    expect(sent.filter((pollId) => pollId === 'p0')).toHaveLength(1);
    expect(sent).toHaveLength(1003);
  });
});
