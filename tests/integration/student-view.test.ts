import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/app';
import type { PollState, PredictionState, RoomSnapshot } from '../../server/protocol';
import type { Client } from '../support/server';
import { PREDICT_DECKS, connectClient, createRoom, join, nextEvent, request, startServer, student, tempDataDir } from '../support/server';

/** What a student receives, checked key by key over the network: no answer before its reveal. */
let server: RunningServer;
const sockets: Client[] = [];
beforeEach(async () => {
  server = await startServer(tempDataDir(), {}, PREDICT_DECKS);
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await server.close();
});

const STUDENT_POLL_KEYS = ['id', 'kind', 'options', 'question', 'revealed', 'revote', 'round', 'status'];

describe('what a student receives', () => {
  it('gets a poll without its answer or results until the reveal: in the broadcast, in a late snapshot, in the prediction', async () => {
    const room = await createRoom(server, 'team');
    const presenter = await connectClient(server);
    sockets.push(presenter);
    await join(presenter, room.code, room.presenterSecret);
    const early = await student(server, room.code);
    sockets.push(early.socket);
    const opened = nextEvent(early.socket, 'predict:state');
    await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 });
    const prediction = (await opened).prediction!;
    // Nothing of the answer key before a step is revealed.
    expect(Object.keys(prediction).sort()).toEqual(['grades', 'id', 'revealed', 'status']);
    expect(prediction.revealed).toEqual([]);
    const pollBroadcast = nextEvent(early.socket, 'poll:state');
    const poll = await request<PollState>(presenter, 'predict:poll', { predictionId: prediction.id, step: 0 });
    expect(poll.ok && poll.data.correct).toBeDefined();
    expect(Object.keys((await pollBroadcast).poll!).sort()).toEqual(STUDENT_POLL_KEYS);

    const late = await student(server, room.code);
    sockets.push(late.socket);
    const snapshot = ((await request<RoomSnapshot>(late.socket, 'room:snapshot', {})) as { data: RoomSnapshot }).data;
    expect(Object.keys(snapshot.poll!).sort()).toEqual(STUDENT_POLL_KEYS);
    expect((snapshot.prediction as PredictionState).revealed).toEqual([]);

    const revealed = nextEvent(late.socket, 'poll:state');
    await request(presenter, 'poll:reveal', { pollId: poll.ok ? poll.data.id : '' });
    expect((await revealed).poll).toMatchObject({ correct: poll.ok ? poll.data.correct : null, results: expect.any(Array) });
  });

  it('gets a deck with predictions but no answer keys and no notes', async () => {
    const room = await createRoom(server, 'team');
    const deck = await (await fetch(`${server.url}/api/rooms/${room.code}/deck`)).json();
    expect(deck.stacks[1][0].prediction.steps).toEqual(['next(g)', 'next(g)', 'next(g)']);
    expect(deck).not.toHaveProperty('answerKeys');
    expect(deck).not.toHaveProperty('keyVersions'); // per-version answers are answers too
    // The distractors would tell a student which option of "Poll this step" is the answer.
    expect(deck.stacks[1][0].prediction).not.toHaveProperty('distractors');
    for (const slide of deck.stacks.flat()) expect(slide).not.toHaveProperty('notes');
    const speaker = await (await fetch(`${server.url}/api/rooms/${room.code}/speaker-deck`, { headers: { authorization: `Bearer ${room.presenterSecret}` } })).json();
    expect(Object.keys(speaker.answerKeys)).toEqual([deck.stacks[1][0].prediction.id]);
    expect(speaker.keyVersions).toMatchObject({ ranOn: expect.stringMatching(/^3\.1[4-9]\./), checked: expect.any(Array), differences: {} });
  });
});
