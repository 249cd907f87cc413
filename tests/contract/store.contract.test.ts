import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { Choice } from '../../server/protocol';
import { closePoll, pollFromAdHoc, resetPoll, revealPoll, showSplit, startCountdown, startRevote } from '../../server/polls/poll';
import type { Ballot, Poll } from '../../server/polls/poll';
import { openPrediction, lockPrediction, revealStep } from '../../server/predictions/prediction';
import { newRoom } from '../../server/rooms/room';
import type { Room } from '../../server/rooms/room';
import type { Store } from '../../server/store/store';
import { STORES } from '../support/stores';

/** One suite, every store: what the server relies on, races included. */
describe.each(STORES)('the $name store', (factory) => {
  let store: Store;
  let n = 0;
  const open = async () => (store = await factory.open());
  afterEach(async () => {
    await store?.close();
    await factory.cleanup?.();
  });

  /** A fresh room (codes never repeat within a run) with `poll` on screen. */
  async function roomWithPoll(kind: 'single' | 'text' = 'single'): Promise<{ room: Room; poll: Poll }> {
    const code = `ROOM-${n++}`;
    const room = newRoom(code, 'demo', 'hash', 1000);
    expect(await store.createRoom(room)).toBe(true);
    const poll = await store.addPoll(pollFromAdHoc(code, `poll-${n}`, kind === 'single' ? { kind, question: 'Q?', options: ['a', 'b', 'c'] } : { kind, question: 'Q?' }, 1000));
    expect(await store.updateRoom({ ...room, activePollId: poll.id, version: 1 }, 0)).toBe(true);
    return { room: { ...room, activePollId: poll.id, version: 1 }, poll };
  }
  const ballot = (poll: Poll, participantId: string, option = 0, round = poll.round) => ({ roomCode: poll.roomCode, pollId: poll.id, round, participantId, choice: { option } as Choice, at: 1 });

  it('creates a room once per code and reads it back whole', async () => {
    await open();
    const room = { ...newRoom('ABCDEF', 'demo', 'h1', 5), presenterSecretHashes: ['h1', 'h2'] };
    expect(await store.createRoom(room)).toBe(true);
    expect(await store.createRoom({ ...room, deckId: 'other' })).toBe(false);
    const stored = await store.getRoom('ABCDEF');
    // Presenter keys are a set: any order.
    expect({ ...stored, presenterSecretHashes: [...stored!.presenterSecretHashes].sort() }).toEqual(room);
    expect(await store.getRoom('ZZZZZZ')).toBeUndefined();
  });

  it('moves a room only from the version it expects: of ten writers racing from one version, one wins', async () => {
    await open();
    const { room } = await roomWithPoll();
    const tries = await Promise.all(Array.from({ length: 10 }, (_, i) => store.updateRoom({ ...room, version: room.version + 1, slide: { h: i, v: 0, f: -1 } }, room.version)));
    expect(tries.filter(Boolean)).toHaveLength(1);
    const stored = (await store.getRoom(room.code))!;
    expect(stored.version).toBe(room.version + 1);
    expect(stored.slide.h).toBe(tries.indexOf(true));
    expect(await store.updateRoom({ ...room, version: room.version + 1 }, room.version)).toBe(false);
  });

  it('adds a poll once: a second add returns the stored one', async () => {
    await open();
    const { room, poll } = await roomWithPoll();
    const again = await store.addPoll({ ...poll, question: 'Another?' });
    expect(again).toEqual(poll);
    expect(await store.listPolls(room.code)).toEqual([poll]);
  });

  it('counts a ballot only while its poll is on screen, open and in that round; a changed vote replaces it', async () => {
    await open();
    const { room, poll } = await roomWithPoll();
    expect(await store.castBallot(ballot(poll, 'p1', 0))).toBe('cast');
    expect(await store.castBallot(ballot(poll, 'p1', 2))).toBe('cast');
    expect((await store.listBallots(room.code, poll.id)).map((b) => b.choice)).toEqual([{ option: 2 }]);
    expect(await store.getBallot(room.code, poll.id, 1, 'p1')).toEqual({ option: 2 });
    expect(await store.castBallot({ ...ballot(poll, 'p2'), pollId: 'nope' })).toBe('missing');
    expect(await store.castBallot(ballot(poll, 'p2', 0, 2))).toBe('round-over');
    const closed = closePoll(poll);
    expect(await store.updatePoll(closed)).toBe(true);
    expect(await store.castBallot(ballot(closed, 'p2'))).toBe('closed');
    const reopened = startRevote(closed);
    expect(await store.updatePoll(reopened)).toBe(true);
    expect(await store.updateRoom({ ...room, activePollId: null, version: 2 }, 1)).toBe(true);
    expect(await store.castBallot(ballot(reopened, 'p2'))).toBe('not-on-screen');
    expect(await store.listBallots(room.code, poll.id)).toHaveLength(1);
  });

  it('counts ballots per round and answer as listing them would, after changed votes and a revote', async () => {
    await open();
    const { room, poll } = await roomWithPoll();
    for (const [who, option] of [['p1', 0], ['p2', 2], ['p3', 2], ['p1', 2]] as const) await store.castBallot(ballot(poll, who, option));
    const closed = closePoll(poll);
    expect(await store.updatePoll(closed)).toBe(true);
    const again = startRevote(closed);
    expect(await store.updatePoll(again)).toBe(true);
    await store.castBallot(ballot(again, 'p1', 1));
    const counted = await store.countBallots(room.code, poll.id);
    const sorted = (rows: { round: number; choice: Choice; count: number }[]) => [...rows].sort((a, b) => a.round - b.round || JSON.stringify(a.choice).localeCompare(JSON.stringify(b.choice)));
    expect(sorted(counted)).toEqual([
      { round: 1, choice: { option: 2 }, count: 3 },
      { round: 2, choice: { option: 1 }, count: 1 },
    ]);
    expect(await store.countBallots(room.code, 'nope')).toEqual([]);
  });

  it('answers each of the ballots cast together on its own: one that cannot be stored fails alone, the others count', async () => {
    await open();
    const { room, poll } = await roomWithPoll();
    const unstorable = { ...ballot(poll, 'p2'), choice: { option: 1n } } as unknown as Ballot;
    const outcomes = await Promise.allSettled([store.castBallot(ballot(poll, 'p1')), store.castBallot(unstorable), store.castBallot({ ...ballot(poll, 'p3'), pollId: 'nope' }), store.castBallot(ballot(poll, 'p4'))]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'rejected'))).toEqual(['cast', 'rejected', 'missing', 'cast']);
    expect((await store.listBallots(room.code, poll.id)).map((b) => b.participantId).sort()).toEqual(['p1', 'p4']);
  });

  it('changes a poll only from the version it expects, and a reset clears its ballots in the same step', async () => {
    await open();
    const { room, poll } = await roomWithPoll();
    await store.castBallot(ballot(poll, 'p1'));
    expect(await store.updatePoll(revealPoll(poll))).toBe(true);
    expect(await store.updatePoll(closePoll(poll))).toBe(false);
    const stored = (await store.getPoll(room.code, poll.id))!;
    expect(stored).toMatchObject({ revealed: true, status: 'closed', version: 2 });
    expect(await store.updatePoll(resetPoll(stored), { clearBallots: true })).toBe(true);
    expect(await store.listBallots(room.code, poll.id)).toEqual([]);
    expect(await store.getPoll(room.code, poll.id)).toMatchObject({ round: 1, status: 'open', revealed: false, version: 3 });
  });

  it('keeps a countdown\'s deadline and refuses a ballot cast at or after it in the same step as the write', async () => {
    await open();
    const { room, poll } = await roomWithPoll();
    const counting = startCountdown(poll, 30, 5_000);
    expect(await store.updatePoll(counting)).toBe(true);
    expect(await store.getPoll(room.code, poll.id)).toMatchObject({ status: 'open', closesAt: 35_000 });
    expect(await store.castBallot({ ...ballot(counting, 'p1'), at: 34_999 })).toBe('cast');
    expect(await store.castBallot({ ...ballot(counting, 'p2'), at: 35_000 })).toBe('time-up');
    // Once the overdue round is stored as closed, a late ballot still learns that time ran out.
    expect(await store.updatePoll(closePoll(counting))).toBe(true);
    expect(await store.castBallot({ ...ballot(counting, 'p3'), at: 36_000 })).toBe('time-up');
    expect(await store.listBallots(room.code, poll.id)).toHaveLength(1);
    expect(await store.updatePoll(startRevote(closePoll(counting)))).toBe(true);
    expect(await store.getPoll(room.code, poll.id)).toMatchObject({ round: 2, closesAt: null });
  });

  it('keeps the split shown without the answer apart from the reveal, through a revote', async () => {
    await open();
    const { room } = await roomWithPoll();
    const poll = await store.addPoll(pollFromAdHoc(room.code, 'with-answer', { kind: 'single', question: 'Q?', options: ['a', 'b'], correct: [1] }, 1000));
    expect(await store.updatePoll(showSplit(poll))).toBe(true);
    const split = (await store.getPoll(room.code, poll.id))!;
    expect(split).toMatchObject({ status: 'closed', revealed: true, correctShown: false, correct: [1], version: 2 });
    expect(await store.updatePoll(startRevote(split))).toBe(true);
    const second = (await store.getPoll(room.code, poll.id))!;
    expect(second).toMatchObject({ round: 2, status: 'open', revealed: false, correctShown: false });
    expect(await store.updatePoll(revealPoll(second))).toBe(true);
    expect(await store.getPoll(room.code, poll.id)).toMatchObject({ round: 2, revealed: true, correctShown: true, version: 4 });
  });

  it('never counts a vote that races a close after the close: votes sent before it count, votes sent after it are refused', async () => {
    await open();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.nat(12), async (voters, closeAt) => {
        const { room, poll } = await roomWithPoll();
        // Sent together, not awaited one by one: the store sees them back to back, in this order.
        const sent: Promise<unknown>[] = [];
        for (let i = 0; i < voters; i++) {
          if (i === Math.min(closeAt, voters - 1)) sent.push(store.updatePoll(closePoll(poll)));
          sent.push(store.castBallot(ballot(poll, `p${i}`)));
        }
        const results = await Promise.all(sent);
        const outcomes = results.filter((r) => typeof r === 'string');
        const closedAt = Math.min(closeAt, voters - 1);
        expect(outcomes).toEqual(outcomes.map((_, i) => (i < closedAt ? 'cast' : 'closed')));
        const stored = await store.listBallots(room.code, poll.id);
        expect(stored.map((b) => b.participantId).sort()).toEqual(outcomes.flatMap((o, i) => (o === 'cast' ? [`p${i}`] : [])).sort());
      }),
      { numRuns: 25 },
    );
  });

  it('keeps ballots and poll state equal to a model through any sequence of votes and presenter actions', async () => {
    await open();
    type Command = { kind: 'vote'; who: number; option: number } | { kind: 'close' | 'reveal' | 'revote' | 'reset' };
    const command: fc.Arbitrary<Command> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('vote' as const), who: fc.nat(5), option: fc.nat(2) }) },
      fc.constantFrom<Command>({ kind: 'close' }, { kind: 'reveal' }, { kind: 'revote' }, { kind: 'reset' }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 30 }), async (commands) => {
        const { room, poll: first } = await roomWithPoll();
        let poll = first;
        const model = new Map<string, number>(); // `${round}/${who}` -> option
        for (const c of commands) {
          if (c.kind === 'vote') {
            const outcome = await store.castBallot(ballot(poll, `p${c.who}`, c.option));
            expect(outcome).toBe(poll.status === 'open' ? 'cast' : 'closed');
            if (outcome === 'cast') model.set(`${poll.round}/p${c.who}`, c.option);
            continue;
          }
          const next = { close: closePoll, reveal: revealPoll, revote: startRevote, reset: resetPoll }[c.kind](poll);
          expect(await store.updatePoll(next, { clearBallots: c.kind === 'reset' })).toBe(true);
          if (c.kind === 'reset') model.clear();
          poll = next;
        }
        expect(await store.getPoll(room.code, poll.id)).toEqual(poll);
        const stored = await store.listBallots(room.code, poll.id);
        expect(new Map(stored.map((b) => [`${b.round}/${b.participantId}`, (b.choice as { option: number }).option]))).toEqual(model);
      }),
      { numRuns: 40 },
    );
  });

  it('puts late joiners in the smallest team, and starts a new team when every team is full', async () => {
    await open();
    const { room } = await roomWithPoll();
    for (const [i, id] of ['a', 'b', 'c', 'd', 'e', 'f', 'g'].entries()) await store.addParticipant(room.code, id, i);
    await store.setTeams(room.code, { mode: 'auto', tables: 0, formed: true }, new Map([['a', 'team-1'], ['b', 'team-1'], ['c', 'team-1'], ['d', 'team-2'], ['e', 'team-2']]));
    expect(await store.joinSmallestTeam(room.code, 'f', 5)).toBe('team-2');
    expect(await store.joinSmallestTeam(room.code, 'f', 5)).toBe('team-2');
    expect(await store.joinSmallestTeam(room.code, 'g', 3)).toBe('team-3');
    expect((await store.listTeam(room.code, 'team-2')).map((p) => p.participantId)).toEqual(['d', 'e', 'f']);
    expect((await store.getRoom(room.code))!.teams).toEqual({ mode: 'auto', tables: 0, formed: true });
  });

  it('moves a prediction only from the state it expects, and saves a sheet only from its version and while open and on screen', async () => {
    await open();
    const { room } = await roomWithPoll();
    const opened = await store.addPrediction(openPrediction(room.code, 'predict-0000000001'));
    expect(await store.addPrediction({ ...opened, status: 'locked' })).toEqual(opened);
    const sheet = { roomCode: room.code, predictionId: opened.predictionId, teamId: 'team-1', version: 1, state: new Uint8Array([1, 2, 3]), rows: [{ kind: '' as const, value: '', prints: '' }], updatedAt: 1 };
    // Not on screen yet: a student's save is refused, the server's first save is not.
    expect(await store.saveSheet(sheet, { whileOpen: true })).toBe('locked');
    expect(await store.saveSheet(sheet)).toBe('saved');
    expect(await store.saveSheet(sheet)).toBe('conflict');
    expect(await store.updateRoom({ ...room, activePredictionId: opened.predictionId, version: 2 }, 1)).toBe(true);
    const edited = { ...sheet, version: 2, state: new Uint8Array([4]), rows: [{ kind: 'value' as const, value: '3', prints: '' }] };
    expect(await store.saveSheet(edited, { whileOpen: true })).toBe('saved');
    expect(await store.saveSheet(edited, { whileOpen: true })).toBe('conflict');
    expect(await store.getSheet(room.code, opened.predictionId, 'team-1')).toEqual(edited);
    const locked = lockPrediction(opened);
    expect(await store.updatePrediction(locked, opened)).toBe(true);
    expect(await store.updatePrediction(revealStep(opened, 3), opened)).toBe(false);
    expect(await store.saveSheet({ ...edited, version: 3 }, { whileOpen: true })).toBe('locked');
    expect(await store.getPrediction(room.code, opened.predictionId)).toEqual(locked);
  });

  it('deletes expired rooms with everything in them, and nothing of the others', async () => {
    await open();
    const old = await roomWithPoll();
    await store.castBallot(ballot(old.poll, 'p1'));
    await store.addParticipant(old.room.code, 'p1', 1);
    await store.addPrediction(openPrediction(old.room.code, 'predict-0000000001'));
    const fresh = newRoom('FRESHX', 'demo', 'h', 10_000);
    await store.createRoom(fresh);
    expect(await store.deleteRoomsCreatedBefore(5000)).toBeGreaterThanOrEqual(1);
    expect(await store.getRoom(old.room.code)).toBeUndefined();
    expect(await store.listBallots(old.room.code, old.poll.id)).toEqual([]);
    expect(await store.listParticipants(old.room.code)).toEqual([]);
    expect(await store.getPrediction(old.room.code, 'predict-0000000001')).toBeUndefined();
    expect(await store.getRoom('FRESHX')).toBeDefined();
  });

  it('keeps everything it acknowledged across a close and a reopen', async () => {
    await open();
    const { room, poll } = await roomWithPoll();
    await store.castBallot(ballot(poll, 'p1', 1));
    await store.close();
    store = await factory.reopen();
    expect((await store.getRoom(room.code))!.activePollId).toBe(poll.id);
    expect(await store.getBallot(room.code, poll.id, 1, 'p1')).toEqual({ option: 1 });
  });
});
