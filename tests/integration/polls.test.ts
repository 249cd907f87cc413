import { join as joinPath } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/app';
import type { PollState, PollTallyBroadcast, RoundTally } from '../../server/protocol';
import type { Client } from '../support/server';
import { overhear } from '../support/broadcasts';
import { compileDeck } from '../../server/decks/compile';
import { readDeckSources } from '../../server/decks/load';
import type { Ballot } from '../../server/polls/poll';
import { openSqliteStore } from '../../server/store/sqlite';
import { FIXTURE_DECKS, connectClient, createRoom, join, nextEvent, request, startServer, student, tempDataDir } from '../support/server';

const POLL_SLIDE = { h: 4, v: 0, f: -1 };
let dataDir: string;
let server: RunningServer;
const sockets: Client[] = [];
const track = <T extends { socket: Client }>(s: T) => (sockets.push(s.socket), s);

beforeEach(async () => {
  dataDir = tempDataDir();
  server = await startServer(dataDir);
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await server.close();
});

/** A new room with its presenter joined. */
async function presentedRoom() {
  const room = await createRoom(server);
  const presenter = await connectClient(server);
  sockets.push(presenter);
  await join(presenter, room.code, room.presenterSecret);
  return { ...room, presenter };
}

/** A room whose presenter stands on the deck's poll slide, which opens its poll. */
async function pollRoom() {
  const { presenter, ...room } = await presentedRoom();
  const tallies: PollTallyBroadcast[] = [];
  presenter.on('poll:tally', (t) => tallies.push(t));
  await request(presenter, 'slide:set', POLL_SLIDE);
  const snap = await request<{ poll: PollState }>(presenter, 'room:snapshot', {});
  if (!snap.ok) throw new Error('no snapshot');
  return { ...room, presenter, poll: snap.data.poll, tallies, lastTally: () => tallies.at(-1)?.results };
}

const counts = (results: RoundTally[] | undefined, round = 1) => {
  const r = results?.find((t) => t.round === round);
  return r && 'counts' in r ? r.counts : undefined;
};
const vote = (socket: Client, pollId: string, option: number, round = 1) => request(socket, 'poll:vote', { pollId, round, choice: { option } });

describe('live polls', () => {
  it('opens the slide’s poll when the presenter arrives and takes it off screen on leaving', async () => {
    const { presenter, ...room } = await presentedRoom();
    const { socket } = track(await student(server, room.code));
    const opened = nextEvent(socket, 'poll:state');
    await request(presenter, 'slide:set', POLL_SLIDE);
    const state = await opened;
    expect(state.poll).toMatchObject({ question: 'Which yields first?', options: ['the generator', 'the caller', 'neither'], round: 1, status: 'open', revealed: false });
    expect(state.poll).not.toHaveProperty('correct');
    expect(state.poll).not.toHaveProperty('results');
    const closed = nextEvent(socket, 'poll:state');
    await request(presenter, 'slide:set', { h: 3, v: 0, f: -1 });
    expect((await closed).poll).toBeNull();
  });

  it('counts 200 concurrent voters exactly, and the presenter’s last coalesced tally equals it', async () => {
    const { code, poll, presenter, lastTally, tallies } = await pollRoom();
    const voters = [];
    for (let i = 0; i < 200; i += 50) voters.push(...(await Promise.all(Array.from({ length: 50 }, () => student(server, code).then(track)))));
    const acks = await Promise.all(voters.map(({ socket }, i) => vote(socket, poll.id, i % 3)));
    expect(acks.every((a) => a.ok)).toBe(true);
    const expected = [67, 67, 66];
    await expect.poll(() => counts(lastTally())).toEqual(expected);
    const snap = await request<{ poll: PollState }>(presenter, 'room:snapshot', {});
    expect(snap.ok && counts(snap.data.poll.results)).toEqual(expected);
    // Coalesced: at most 10 a second, far fewer than one per vote.
    expect(tallies.length).toBeLessThan(40);
  });

  it('applies a presenter’s quick clicks in the order clicked: close, reveal, vote again', async () => {
    const { presenter, poll } = await pollRoom();
    const acks = await Promise.all(['poll:close', 'poll:reveal', 'poll:revote'].map((event) => request<PollState>(presenter, event, { pollId: poll.id })));
    expect(acks.map((a) => a.ok && [a.data.status, a.data.revealed, a.data.round])).toEqual([
      ['closed', false, 1],
      ['closed', true, 1],
      ['open', false, 2],
    ]);
  });

  it('moves a changed vote instead of adding one, and counts a duplicate once', async () => {
    const { code, poll, lastTally } = await pollRoom();
    const { socket } = track(await student(server, code));
    expect(await vote(socket, poll.id, 0)).toEqual({ ok: true, data: { pollId: poll.id, round: 1, choice: { option: 0 } } });
    await vote(socket, poll.id, 0);
    await expect.poll(() => counts(lastTally())).toEqual([1, 0, 0]);
    await vote(socket, poll.id, 2);
    await expect.poll(() => counts(lastTally())).toEqual([0, 0, 1]);
  });

  it('keeps a voter’s identity across a reload, from the cookie, never the payload', async () => {
    const { code, poll, lastTally } = await pollRoom();
    const first = track(await student(server, code));
    await vote(first.socket, poll.id, 1);
    first.socket.disconnect();
    const again = track(await student(server, code, first.cookie));
    const snap = await request<{ myVote: unknown }>(again.socket, 'room:snapshot', {});
    expect(snap).toMatchObject({ ok: true, data: { myVote: { pollId: poll.id, round: 1, choice: { option: 1 } } } });
    await vote(again.socket, poll.id, 2);
    await expect.poll(() => counts(lastTally())).toEqual([0, 0, 1]);
    expect(await request(again.socket, 'poll:vote', { pollId: poll.id, round: 1, choice: { option: 0 }, participantId: 'someone-else' })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const forged = track(await student(server, code, 'yr_pid=abc.forged'));
    expect(await vote(forged.socket, poll.id, 0)).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
  });

  it('refuses votes once closed, and shows students the results only when revealed', async () => {
    const { code, poll, presenter, lastTally } = await pollRoom();
    const { socket } = track(await student(server, code));
    await vote(socket, poll.id, 0);
    expect(await request(presenter, 'poll:close', { pollId: poll.id })).toMatchObject({ ok: true, data: { status: 'closed' } });
    expect(await vote(socket, poll.id, 1)).toMatchObject({ ok: false, error: { code: 'POLL_CLOSED' } });
    const revealed = nextEvent(socket, 'poll:state');
    await request(presenter, 'poll:reveal', { pollId: poll.id });
    const state = (await revealed).poll!;
    expect(state).toMatchObject({ revealed: true, correct: [0] });
    expect(counts(state.results)).toEqual([1, 0, 0]);
    await expect.poll(() => counts(lastTally())).toEqual([1, 0, 0]);
  });

  it('counts a revote round apart from the first, and knows which round a phone votes in', async () => {
    const { code, poll, presenter, lastTally } = await pollRoom();
    const [a, b] = [track(await student(server, code)), track(await student(server, code))];
    await vote(a.socket, poll.id, 1);
    await vote(b.socket, poll.id, 1);
    const round2 = nextEvent(a.socket, 'poll:state');
    expect(await request(presenter, 'poll:revote', { pollId: poll.id })).toMatchObject({ ok: true, data: { round: 2, status: 'open' } });
    expect((await round2).poll).toMatchObject({ round: 2, status: 'open' });
    expect(await vote(a.socket, poll.id, 0, 1)).toMatchObject({ ok: false, error: { code: 'POLL_CLOSED' } });
    await vote(a.socket, poll.id, 0, 2);
    await expect.poll(() => [counts(lastTally(), 1), counts(lastTally(), 2)]).toEqual([
      [0, 2, 0],
      [1, 0, 0],
    ]);
    const reset = await request<PollState>(presenter, 'poll:reset', { pollId: poll.id });
    expect(reset.ok && reset.data.round).toBe(1);
    expect(reset.ok && counts(reset.data.results)).toEqual([0, 0, 0]);
  });

  it('opens a deck poll by id from any slide, and refuses an id the deck lacks', async () => {
    const { presenter, ...room } = await presentedRoom();
    const { socket } = track(await student(server, room.code));
    const compiled = compileDeck(readDeckSources(FIXTURE_DECKS)[0]!);
    const deckPollId = compiled.ok && compiled.deck.stacks[POLL_SLIDE.h]![0]!.poll!.id;
    expect(await request(presenter, 'poll:open', { pollId: 'poll-not-in-deck' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const shown = nextEvent(socket, 'poll:state');
    const opened = await request<PollState>(presenter, 'poll:open', { pollId: deckPollId });
    expect(opened).toMatchObject({ ok: true, data: { id: deckPollId, question: 'Which yields first?', round: 1, status: 'open', correct: [0] } });
    expect((await shown).poll).toMatchObject({ id: deckPollId, status: 'open' });
    // Opened again by id once the presenter has moved on: back on screen, as it was.
    expect(await vote(socket, deckPollId as string, 1)).toMatchObject({ ok: true });
    const offScreen = nextEvent(socket, 'poll:state');
    await request(presenter, 'slide:set', { h: 2, v: 0, f: -1 });
    expect((await offScreen).poll).toBeNull();
    const back = nextEvent(socket, 'poll:state');
    expect(await request(presenter, 'poll:open', { pollId: deckPollId })).toMatchObject({ ok: true, data: { id: deckPollId, status: 'open', results: [{ ballots: 1 }] } });
    expect((await back).poll).toMatchObject({ id: deckPollId, status: 'open' });
  });

  it('runs ad hoc numeric and text polls', async () => {
    const { code, presenter, presenterSecret } = await pollRoom();
    const voters = await Promise.all([1, 2, 3].map(() => student(server, code).then(track)));
    const { socket } = voters[0]!;
    const numeric = await request<PollState>(presenter, 'poll:open', { adHoc: { kind: 'numeric', question: 'How many threads?', correct: 4 } });
    if (!numeric.ok) throw new Error(numeric.error.code);
    for (const [i, value] of [4, 4, 2].entries()) await request(voters[i]!.socket, 'poll:vote', { pollId: numeric.data.id, round: 1, choice: { value } });
    const text = await request<PollState>(presenter, 'poll:open', { adHoc: { kind: 'text', question: 'One word for the GIL?' } });
    if (!text.ok) throw new Error(text.error.code);
    expect(await request(socket, 'poll:vote', { pollId: text.data.id, round: 1, choice: { text: '  Lock ' } })).toMatchObject({ ok: true, data: { choice: { text: 'Lock' } } });
    // Only a prediction's free answers are read by Python: in a word cloud, 15.0 and 15 are two answers.
    for (const [i, word] of ['15.0', '15'].entries()) expect(await request(voters[i + 1]!.socket, 'poll:vote', { pollId: text.data.id, round: 1, choice: { text: word } })).toMatchObject({ ok: true, data: { choice: { text: word } } });
    const results = await (await fetch(`${server.url}/api/rooms/${code}/results.json`, { headers: { authorization: `Bearer ${presenterSecret}` } })).json();
    const byId = Object.fromEntries(results.polls.map((p: { id: string }) => [p.id, p]));
    expect(byId[numeric.data.id].rounds[0].answers).toEqual([
      { answer: '2', count: 1, percent: 33.3, correct: false },
      { answer: '3', count: 0, percent: 0, correct: false },
      { answer: '4', count: 2, percent: 66.7, correct: true },
    ]);
    expect(byId[text.data.id].rounds[0].answers).toEqual([{ answer: '15', count: 1, percent: 33.3, correct: false }, { answer: '15.0', count: 1, percent: 33.3, correct: false }, { answer: 'lock', count: 1, percent: 33.3, correct: false }]);
  });
});

describe('a poll on screen', () => {
  it('shows a poll as it was left when the presenter comes back to its slide: closed, then revealed, with its votes', async () => {
    const { code, poll, presenter } = await pollRoom();
    const { socket } = track(await student(server, code));
    await vote(socket, poll.id, 2);
    await request(presenter, 'poll:close', { pollId: poll.id });
    const away = nextEvent(socket, 'poll:state');
    await request(presenter, 'slide:set', { h: 3, v: 0, f: -1 });
    expect((await away).poll).toBeNull();
    const back = nextEvent(socket, 'poll:state');
    await request(presenter, 'slide:set', POLL_SLIDE);
    expect((await back).poll).toStrictEqual({ id: poll.id, question: poll.question, kind: 'single', options: poll.options, round: 1, status: 'closed', revealed: false, correctShown: false, revote: true });
    expect(await vote(socket, poll.id, 0)).toMatchObject({ ok: false, error: { code: 'POLL_CLOSED' } });

    await request(presenter, 'poll:reveal', { pollId: poll.id });
    const awayAgain = nextEvent(socket, 'poll:state');
    await request(presenter, 'slide:set', { h: 3, v: 0, f: -1 });
    expect((await awayAgain).poll).toBeNull();
    const again = nextEvent(socket, 'poll:state');
    await request(presenter, 'slide:set', POLL_SLIDE);
    expect((await again).poll).toMatchObject({ status: 'closed', revealed: true, correct: [0], results: [{ round: 1, ballots: 1, counts: [0, 0, 1] }] });
    const snap = await request<{ poll: PollState; myVote: unknown }>(socket, 'room:snapshot', {});
    expect(snap).toMatchObject({ ok: true, data: { poll: { status: 'closed', revealed: true }, myVote: { pollId: poll.id, round: 1, choice: { option: 2 } } } });
    // Revealed, a rejoining phone's snapshot has exactly the presenter's view, results included.
    const presenterSnap = await request<{ poll: PollState }>(presenter, 'room:snapshot', {});
    if (!snap.ok || !presenterSnap.ok) throw new Error('no snapshot');
    expect(snap.data.poll).toStrictEqual(presenterSnap.data.poll);
    expect(snap.data.poll.results).toMatchObject([{ round: 1, ballots: 1, counts: [0, 0, 1] }]);
  });

  it('takes a quick poll off the phones when the presenter moves to another slide, refuses votes in it, and keeps it off when it is closed or revealed later', async () => {
    const { presenter, ...room } = await presentedRoom();
    const { socket } = track(await student(server, room.code));
    const shown = nextEvent(socket, 'poll:state');
    const quick = await request<PollState>(presenter, 'poll:open', { adHoc: { kind: 'text', question: 'One word?' } });
    if (!quick.ok) throw new Error(quick.error.code);
    expect((await shown).poll).toMatchObject({ id: quick.data.id, status: 'open' });
    const gone = nextEvent(socket, 'poll:state');
    await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 });
    expect((await gone).poll).toBeNull();
    expect(await request(socket, 'poll:vote', { pollId: quick.data.id, round: 1, choice: { text: 'late' } })).toMatchObject({ ok: false, error: { code: 'POLL_CLOSED' } });
    // Closed and revealed from the speaker view once off screen, it stays off: nobody is told, the version stays.
    const before = await request<{ version: number }>(presenter, 'room:snapshot', {});
    const listening = overhear([socket, presenter]);
    expect(await request(presenter, 'poll:close', { pollId: quick.data.id })).toMatchObject({ ok: true, data: { id: quick.data.id, status: 'closed' } });
    expect(await request(presenter, 'poll:reveal', { pollId: quick.data.id })).toMatchObject({ ok: true, data: { id: quick.data.id, revealed: true } });
    const snap = await request<{ poll: PollState | null; version: number }>(socket, 'room:snapshot', {});
    if (!snap.ok || !before.ok) throw new Error('no snapshot');
    expect([snap.data.poll, snap.data.version]).toEqual([null, before.data.version]);
    await listening.expectOnlyMarker(presenter);
    // Opened again by its id, the quick poll comes back on screen as it was left: revealed.
    const back = nextEvent(socket, 'poll:state');
    expect(await request(presenter, 'poll:open', { pollId: quick.data.id })).toMatchObject({ ok: true, data: { id: quick.data.id, question: 'One word?', revealed: true } });
    expect((await back).poll).toMatchObject({ id: quick.data.id, status: 'closed', revealed: true });
  });

  it('settles votes racing the close one by one: each is either acked and counted or refused and not counted', async () => {
    const { code, poll, presenter } = await pollRoom();
    const voters = await Promise.all(Array.from({ length: 30 }, () => student(server, code).then(track)));
    const [close, ...acks] = await Promise.all([request(presenter, 'poll:close', { pollId: poll.id }), ...voters.map(({ socket }, i) => vote(socket, poll.id, i % 3))]);
    expect(close.ok).toBe(true);
    for (const ack of acks) if (!ack.ok) expect(ack.error.code).toBe('POLL_CLOSED');
    const store = openSqliteStore(dataDir);
    const stored = await store.listBallots(code, poll.id);
    await store.close();
    const acked = voters.flatMap(({ cookie }, i) => (acks[i]!.ok ? [cookie.split('=')[1]!.split('.')[0]!] : []));
    expect(stored.map((b) => b.participantId).sort()).toEqual(acked.sort());
    const expected = [0, 1, 2].map((option) => acks.filter((a, i) => a.ok && i % 3 === option).length);
    const snap = await request<{ poll: PollState }>(presenter, 'room:snapshot', {});
    expect(snap.ok && counts(snap.data.poll.results)).toEqual(expected);
  });

  it('acks a vote only once the ballot is in SQLite, as another connection reads it at the moment the ack arrives', async () => {
    await server.close();
    // The real store, with ballot writes held until the test lets them through: a slow disk.
    const store = openSqliteStore(dataDir);
    let letThrough = () => {};
    const held = new Promise<void>((resolve) => (letThrough = resolve));
    server = await startServer(dataDir, { store: { ...store, castBallot: async (ballot: Ballot) => (await held, store.castBallot(ballot)) } });
    const { code, poll } = await pollRoom();
    const { socket, cookie } = track(await student(server, code));
    const reader = new Database(joinPath(dataDir, 'yieldroom.db'), { readonly: true });
    const ballotsNow = () => reader.prepare('SELECT participant_id, choice FROM ballots WHERE room_code = ? AND poll_id = ?').all(code, poll.id);
    let storedAtAck: unknown[] | undefined;
    const acked = new Promise((resolve) =>
      socket.emit('poll:vote', { pollId: poll.id, round: 1, choice: { option: 1 } }, (res) => {
        storedAtAck = ballotsNow();
        resolve(res);
      }),
    );
    // The socket's next request is answered while the write is held; the vote must not be.
    expect((await request(socket, 'room:snapshot', {})).ok).toBe(true);
    expect(storedAtAck).toBeUndefined();
    letThrough();
    expect(await acked).toMatchObject({ ok: true });
    expect(storedAtAck).toEqual([{ participant_id: cookie.split('=')[1]!.split('.')[0]!, choice: '{"option":1}' }]);
    reader.close();
  });
});

describe('bad poll input gets a named error and counts nothing', () => {
  it.each([
    ['an unknown poll', () => ({ pollId: 'nope', round: 1, choice: { option: 0 } }), 'NOT_FOUND'],
    ['an option out of range', (id: string) => ({ pollId: id, round: 1, choice: { option: 3 } }), 'INVALID_PAYLOAD'],
    ['a choice of the wrong kind', (id: string) => ({ pollId: id, round: 1, choice: { value: 2 } }), 'INVALID_PAYLOAD'],
    ['text over the limit', (id: string) => ({ pollId: id, round: 1, choice: { text: 'x'.repeat(61) } }), 'INVALID_PAYLOAD'],
    ['a round that does not exist', (id: string) => ({ pollId: id, round: 2, choice: { option: 0 } }), 'POLL_CLOSED'],
    ['no choice', (id: string) => ({ pollId: id, round: 1 }), 'INVALID_PAYLOAD'],
  ])('%s', async (_what, payload, code) => {
    const room = await pollRoom();
    const { socket } = track(await student(server, room.code));
    const other = track(await student(server, room.code)).socket;
    const heard = overhear([socket, other, room.presenter]);
    expect(await request(socket, 'poll:vote', payload(room.poll.id))).toMatchObject({ ok: false, error: { code } });
    const snap = await request<{ poll: PollState }>(room.presenter, 'room:snapshot', {});
    expect(snap.ok && counts(snap.data.poll.results)).toEqual([0, 0, 0]);
    await heard.expectOnlyMarker(room.presenter);
    expect(room.tallies.every((t) => t.results.every((r) => r.ballots === 0))).toBe(true);
  });

  it('refuses a vote before joining, and every presenter action from a student', async () => {
    const room = await pollRoom();
    const stranger = await connectClient(server);
    sockets.push(stranger);
    expect(await vote(stranger, room.poll.id, 0)).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    const { socket } = track(await student(server, room.code));
    const other = track(await student(server, room.code)).socket;
    const heard = overhear([socket, other, room.presenter]);
    for (const event of ['poll:close', 'poll:split', 'poll:reveal', 'poll:revote', 'poll:reset']) {
      expect(await request(socket, event, { pollId: room.poll.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(await request(socket, 'poll:open', { adHoc: { kind: 'text', question: 'Mine?' } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await vote(room.presenter, room.poll.id, 0)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(room.presenter, 'poll:open', { adHoc: { kind: 'single', question: 'Q', options: ['a'] } })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await request(room.presenter, 'poll:open', { adHoc: { kind: 'single', question: 'Q', options: ['a', 'b'], correct: [5] } })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const snap = await request<{ poll: PollState }>(room.presenter, 'room:snapshot', {});
    expect(snap.ok && snap.data.poll).toMatchObject({ id: room.poll.id, status: 'open', round: 1, revealed: false });
    await heard.expectOnlyMarker(room.presenter);
  });
});

describe('results survive', () => {
  it('exports every round as JSON and CSV, and a restart keeps every acked vote', async () => {
    const room = await pollRoom();
    const voters = await Promise.all(Array.from({ length: 5 }, () => student(server, room.code).then(track)));
    for (const [i, v] of voters.entries()) expect((await vote(v.socket, room.poll.id, i % 2)).ok).toBe(true);
    await request(room.presenter, 'poll:revote', { pollId: room.poll.id });
    await vote(voters[0]!.socket, room.poll.id, 2, 2);
    const auth = { authorization: `Bearer ${room.presenterSecret}` };
    const before = await (await fetch(`${server.url}/api/rooms/${room.code}/results.json`, { headers: auth })).json();
    expect(before.polls[0].rounds.map((r: { answers: { count: number }[] }) => r.answers.map((a) => a.count))).toEqual([
      [3, 2, 0],
      [0, 0, 1],
    ]);
    expect(before.polls[0].rounds[0].answers[0]).toEqual({ answer: 'the generator', count: 3, percent: 60, correct: true });
    expect((await fetch(`${server.url}/api/rooms/${room.code}/results.csv`)).status).toBe(403);

    for (const s of sockets.splice(0)) s.disconnect();
    await server.close();
    server = await startServer(dataDir);
    const csv = await (await fetch(`${server.url}/api/rooms/${room.code}/results.csv`, { headers: auth })).text();
    const rows = csv.trim().split('\r\n').map((line) => line.split(','));
    expect(rows[0]).toEqual(['poll_id', 'question', 'kind', 'round', 'ballots', 'answer', 'count', 'percent', 'correct']);
    expect(rows.slice(1).map((r) => [r[3], r[5], r[6]])).toEqual([
      ['1', 'the generator', '3'],
      ['1', 'the caller', '2'],
      ['1', 'neither', '0'],
      ['2', 'the generator', '0'],
      ['2', 'the caller', '0'],
      ['2', 'neither', '1'],
    ]);
    const back = track(await student(server, room.code, voters[0]!.cookie));
    const snap = await request<{ myVote: unknown; poll: PollState }>(back.socket, 'room:snapshot', {});
    expect(snap).toMatchObject({ ok: true, data: { poll: { round: 2 }, myVote: { round: 2, choice: { option: 2 } } } });
  });
});

describe('a countdown', () => {
  /** A room on the poll slide of a server whose clock the test moves. */
  async function roomWithClock() {
    await server.close();
    const clock = { now: 1_000_000 };
    server = await startServer(dataDir, { now: () => clock.now });
    return { clock, room: await pollRoom() };
  }

  it('closes voting when it runs out, from the deadline the store keeps: a process started after it closes the round, a vote gets TIME_UP', async () => {
    const { clock, room } = await roomWithClock();
    const early = track(await student(server, room.code));
    const heard = overhear([early.socket, room.presenter]);
    for (const bad of [{ pollId: room.poll.id, seconds: 4 }, { pollId: room.poll.id, seconds: 601 }, { pollId: room.poll.id, seconds: 1.5 }, { pollId: room.poll.id }, { pollId: room.poll.id, seconds: 30, extra: 1 }]) {
      expect(await request(room.presenter, 'poll:countdown', bad)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    }
    expect(await request(early.socket, 'poll:countdown', { pollId: room.poll.id, seconds: 30 })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(room.presenter, 'poll:countdown', { pollId: 'nope', seconds: 30 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await heard.expectOnlyMarker(room.presenter);

    const shown = nextEvent(early.socket, 'poll:state');
    expect(await request(room.presenter, 'poll:countdown', { pollId: room.poll.id, seconds: 30 })).toMatchObject({ ok: true, data: { status: 'open', closesInMs: 30_000 } });
    expect((await shown).poll).toMatchObject({ status: 'open', closesInMs: 30_000 });
    clock.now += 29_999;
    expect((await vote(early.socket, room.poll.id, 1)).ok).toBe(true);

    // The deadline passes while no process runs: the next one reads it from the store.
    for (const s of sockets.splice(0)) s.disconnect();
    await server.close();
    clock.now += 1;
    server = await startServer(dataDir, { now: () => clock.now });
    const presenter = await connectClient(server);
    sockets.push(presenter);
    expect(await join(presenter, room.code, room.presenterSecret)).toMatchObject({ snapshot: { poll: { id: room.poll.id, status: 'closed', results: [{ round: 1, ballots: 1 }] } } });
    const late = track(await student(server, room.code));
    const quiet = overhear([late.socket, presenter]);
    expect(await vote(late.socket, room.poll.id, 0)).toMatchObject({ ok: false, error: { code: 'TIME_UP', message: 'Time is up: voting has closed.' } });
    // The join above closed the round: the late vote closes nothing again, so nothing is broadcast.
    await quiet.expectOnlyMarker(presenter);
    // A revote is a fresh round without a countdown.
    expect(await request(presenter, 'poll:revote', { pollId: room.poll.id })).toMatchObject({ ok: true, data: { round: 2, status: 'open' } });
    const second = await request<{ poll: PollState }>(presenter, 'room:snapshot', {});
    expect(second.ok && second.data.poll.closesInMs).toBeUndefined();
    expect((await vote(late.socket, room.poll.id, 0, 2)).ok).toBe(true);
  });

  it('closes the round on time by itself, with no vote to notice the deadline: phone and presenter see it close', async () => {
    const room = await pollRoom();
    const phone = track(await student(server, room.code));
    const closing = (socket: Client) =>
      new Promise<PollState>((resolve) => socket.on('poll:state', ({ poll }) => poll?.status === 'closed' && resolve(poll)));
    const [closed, closedOnPhone] = [closing(room.presenter), closing(phone.socket)];
    expect(await request(room.presenter, 'poll:countdown', { pollId: room.poll.id, seconds: 5 })).toMatchObject({ ok: true, data: { status: 'open' } });
    // The countdown's own timer, on the real clock, is what closes it.
    expect(await closed).toMatchObject({ status: 'closed', results: [{ round: 1, ballots: 0 }] });
    expect(await closedOnPhone).toMatchObject({ status: 'closed' });
  });

  it('a vote after the deadline closes the round for the room, in the process that sees it first', async () => {
    const { clock, room } = await roomWithClock();
    const early = track(await student(server, room.code));
    // Ten minutes on the countdown's own (real) timer: only the late vote can close it within the test.
    expect((await request(room.presenter, 'poll:countdown', { pollId: room.poll.id, seconds: 600 })).ok).toBe(true);
    clock.now += 600_000;
    const closed = nextEvent(room.presenter, 'poll:state');
    const closedOnPhone = nextEvent(early.socket, 'poll:state');
    expect(await vote(early.socket, room.poll.id, 0)).toMatchObject({ ok: false, error: { code: 'TIME_UP' } });
    expect((await closed).poll).toMatchObject({ status: 'closed', results: [{ round: 1, ballots: 0 }] });
    expect((await closedOnPhone).poll).toMatchObject({ status: 'closed' });
    expect(await request(room.presenter, 'poll:countdown', { pollId: room.poll.id, seconds: 5 })).toMatchObject({ ok: false, error: { code: 'POLL_CLOSED' } });
  });
});
