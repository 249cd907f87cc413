/**
 * The floor: bare socket.io with the real server's engine options (server/realtime/io.ts),
 * speaking just enough of the protocol for the benchmark's scenarios and nothing else: no
 * validation, no store, no guard. `POST /api/rooms` and `GET /api/rooms/CODE/deck` (a voter
 * cookie), then `room:join`, `room:snapshot`, `slide:set` → `room:state` to the room, and
 * `poll:vote` on one 3-option poll with the presenter's tally coalesced to one per 100 ms as
 * yieldroom does (server/polls/tallies.ts). Votes are counted in memory: what yieldroom's
 * "acked means stored" costs over this is part of what the ratio shows. For the prediction round:
 * students in teams of 4 by join order, and `sheet:sync` relayed as it came to the rest of the
 * team (no Yjs decode, no size or shape check, no store), a sheet's first sync answered with one
 * blank sheet of the same shape as yieldroom's.
 * Runs as a bench child (child-side.ts); started by tests/bench/child.ts.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as EngineServer } from 'engine.io';
import { Server } from 'socket.io';
import { DEFAULT_LIMITS } from '../../server/config';
import type { RoundTally, SlidePosition } from '../../server/protocol';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { serveBenchChild } from './child-side';

const SOCKET_PATH = '/socket.io/';
const VOTER_COOKIE = 'floor_voter';
const POLL = { id: 'floor-poll', question: 'Floor', kind: 'single' as const, options: ['a', 'b', 'c'], round: 1 };

type Room = {
  code: string;
  presenterSecret: string;
  version: number;
  slide: SlidePosition;
  startedAt: number;
  ballots: Map<string, number>;
  counts: number[];
  tallyTimer: NodeJS.Timeout | undefined;
  tallySentAt: number;
};
const rooms = new Map<string, Room & { students: number }>();
const PREDICTION = { id: 'floor-prediction', steps: 3 };
/** Every team's sheet starts as this step 2: the rows of a 3-step sheet, as server/sheets/sheet-worker.mjs makes them. */
const BLANK_SHEET = (() => {
  const doc = new Y.Doc();
  const rows = doc.getArray<Y.Map<unknown>>('rows');
  for (let i = 0; i < PREDICTION.steps; i++) {
    const row = new Y.Map<unknown>();
    rows.push([row]);
    row.set('kind', '');
    row.set('value', new Y.Text());
    row.set('prints', new Y.Text());
  }
  const e = encoding.createEncoder();
  syncProtocol.writeSyncStep2(e, doc);
  return encoding.toUint8Array(e);
})();
const presentersOf = (code: string) => `${code}:presenters`;

const httpServer = createServer((req, res) => {
  if (req.url?.startsWith(SOCKET_PATH)) return engine.handleRequest(req as never, res);
  if (req.method === 'POST' && req.url === '/api/rooms') {
    req.resume();
    const code = randomBytes(3).toString('hex').toUpperCase();
    rooms.set(code, { code, presenterSecret: randomBytes(16).toString('hex'), version: 1, slide: { h: 0, v: 0, f: -1 }, startedAt: Date.now(), ballots: new Map(), counts: POLL.options.map(() => 0), tallyTimer: undefined, tallySentAt: 0, students: 0 });
    res.writeHead(201, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ code, presenterSecret: rooms.get(code)!.presenterSecret, joinUrl: `/r/${code}` }));
  }
  if (req.method === 'GET' && /^\/api\/rooms\/\w+\/deck$/.test(req.url ?? '')) {
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `${VOTER_COOKIE}=${randomBytes(12).toString('hex')}; Path=/; HttpOnly` });
    return void res.end('{}');
  }
  res.writeHead(404).end();
});
httpServer.on('upgrade', (req, socket, head) => {
  if (req.url?.startsWith(SOCKET_PATH)) return engine.handleUpgrade(req as never, socket, head);
  socket.destroy();
});

const io = new Server({ serveClient: false, connectTimeout: DEFAULT_LIMITS.preAuthTimeoutMs });
const engine = new EngineServer({ maxHttpBufferSize: DEFAULT_LIMITS.maxMessageBytes, perMessageDeflate: false, httpCompression: false, pingInterval: 10_000, pingTimeout: 5_000 });
io.bind(engine);

const results = (room: Room): RoundTally[] => [{ round: 1, ballots: room.ballots.size, kind: 'single', counts: [...room.counts] }];
const snapshot = (room: Room, presenter: boolean, teamId?: string) => ({
  code: room.code,
  deckId: 'floor',
  version: room.version,
  slide: room.slide,
  audience: io.sockets.adapter.rooms.get(room.code)?.size ?? 0,
  startedAt: room.startedAt,
  poll: { ...POLL, status: 'open', revealed: false, revote: true, ...(presenter ? { results: results(room) } : {}) },
  myVote: null,
  prediction: { id: PREDICTION.id },
  team: teamId ? { team: { id: teamId } } : null,
});

/** At most one tally per interval, sent at once when due, else by a timer (as server/polls/tallies.ts). */
function tallyChanged(room: Room) {
  const send = () => {
    room.tallyTimer = undefined;
    room.tallySentAt = Date.now();
    io.to(presentersOf(room.code)).emit('poll:tally', { pollId: POLL.id, audience: io.sockets.adapter.rooms.get(room.code)?.size ?? 0, results: results(room) });
  };
  const wait = room.tallySentAt + DEFAULT_LIMITS.tallyIntervalMs - Date.now();
  if (wait <= 0) {
    clearTimeout(room.tallyTimer);
    return send();
  }
  room.tallyTimer ??= setTimeout(send, wait);
}

type Reply = (res: unknown) => void;
const refuse = (ack: Reply, code: string) => ack({ ok: false, error: { code, message: code } });

io.on('connection', (socket) => {
  const voter = /(?:^|;\s*)floor_voter=(\w+)/.exec(socket.handshake.headers.cookie ?? '')?.[1] ?? socket.id;
  let room: (Room & { students: number }) | undefined;
  let presenter = false;
  let teamId: string | undefined;
  socket.on('room:join', (input: { code: string; presenterSecret?: string }, ack: Reply) => {
    room = rooms.get(input.code);
    if (!room) return refuse(ack, 'ROOM_NOT_FOUND');
    presenter = input.presenterSecret === room.presenterSecret;
    if (!presenter) teamId = `${room.code}:team-${Math.floor(room.students++ / 4)}`;
    void socket.join(presenter ? [room.code, presentersOf(room.code)] : [room.code, teamId!]);
    ack({ ok: true, data: { role: presenter ? 'presenter' : 'student', snapshot: snapshot(room, presenter, teamId) } });
  });
  socket.on('room:snapshot', (_input: unknown, ack: Reply) => (room ? ack({ ok: true, data: snapshot(room, presenter, teamId) }) : refuse(ack, 'NOT_JOINED')));
  socket.on('sheet:sync', (input: { predictionId: string; message: Buffer }, ack: Reply) => {
    if (!room || !teamId) return refuse(ack, 'FORBIDDEN');
    // y-protocols: 0 is a sync step 1 (a phone opening its sheet), anything else an edit to relay.
    if (input.message[0] === 0) return ack({ ok: true, data: { messages: [BLANK_SHEET], awareness: null } });
    socket.to(teamId).emit('sheet:sync', { predictionId: input.predictionId, teamId, message: input.message });
    ack({ ok: true, data: { messages: [], awareness: null } });
  });
  socket.on('slide:set', (slide: SlidePosition, ack: Reply) => {
    if (!room || !presenter) return refuse(ack, 'FORBIDDEN');
    room.slide = slide;
    room.version++;
    io.to(room.code).emit('room:state', { version: room.version, slide });
    ack({ ok: true, data: { version: room.version } });
  });
  socket.on('poll:vote', (input: { pollId: string; round: number; choice: { option: number } }, ack: Reply) => {
    const option = input.choice.option;
    if (!room || presenter) return refuse(ack, 'FORBIDDEN');
    if (!(option >= 0 && option < POLL.options.length)) return refuse(ack, 'BAD_REQUEST');
    const previous = room.ballots.get(voter);
    if (previous !== undefined) room.counts[previous]!--;
    room.ballots.set(voter, option);
    room.counts[option]!++;
    ack({ ok: true, data: { pollId: POLL.id, round: POLL.round, choice: { option } } });
    tallyChanged(room);
  });
});

await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));

serveBenchChild({
  port: (httpServer.address() as AddressInfo).port,
  sockets: () => engine.clientsCount,
  close: () =>
    new Promise<void>((resolve) => {
      for (const room of rooms.values()) clearTimeout(room.tallyTimer);
      void io.close(() => resolve());
      httpServer.close();
      httpServer.closeAllConnections();
    }),
});
