import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/app';
import type { PollState, PredictionState, RoomSnapshot } from '../../server/protocol';
import { hashSecret } from '../../server/rooms/secrets';
import type { Client } from '../support/server';
import { PREDICT_DECKS, connectClient, createRoom, join, nextEvent, request, startServer, student, tempDataDir } from '../support/server';

/** What a student receives, checked shape by shape over the network: no answer before its reveal. */
let server: RunningServer;
const sockets: Client[] = [];
beforeEach(async () => {
  server = await startServer(tempDataDir(), {}, PREDICT_DECKS);
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await server.close();
});

const PREDICT_SLIDE = { h: 1, v: 0, f: -1 };
const POLL_SLIDE = { h: 3, v: 0, f: -1 };

/** A student's socket and everything it was sent, broadcasts and acks, in order. */
async function recordedStudent(code: string) {
  const { socket, cookie } = await student(server, code);
  sockets.push(socket);
  const heard: [string, unknown][] = [];
  socket.onAny((event: string, message: unknown) => heard.push([event, message]));
  const ask = async <T>(event: string, payload: unknown) => {
    const res = await request<T>(socket, event, payload);
    heard.push([`ack ${event}`, res]);
    if (!res.ok) throw new Error(`${event} refused: ${res.error.code}`);
    return res.data;
  };
  return { socket, heard, ask, cookie, voterId: cookie.split('=')[1]!.split('.')[0]! };
}

/** The presenter's view of a poll less what a student may not see before the reveal. */
const studentView = ({ results: _results, correct: _correct, ...poll }: PollState): PollState => poll;

const member = { id: expect.any(String), name: expect.any(String), color: expect.any(String) };

describe('what a student receives', () => {
  it('gets polls, predictions and teams in the student’s shape: no answer, results, key or secret before the reveal, and exactly the presenter’s after', async () => {
    const room = await createRoom(server, 'team');
    const presenter = await connectClient(server);
    sockets.push(presenter);
    await join(presenter, room.code, room.presenterSecret);
    const presenterHeard: [string, unknown][] = [];
    presenter.onAny((event: string, message: unknown) => presenterHeard.push([event, message]));
    const ask = async <T>(event: string, payload: unknown) => {
      const res = await request<T>(presenter, event, payload);
      if (!res.ok) throw new Error(`${event} refused: ${res.error.code}`);
      return res.data;
    };
    const early = await recordedStudent(room.code);

    const predictionShown = nextEvent(early.socket, 'predict:state');
    await ask('slide:set', PREDICT_SLIDE);
    const opened = await predictionShown;
    const predictionId = opened.prediction!.id;
    expect(opened).toStrictEqual({ version: 2, prediction: { id: predictionId, status: 'open', revealed: [], grades: {} } });

    const pollShown = nextEvent(early.socket, 'poll:state');
    const predictPoll = await ask<PollState>('predict:poll', { predictionId, step: 0 });
    expect(predictPoll.correct).toEqual([predictPoll.options.indexOf('2')]);
    expect(await pollShown).toStrictEqual({ version: 3, poll: studentView(predictPoll) });
    // The presenters' own broadcast carries their view; it went out before their ack.
    expect(presenterHeard.filter(([event]) => event === 'poll:state')).toStrictEqual([['poll:state', { version: 3, poll: predictPoll }]]);
    expect(Object.keys(studentView(predictPoll)).sort()).toEqual(['correctShown', 'id', 'kind', 'options', 'question', 'revealed', 'revote', 'round', 'status']);

    // A late joiner's snapshot: the same student view, a team, no ballot.
    const late = await recordedStudent(room.code);
    const snapshot = await late.ask<RoomSnapshot>('room:snapshot', {});
    expect(snapshot).toStrictEqual({
      code: room.code,
      deckId: 'team',
      version: 3,
      slide: PREDICT_SLIDE,
      audience: 2,
      startedAt: expect.any(Number),
      poll: studentView(predictPoll),
      myVote: null,
      prediction: { id: predictionId, status: 'open', revealed: [], grades: {} },
      team: { mode: 'auto', tables: 0, me: member, team: { id: 'team-1', name: expect.any(String), members: [member, member] } },
    });

    const ballot = { pollId: predictPoll.id, round: 1, choice: { option: 1 } };
    expect(await early.ask('poll:vote', ballot)).toStrictEqual(ballot);
    // The presenters' tally and audience went out; the next broadcast reaches students after them.
    const heardByPresenter = (event: string, matches: (m: never) => boolean) => presenterHeard.some(([e, m]) => e === event && matches(m as never));
    await expect.poll(() => heardByPresenter('poll:tally', (m: { results: { ballots: number }[] }) => m.results[0]!.ballots === 1)).toBe(true);
    await expect.poll(() => heardByPresenter('room:audience', (m: { audience: number }) => m.audience === 2)).toBe(true);
    expect(await early.ask<RoomSnapshot>('room:snapshot', {})).toMatchObject({ poll: studentView(predictPoll), myVote: ballot });
    expect(Object.keys((await early.ask<RoomSnapshot>('room:snapshot', {})).poll!)).not.toContain('results');

    // The deck's own poll: on screen by arriving at its slide, shown to students without its answer.
    const deckPollShown = nextEvent(late.socket, 'poll:state');
    const deckPollShownEarly = nextEvent(early.socket, 'poll:state');
    await ask('slide:set', POLL_SLIDE);
    const presenterView = (await ask<RoomSnapshot>('room:snapshot', {})).poll!;
    expect(presenterView).toMatchObject({ correct: [0], results: [{ round: 1, ballots: 0, kind: 'single', counts: [0, 0, 0] }] });
    expect(await deckPollShown).toStrictEqual({ version: 5, poll: studentView(presenterView) });
    expect(await deckPollShownEarly).toStrictEqual({ version: 5, poll: studentView(presenterView) });
    expect((await late.ask<RoomSnapshot>('room:snapshot', {})).poll).toStrictEqual(studentView(presenterView));
    await late.ask('poll:vote', { pollId: presenterView.id, round: 1, choice: { option: 0 } });

    // Before any reveal, nothing either student was sent names an answer, a result or a secret,
    // and none of the presenters' own broadcasts reached them.
    for (const { heard, voterId } of [early, late]) {
      const events = new Set(heard.map(([event]) => event.replace(/^ack /, '')));
      for (const presentersOnly of ['poll:tally', 'room:audience', 'predict:board']) expect(events).not.toContain(presentersOnly);
      const sent = JSON.stringify(heard);
      for (const leak of ['"correct"', '"results"', '"answerKeys"', '"distractors"', '"notes"', '"presenterSecret"', room.presenterSecret, hashSecret(room.presenterSecret)]) expect(sent).not.toContain(leak);
      // Teammates are named by the server, never by their voter ids.
      expect(sent.split(voterId).length - 1).toBe(0);
      for (const [event, message] of heard) if (event === 'team:state') expect(message).toStrictEqual({ team: { id: expect.any(String), name: expect.any(String), members: expect.arrayContaining([member]) } });
    }

    // Peer instruction: the split is shown before a revote, the answer still kept from students.
    const split = nextEvent(early.socket, 'poll:state');
    const splitLate = nextEvent(late.socket, 'poll:state');
    const presenterSplit = await ask<PollState>('poll:split', { pollId: presenterView.id });
    expect(presenterSplit).toMatchObject({ status: 'closed', revealed: true, correctShown: false, correct: [0], results: [{ counts: [1, 0, 0] }] });
    const { correct: _answer, ...splitView } = presenterSplit;
    expect(await split).toStrictEqual({ version: 7, poll: splitView });
    expect(await splitLate).toStrictEqual({ version: 7, poll: splitView });
    expect((await late.ask<RoomSnapshot>('room:snapshot', {})).poll).toStrictEqual(splitView);
    const secondRound = nextEvent(early.socket, 'poll:state');
    const presenterRevote = await ask<PollState>('poll:revote', { pollId: presenterView.id });
    expect(await secondRound).toStrictEqual({ version: 8, poll: studentView(presenterRevote) });
    expect(studentView(presenterRevote)).toMatchObject({ round: 2, status: 'open', revealed: false, correctShown: false });
    await late.ask('poll:vote', { pollId: presenterView.id, round: 2, choice: { option: 0 } });
    for (const { heard } of [early, late]) expect(JSON.stringify(heard)).not.toContain('"correct"');

    // Revealed: students get exactly what the presenter sees, both rounds and the answer.
    const revealed = nextEvent(early.socket, 'poll:state');
    const presenterRevealed = await ask<PollState>('poll:reveal', { pollId: presenterView.id });
    expect(presenterRevealed).toMatchObject({ revealed: true, correctShown: true, correct: [0], results: [{ counts: [1, 0, 0] }, { counts: [1, 0, 0] }] });
    expect(await revealed).toStrictEqual({ version: 9, poll: presenterRevealed });

    const back = nextEvent(late.socket, 'predict:state');
    await ask('slide:set', PREDICT_SLIDE);
    await back;
    const stepRevealed = nextEvent(late.socket, 'predict:state');
    const presenterStep = await ask<PredictionState>('predict:reveal', { predictionId });
    expect(presenterStep.revealed).toHaveLength(1);
    expect(await stepRevealed).toStrictEqual({ version: expect.any(Number), prediction: presenterStep });
  }, 60_000); // the reveal grades in Pyodide, which starts slowly on a busy machine

  it('is the only one whose snapshot holds a ballot and a team: not the speaker view in the browser that voted, nor a phone without a voter id', async () => {
    const room = await createRoom(server, 'team');
    const presenter = await connectClient(server);
    sockets.push(presenter);
    await join(presenter, room.code, room.presenterSecret);
    expect(await request(presenter, 'slide:set', POLL_SLIDE)).toMatchObject({ ok: true });
    const phone = await recordedStudent(room.code);
    const { poll } = await phone.ask<RoomSnapshot>('room:snapshot', {});
    const ballot = { pollId: poll!.id, round: 1, choice: { option: 1 } };
    await phone.ask('poll:vote', ballot);
    expect(await phone.ask<RoomSnapshot>('room:snapshot', {})).toMatchObject({ myVote: ballot, team: { mode: 'auto', me: member, team: null } });

    // The speaker view opened in the same browser sends the same voter cookie.
    const speaker = await connectClient(server, undefined, phone.cookie);
    sockets.push(speaker);
    const joined = await join(speaker, room.code, room.presenterSecret);
    const spoken = await request<RoomSnapshot>(speaker, 'room:snapshot', {});
    if (!spoken.ok) throw new Error(spoken.error.code);
    for (const snapshot of [joined.snapshot as RoomSnapshot, spoken.data]) expect(snapshot).toMatchObject({ poll: { id: poll!.id, correct: [0] }, myVote: null, team: null });

    const anonymous = await connectClient(server);
    sockets.push(anonymous);
    const seen = await join(anonymous, room.code);
    expect(seen.snapshot).toStrictEqual({ ...spoken.data, poll: studentView(spoken.data.poll!), audience: expect.any(Number) });
  });

  it('gets a deck with predictions and polls but no answer keys, no correct options, no distractors and no notes', async () => {
    const room = await createRoom(server, 'team');
    const res = await fetch(`${server.url}/api/rooms/${room.code}/deck`);
    const deck = await res.json();
    const speaker = await (await fetch(`${server.url}/api/rooms/${room.code}/speaker-deck`, { headers: { authorization: `Bearer ${room.presenterSecret}` } })).json();
    // The speaker deck has all of it, so the checks below have something to miss.
    const predictionIds = [speaker.stacks[1][0].prediction.id, speaker.stacks[4][0].prediction.id];
    expect(Object.keys(speaker.answerKeys).sort()).toEqual(predictionIds.sort());
    expect(speaker.keyVersions).toMatchObject({ ranOn: expect.stringMatching(/^3\.1[4-9]\./), checked: expect.any(Array), differences: {} });
    expect(speaker.stacks[1][0].prediction.distractors[0]).toEqual(['None', '1', 'StopIteration']);
    expect(speaker.stacks[3][0].poll.correct).toEqual([0]);
    expect(speaker.stacks.flat().filter((s: { notes: string }) => s.notes !== '')).toHaveLength(4);

    expect(Object.keys(deck).sort()).toEqual(['hash', 'id', 'stacks', 'title']);
    for (const slide of deck.stacks.flat()) expect(Object.keys(slide).every((k) => ['className', 'fragments', 'html', 'poll', 'prediction'].includes(k)), Object.keys(slide).join()).toBe(true);
    const { distractors: _distractors, ...publicPrediction } = speaker.stacks[1][0].prediction;
    expect(deck.stacks[1][0].prediction).toStrictEqual(publicPrediction);
    expect(Object.keys(deck.stacks[1][0].prediction).sort()).toEqual(['code', 'file', 'graded', 'id', 'line', 'prints', 'setup', 'source', 'steps', 'target']);
    expect(deck.stacks[3][0].poll).toStrictEqual({ id: speaker.stacks[3][0].poll.id, question: 'What does the first next(g) give?', revote: false, kind: 'single', options: ['2', '1', 'None'] });
    const text = JSON.stringify(deck);
    for (const secret of ['Only after the reveal', 'Form the teams', 'prints start and gives', '"repr"', room.presenterSecret]) expect(text).not.toContain(secret);
  });
});
