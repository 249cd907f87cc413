import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/app';
import { ERROR_CODES, PROTOCOL_VERSION } from '../../server/protocol';
import type { ResultsReport, RoomSnapshot } from '../../server/protocol';
import { openSqliteStore } from '../../server/store/sqlite';
import type { Store } from '../../server/store/store';
import type { Client } from '../support/server';
import { PREDICT_DECKS, connectClient, createRoom, join, request, startServer, student, tempDataDir } from '../support/server';
import { SheetClient } from '../support/sheet-client';

/**
 * Thousands of random and malformed events from every role, and raw engine.io frames: the server
 * never crashes, every ack has the protocol's shape, and the room's invariants hold. The event
 * budget is lifted here: this suite is about what a message says, not how many there are.
 */
const EVENTS = [
  'room:join', 'room:snapshot', 'slide:set', 'presenter:pair', 'presenter:redeem', 'poll:open', 'poll:close', 'poll:split', 'poll:countdown', 'poll:reveal', 'poll:revote', 'poll:reset', 'poll:vote',
  'team:rename', 'team:pick', 'teams:configure', 'sheet:sync', 'sheet:awareness', 'predict:lock', 'predict:unlock', 'predict:reveal', 'predict:board', 'predict:poll', 'predict:whatif',
];
const KEYS = ['code', 'presenterSecret', 'token', 'h', 'v', 'f', 'pollId', 'round', 'seconds', 'choice', 'option', 'options', 'value', 'text', 'adHoc', 'kind', 'question', 'name', 'table', 'mode', 'tables', 'predictionId', 'teamId', 'message', 'step', 'steps'];
const PREDICT_SLIDE = { h: 1, v: 0, f: -1 };

const value: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.integer({ min: -2, max: 12 }),
  fc.constantFrom('', 'ZZZZZZ', 'predict-0000000000', 'table-1', 'table-2', 'team-1', 'single', 'tables', 'next(g)', '__proto__', 'x'.repeat(300)),
  fc.uint8Array({ minLength: 0, maxLength: 64 }),
);
/** Payloads that pass each event's schema, so the suite also reaches the role checks and the domain behind them. */
const WELL_FORMED: unknown[] = [
  {},
  { h: 1, v: 0, f: -1 },
  { h: 0, v: 0, f: 0 },
  { code: 'ZZZZZZ' },
  { pollId: 'poll-0000000000' },
  { pollId: 'poll-0000000000', seconds: 30 },
  { pollId: 'poll-0000000000', round: 1, choice: { option: 0 } },
  { adHoc: { kind: 'text', question: 'Why?' } },
  { adHoc: { kind: 'numeric', question: 'How many?' } },
  { name: 'Ada' },
  { table: 1 },
  { table: 2 },
  { mode: 'auto' },
  { mode: 'tables', tables: 3 },
  { predictionId: 'predict-0000000000' },
  { predictionId: 'predict-0000000000', step: 0 },
  { predictionId: 'predict-0000000000', steps: ['next(g)'] },
  { predictionId: 'predict-0000000000', message: new Uint8Array([0, 0]) },
  { predictionId: 'predict-0000000000', teamId: 'table-2', message: new Uint8Array([0, 1, 0]) },
  { code: 'ZZZZZZ', token: 'x'.repeat(22) },
];
const payload: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 5 }),
  fc.uint8Array({ maxLength: 32 }),
  { weight: 3, arbitrary: fc.constantFrom(...WELL_FORMED) },
);
const event = fc.record({ name: fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...EVENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) }), payload, acked: fc.boolean() });
type RandomEvent = { name: string; payload: unknown; acked: boolean };

/** Binary anywhere in a payload: the guarded parser closes the connection unless it is a team-sheet message. */
const carriesBinary = (v: unknown, depth = 0): boolean =>
  v instanceof Uint8Array || (depth < 5 && typeof v === 'object' && v !== null && Object.values(v).some((x) => carriesBinary(x, depth + 1)));

function wellFormed(ack: unknown): boolean {
  if (typeof ack !== 'object' || ack === null) return false;
  const a = ack as { ok?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } };
  if (a.ok === true) return 'data' in a && Object.keys(a).length === 2;
  return a.ok === false && ERROR_CODES.includes(a.error?.code as never) && typeof a.error?.message === 'string' && Object.keys(a).length === 2;
}

let server: RunningServer;
let dataDir: string;
let store: Store;
let room: { code: string; presenterSecret: string };
let predictionId: string;

beforeAll(async () => {
  dataDir = tempDataDir();
  server = await startServer(dataDir, { limits: { eventBurst: 1e9, eventsPerSecond: 1e9 } }, PREDICT_DECKS);
  store = openSqliteStore(dataDir);
  room = await createRoom(server, 'team');
}, 60_000);
afterAll(async () => {
  await store.close();
  await server.close();
});

/** A seat in the room that comes back when the server closes it (as a phone would reconnect). */
function seat(connectAs: () => Promise<Client>) {
  const connectWatched = async () => {
    const socket = await connectAs();
    return { socket, closed: new Promise<'closed'>((resolve) => socket.once('disconnect', () => resolve('closed'))) };
  };
  let current = connectWatched();
  return {
    /**
     * Sends one event; resolves with its ack, `undefined` when none is due (not asked for, or an
     * event the server does not know, which it ignores), or 'closed' if the server closed the connection.
     */
    async send({ name, payload, acked }: RandomEvent): Promise<unknown> {
      if (!(await current).socket.connected) current = connectWatched();
      const { socket, closed } = await current;
      const emit = socket.emit.bind(socket) as (...args: unknown[]) => void;
      if (!acked || !EVENTS.includes(name)) {
        emit(name, payload);
        // A round trip after it, so its effects (or the closed connection) are in before the next check.
        return Promise.race([closed, request(socket, 'room:snapshot', {}).then(() => undefined)]);
      }
      return Promise.race([closed, new Promise((resolve) => emit(name, payload, resolve))]);
    },
    close: async () => (await current).socket.disconnect(),
  };
}

describe('malformed events from every role', () => {
  it('never crash the server, always get a well-formed ack, and leave the room consistent', async () => {
    const presenter = seat(async () => {
      const s = await connectClient(server);
      await join(s, room.code, room.presenterSecret);
      return s;
    });
    // Two tables, one student at each; the fuzzing student must never touch the other table's sheet.
    await presenter.send({ name: 'teams:configure', payload: { mode: 'tables', tables: 2 }, acked: true });
    const fuzzing = await student(server, room.code);
    const other = await student(server, room.code);
    await request(fuzzing.socket, 'team:pick', { table: 1 });
    await request(other.socket, 'team:pick', { table: 2 });
    await presenter.send({ name: 'slide:set', payload: PREDICT_SLIDE, acked: true });
    const snap = await request<RoomSnapshot>(other.socket, 'room:snapshot', {});
    if (!snap.ok || !snap.data.prediction) throw new Error('no prediction on screen');
    predictionId = snap.data.prediction.id;
    const sheet = new SheetClient(predictionId);
    await sheet.open(other.socket);
    sheet.type(0, 0, 'kept');
    await Promise.all(sheet.acks);
    const otherSheet = await store.getSheet(room.code, predictionId, 'table-2');
    const before = await request<RoomSnapshot>(other.socket, 'room:snapshot', {});

    const seats = {
      anonymous: seat(() => connectClient(server)),
      student: seat(async () => (await student(server, room.code, fuzzing.cookie)).socket),
    };
    let sent = 0;
    /** 1,000 random events from one seat: each answered well-formed, or closed only for binary. */
    const fuzz = (who: ReturnType<typeof seat>, seed: number) =>
      fc.assert(
        fc.asyncProperty(event, async (e) => {
          sent += 1;
          const ack = await who.send(e);
          if (ack === 'closed') return carriesBinary(e.payload);
          return ack === undefined || wellFormed(ack);
        }),
        { numRuns: 1000, seed },
      );
    await fuzz(seats.anonymous, 1);
    await fuzz(seats.student, 2);
    // Students and strangers moved nothing, and the other table's sheet is byte for byte as it was.
    const after = await request<RoomSnapshot>(other.socket, 'room:snapshot', {});
    expect(after.ok && before.ok && after.data.slide).toEqual(before.ok && before.data.slide);
    expect(Buffer.from((await store.getSheet(room.code, predictionId, 'table-2'))!.state).equals(Buffer.from(otherSheet!.state))).toBe(true);

    await fuzz(presenter, 3);
    expect(sent).toBeGreaterThanOrEqual(3000);

    // One position, within the deck; stored tallies equal stored ballots.
    const final = await request<RoomSnapshot>(other.socket, 'room:snapshot', {});
    if (!final.ok) throw new Error(final.error.code);
    const deck = await (await fetch(`${server.url}/api/rooms/${room.code}/deck`)).json() as { stacks: unknown[][] };
    expect(deck.stacks[final.data.slide.h]?.[final.data.slide.v]).toBeDefined();
    const report = (await (await fetch(`${server.url}/api/rooms/${room.code}/results.json`, { headers: { authorization: `Bearer ${room.presenterSecret}` } })).json()) as ResultsReport;
    for (const poll of report.polls) {
      const ballots = await store.listBallots(room.code, poll.id);
      for (const r of poll.rounds) expect(r.ballots).toBe(ballots.filter((b) => b.round === r.round).length);
    }
    for (const s of [...Object.values(seats), presenter]) await s.close();
    other.socket.disconnect();
    fuzzing.socket.disconnect();
  }, 240_000);

  it('survive raw engine.io and socket.io frames of any shape', async () => {
    const frames = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('4', '40', '41', '42', '43', '45', '46', '451-', '451-[', '42["room:join"', '42[{}]', '2', '3', '6', '1', '0{}', '40{"protocol":1}', '42/admin,["x"]'),
      fc.tuple(fc.constantFrom('42', '43', '451-', '40'), fc.json()).map(([a, b]) => a + b),
      fc.uint8Array({ maxLength: 200 }),
    );
    let ws: WebSocket | undefined;
    const open = async () => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
      await new Promise((resolve, reject) => {
        socket.once('message', resolve);
        socket.once('error', reject);
      });
      socket.send(`40${JSON.stringify({ protocol: PROTOCOL_VERSION })}`);
      return socket;
    };
    await fc.assert(
      fc.asyncProperty(frames, async (frame) => {
        if (!ws || ws.readyState !== WebSocket.OPEN) ws = await open();
        ws.send(frame);
        return true;
      }),
      { numRuns: 2000, seed: 42 },
    );
    ws?.close();
    // Still serving: health, and a fresh phone joins and gets a snapshot.
    expect(await (await fetch(`${server.url}/healthz`)).json()).toMatchObject({ ok: true });
    const phone = await connectClient(server);
    expect((await join(phone, room.code)).snapshot).toBeDefined();
    phone.disconnect();
  }, 120_000);
});
