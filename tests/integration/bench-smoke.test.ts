/**
 * The benchmark's smoke variant: 200 students against yieldroom and against the floor (bare
 * socket.io), through the same harness `npm run bench` uses. Correctness only, never speed:
 * every move reaches every student exactly once, every vote is acked, the presenter's tally ends
 * exact, every team edit reaches every teammate, and the floor answers at all (else the bench's
 * ratios would be meaningless); and the two-node variant (two yieldroom nodes and a Redis) on a
 * smaller room.
 */
import { describe, expect, it } from 'vitest';
import { SERVER_KINDS } from '../bench/child';
import { runScenario } from '../bench/scenario';
import { runVoteScenario } from '../bench/votes';
import { runPredictionScenario } from '../bench/predictions';

const STUDENTS = 200;

describe(`bench smoke: ${STUDENTS} students`, () => {
  for (const server of SERVER_KINDS) {
    it(`${server}: every slide move reaches every student once`, { timeout: 60_000 }, async () => {
      const result = await runScenario({ server, students: STUDENTS, seconds: 1, paces: [5], connectBatch: 50, drainMs: 20_000 }, new Set());
      expect(result.memory.socketsSeen).toBe(STUDENTS + 1);
      expect(result.paces).toHaveLength(1);
      const [pace] = result.paces;
      expect(pace).toMatchObject({ moves: 5, expected: STUDENTS * 5, delivered: STUDENTS * 5, duplicates: 0, unexpected: 0 });
    });

    it(`${server}: every vote is acked and the presenter's tally ends exact`, { timeout: 60_000 }, async () => {
      const result = await runVoteScenario({ server, students: STUDENTS, modes: ['spread', 'burst'], spreadMs: 500, connectBatch: 50, settleMs: 10_000 }, new Set());
      expect(result.rounds.map((r) => ({ mode: r.mode, acked: r.acked, refused: r.refused }))).toEqual([
        { mode: 'spread', acked: STUDENTS, refused: {} },
        { mode: 'burst', acked: STUDENTS, refused: {} },
      ]);
      expect(result.rounds.every((r) => r.tallyExactAfterMs !== null)).toBe(true);
      expect(result.tally.expected.reduce((a, b) => a + b, 0)).toBe(STUDENTS);
      expect(result.tally.lastTally).toEqual(result.tally.expected);
      expect(result.tally.snapshot).toEqual(result.tally.expected);
      expect(result.tally.ok).toBe(true);
    });

    it(`${server}: in teams of about 4, every edit reaches every teammate`, { timeout: 60_000 }, async () => {
      const students = 40;
      const result = await runPredictionScenario({ server, students, seconds: 2, rate: 1, connectBatch: 20, settleMs: 20_000 }, new Set());
      expect(result.teams).toBe(10);
      expect(result).toMatchObject({ edits: students * 2, expected: students * 2 * 3, delivered: students * 2 * 3, refused: {} });
      expect(result.acked).toBe(result.writes);
    });
  }

  it('yieldroom on two nodes sharing a Redis: students on both get every move once, every vote and every team edit', { timeout: 120_000 }, async () => {
    const fanout = await runScenario({ server: 'yieldroom', nodes: 2, students: 100, seconds: 1, paces: [5], connectBatch: 50, drainMs: 20_000 }, new Set());
    expect(fanout.memory.socketsSeen).toBe(101);
    expect(fanout.paces[0]).toMatchObject({ expected: 500, delivered: 500, duplicates: 0, unexpected: 0 });
    const votes = await runVoteScenario({ server: 'yieldroom', nodes: 2, students: 100, modes: ['burst'], spreadMs: 500, connectBatch: 50, settleMs: 10_000 }, new Set());
    expect(votes.tally).toMatchObject({ ok: true });
    const edits = await runPredictionScenario({ server: 'yieldroom', nodes: 2, students: 20, seconds: 2, rate: 1, connectBatch: 20, settleMs: 20_000 }, new Set());
    expect(edits).toMatchObject({ expected: 20 * 2 * 3, delivered: 20 * 2 * 3, refused: {} });
  });
});
