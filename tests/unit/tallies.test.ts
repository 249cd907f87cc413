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

/** The polls whose tally was sent, in order, and a promise kept once a poll's tally was sent `n` times. */
function sendLog() {
  const sent: string[] = [];
  const waiters: { pollId: string; n: number; resolve: () => void }[] = [];
  const count = (pollId: string) => sent.filter((p) => p === pollId).length;
  return {
    sent,
    async send(_code: string, pollId: string) {
      sent.push(pollId);
      for (const w of waiters) if (w.pollId === pollId && count(pollId) === w.n) w.resolve();
    },
    untilSent: (pollId: string, n: number) => new Promise<void>((resolve) => (count(pollId) >= n ? resolve() : waiters.push({ pollId, n, resolve }))),
  };
}

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

  it('holds back a poll’s change within the interval after a send, while another poll’s goes out at once', async () => {
    const log = sendLog();
    // An hour: whatever is held back stays held for the whole test.
    const tallies = createTallies(store, createMemoryLive(), 3_600_000, log.send);
    tallies.changed('ROOM22', 'a');
    await log.untilSent('a', 1);
    tallies.changed('ROOM22', 'a');
    tallies.changed('ROOM22', 'b');
    await log.untilSent('b', 1);
    tallies.close();
    expect(log.sent).toEqual(['a', 'b']);
  });

  it('sends a held-back change once the interval is over, once for however many changes it holds', async () => {
    const log = sendLog();
    const tallies = createTallies(store, createMemoryLive(), 250, log.send);
    for (const pollId of ['a', 'a', 'a', 'b']) tallies.changed('ROOM22', pollId);
    await log.untilSent('a', 2);
    expect(log.sent).toEqual(['a', 'b', 'a']);
    // Held back an interval from now: a second send of a's held changes would land before it.
    tallies.changed('ROOM22', 'later');
    tallies.changed('ROOM22', 'later');
    await log.untilSent('later', 2);
    tallies.close();
    expect(log.sent).toEqual(['a', 'b', 'a', 'later', 'later']);
  });

  it('sends during a burst of changes that keeps the event loop busy past the interval, not only after it', async () => {
    const log = sendLog();
    const intervalMs = 20;
    const tallies = createTallies(store, createMemoryLive(), intervalMs, log.send);
    // The burst is the loop itself: votes arriving back to back, so no timer can run until it ends.
    tallies.changed('ROOM22', 'a');
    const burstEnd = Date.now() + intervalMs;
    while (Date.now() <= burstEnd) tallies.changed('ROOM22', 'a');
    tallies.changed('ROOM22', 'a'); // this one at least comes an interval after the first send
    tallies.changed('ROOM22', 'other');
    await log.untilSent('other', 1);
    tallies.close();
    const duringBurst = log.sent.slice(0, log.sent.indexOf('other'));
    expect(duringBurst.every((pollId) => pollId === 'a')).toBe(true);
    expect(duringBurst.length).toBeGreaterThanOrEqual(2);
  });

  it('drops the changes it holds back once closed', async () => {
    const log = sendLog();
    const intervalMs = 250;
    const tallies = createTallies(store, createMemoryLive(), intervalMs, log.send);
    tallies.changed('ROOM22', 'a');
    tallies.changed('ROOM22', 'a');
    tallies.close();
    // A witness held back twice as long: a's held change, had it been kept, would be sent before it.
    const witness = createTallies(store, createMemoryLive(), 2 * intervalMs, log.send);
    witness.changed('ROOM22', 'witness');
    witness.changed('ROOM22', 'witness');
    await log.untilSent('witness', 2);
    witness.close();
    expect(log.sent).toEqual(['a', 'witness', 'witness']);
  });
});
