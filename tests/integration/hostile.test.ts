import { spawn } from 'node:child_process';
import { join as joinPath } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from 'socket.io-client';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer, ServerOptions } from '../../server/app';
import { PROTOCOL_VERSION } from '../../server/protocol';
import type { PollState, ResultsReport, RoomSnapshot } from '../../server/protocol';
import { SheetClient } from '../support/sheet-client';
import type { Client } from '../support/server';
import { PREDICT_DECKS, connectClient, createRoom, join, nextEvent, request, startServer, student, tempDataDir } from '../support/server';

/** The defaults as the README's limits table states them: the tests pin the documented numbers, not whatever the config says. */
const DEFAULT_LIMITS = {
  eventBurst: 40,
  maxMessageBytes: 64 * 1024,
  connectionsPerAddress: 400,
  votersPerAddressPerMinute: 300,
  roomsPerAddressPerMinute: 10,
  joinGuessesPerAddressPerMinute: 30,
  numericBound: 1_000_000,
} as const;

let server: RunningServer;
const sockets: Client[] = [];
const keep = (s: Client) => (sockets.push(s), s);

async function serve(options: Partial<ServerOptions> = {}, decks?: string) {
  server = await startServer(tempDataDir(), options, decks);
  return server;
}
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await server?.close();
}, 30_000);

async function presentedRoom() {
  const room = await createRoom(server);
  const presenter = keep(await connectClient(server));
  await join(presenter, room.code, room.presenterSecret);
  return { ...room, presenter };
}

const disconnected = (socket: Client) => new Promise<string>((resolve) => socket.once('disconnect', resolve));

/** Emits `count` acked events at once; resolves with the acks that came back before the socket closed. */
function burst(socket: Client, count: number, event = 'room:snapshot', payload: unknown = {}) {
  const acks: unknown[] = [];
  for (let i = 0; i < count; i++) (socket.emit as (...a: unknown[]) => void)(event, payload, (ack: unknown) => acks.push(ack));
  return disconnected(socket).then(() => acks);
}

describe('floods end in a disconnect', () => {
  it(`serves the ${DEFAULT_LIMITS.eventBurst}th event of a burst and closes the socket at the next, unanswered`, async () => {
    // No refill during the test, so the burst is counted exactly.
    await serve({ limits: { eventsPerSecond: 0.001 } });
    const { code } = await presentedRoom();
    const flooder = keep(await connectClient(server));
    await join(flooder, code); // the first event
    const served = await Promise.all(Array.from({ length: DEFAULT_LIMITS.eventBurst - 1 }, () => request(flooder, 'room:snapshot', {})));
    expect(served.every((a) => a.ok)).toBe(true);
    const closed = disconnected(flooder);
    const unanswered = burst(flooder, 1);
    await closed;
    expect(await unanswered).toEqual([]);

    const calm = keep(await connectClient(server));
    await join(calm, code);
    for (let i = 1; i < DEFAULT_LIMITS.eventBurst; i++) expect(await request(calm, 'room:snapshot', {})).toMatchObject({ ok: true });
    expect(calm.connected).toBe(true);
  });

  it('charges events the server has no handler for, and events sent without an ack', async () => {
    await serve({ limits: { eventsPerSecond: 0.001 } });
    const socket = keep(await connectClient(server));
    const closed = disconnected(socket);
    for (let i = 0; i <= DEFAULT_LIMITS.eventBurst; i++) (socket.emit as (...a: unknown[]) => void)(i % 2 ? 'no:such-event' : 'room:snapshot', {});
    await closed;
  });

  it('disconnects four flooding sockets of another process while another student, never cut off, gets the slide moved mid-flood', async () => {
    await serve();
    const { code, presenter } = await presentedRoom();
    const honest = keep(await connectClient(server));
    await join(honest, code);
    const flooder = spawn(process.execPath, ['--import', 'tsx', joinPath(import.meta.dirname, '../support/flooder.ts'), server.url, code, '4'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: flooder.stdout! })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe('ready');
    flooder.stdin!.write('go\n');
    // The move goes out while the flood is under way: the flooder says so once its first volleys are sent.
    expect((await lines.next()).value).toBe('flooding');
    const slide = nextEvent(honest, 'room:state');
    expect(await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 })).toMatchObject({ ok: true });
    expect((await slide).slide).toMatchObject({ h: 1 });
    const report = JSON.parse((await lines.next()).value as string) as { acks: number[]; closed: number };
    // Each flooder was cut off within its burst: none of them was answered past it.
    expect(report.closed).toBe(4);
    for (const answered of report.acks) expect(answered).toBeLessThanOrEqual(DEFAULT_LIMITS.eventBurst);
    // Cut off within their bursts, the flooders cost the room at most 4 × 40 events: that bound, not a clock, keeps its pace.
    expect(honest.connected).toBe(true);
  });

  it(`accepts a 63 KB message and closes the connection on a 65 KB one (limit ${DEFAULT_LIMITS.maxMessageBytes / 1024} KB)`, async () => {
    await serve();
    const { code } = await presentedRoom();
    const socket = keep(await connectClient(server));
    await join(socket, code);
    // A valid envelope of 63 KB: refused by the schema (too long a name), but the connection stays.
    expect(await request(socket, 'team:rename', { name: 'x'.repeat(63 * 1024) })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(socket.connected).toBe(true);
    const closed = disconnected(socket);
    (socket.emit as (...a: unknown[]) => void)('team:rename', { name: 'x'.repeat(65 * 1024) }, () => undefined);
    await closed;
  });

  it('declines per-message compression on the websocket, though the client offers it (it costs memory per socket)', async () => {
    await serve();
    const raw = await rawSocket(server);
    expect(raw.extensions).toBe('');
    raw.close();
  });

  it('charges every connect packet after the first: a flood of namespace connects ends in a disconnect', async () => {
    await serve({ limits: { eventsPerSecond: 0.001 } });
    const raw = await rawSocket(server);
    const refusals: string[] = [];
    // Ends at the close, or at a refusal past the budget (a connect that went uncharged).
    const ended = new Promise<string>((resolve) => {
      raw.once('close', () => resolve('closed'));
      raw.on('message', (data) => {
        if (String(data).startsWith('44/elsewhere,') && refusals.push(String(data)) > DEFAULT_LIMITS.eventBurst) resolve('answered past the budget');
      });
    });
    // The server has no such namespace: each connect is refused, and counted against the burst.
    for (let i = 0; i <= DEFAULT_LIMITS.eventBurst; i++) raw.send('40/elsewhere,');
    expect(await ended).toBe('closed');
    expect(refusals).toHaveLength(DEFAULT_LIMITS.eventBurst);
  });

  it('refuses binary attachments on events that carry none, more than one on a sheet message, and binary acks', async () => {
    await serve();
    const { code } = await presentedRoom();
    const socket = keep(await connectClient(server));
    await join(socket, code);
    const closed = disconnected(socket);
    (socket.emit as (...a: unknown[]) => void)('room:snapshot', { blob: Buffer.alloc(10) }, () => undefined);
    await closed;

    const raw = await rawSocket(server);
    const rawClosed = new Promise((resolve) => raw.once('close', resolve));
    // A team-sheet header announcing two attachments, never sent: refused at once, not held.
    raw.send('452-["sheet:sync",{"predictionId":"predict-0000000000","message":{"_placeholder":true,"num":0}},{"_placeholder":true,"num":1}]');
    await rawClosed;

    // A binary ack: the server asks phones for no acks, so it carries nothing the server takes.
    const ackSocket = await rawSocket(server);
    const ackClosed = new Promise((resolve) => ackSocket.once('close', resolve));
    ackSocket.send('461-0[{"_placeholder":true,"num":0}]');
    await ackClosed;
  });

  it('closes the whole connection of a sender whose sheet message is refused, not only its session', async () => {
    await serve({}, PREDICT_DECKS);
    const room = await createRoom(server, 'team');
    const presenter = keep(await connectClient(server));
    await join(presenter, room.code, room.presenterSecret);
    await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 });
    const snapshot = await request<{ prediction: { id: string } }>(presenter, 'room:snapshot', {});
    if (!snapshot.ok) throw new Error(snapshot.error.code);
    // A hand-made client: socket.io's own closes its connection when its last session ends, this one would not.
    const raw = await rawSocket(server);
    const packets: string[] = [];
    raw.on('message', (data) => packets.push(String(data)));
    const closed = new Promise((resolve) => raw.once('close', resolve));
    raw.send(`420["room:join",${JSON.stringify({ code: room.code, presenterSecret: room.presenterSecret })}]`);
    await expect.poll(() => packets.some((p) => p.startsWith('430[{"ok":true'))).toBe(true);
    // A sync step 1 whose state vector claims 5 bytes and has 1: the sheet worker cannot decode it.
    raw.send(`451-1["sheet:sync",${JSON.stringify({ predictionId: snapshot.data.prediction.id, teamId: 'team-1', message: { _placeholder: true, num: 0 } })}]`);
    raw.send(Buffer.from([0, 5, 1]));
    await closed;
    expect(packets.find((p) => p.startsWith('431'))).toMatch(/^431\[\{"ok":false,"error":\{"code":"UPDATE_REFUSED"/);
  });
});

/** A raw engine.io websocket speaking socket.io by hand, connected to the main namespace. */
async function rawSocket(target: RunningServer, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${target.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers });
  await new Promise((resolve, reject) => {
    ws.once('message', resolve); // engine.io open packet
    ws.once('error', reject);
  });
  // Answers the server's pings as socket.io's client does: the connection closes only when the server closes it.
  ws.on('message', (data) => String(data) === '2' && ws.send('3'));
  const connected = new Promise((resolve) => ws.once('message', resolve));
  ws.send(`40${JSON.stringify({ protocol: PROTOCOL_VERSION })}`);
  await connected;
  return ws;
}

describe('team-sheet traffic has its own byte budget', () => {
  it('closes a phone whose sheet messages run past the byte budget; the same typing under it goes through', async () => {
    // The event budget is lifted, so only the byte budget can close the connection.
    await serve({ limits: { sheetBytesBurst: 2048, sheetBytesPerSecond: 0.001, eventBurst: 1e6 } }, PREDICT_DECKS);
    const { code, presenterSecret } = await createRoom(server, 'team');
    const presenter = keep(await connectClient(server));
    await join(presenter, code, presenterSecret);
    await request(presenter, 'teams:configure', { mode: 'tables', tables: 2 });
    const phone = keep((await student(server, code)).socket);
    await request(phone, 'team:pick', { table: 1 });
    await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 });
    const snap = await request<RoomSnapshot>(phone, 'room:snapshot', {});
    if (!snap.ok || !snap.data.prediction) throw new Error('no prediction');
    const sheet = new SheetClient(snap.data.prediction.id);
    await sheet.open(phone);
    // A few keystrokes fit the budget...
    for (const ch of 'next') sheet.type(0, sheet.value(0).length, ch);
    expect((await Promise.all(sheet.acks)).every((a) => (a as { ok: boolean }).ok)).toBe(true);
    // ...a paste-bomb of edits does not.
    const closed = disconnected(phone);
    for (let i = 0; i < 150; i++) sheet.type(0, 0, 'x');
    await closed;
  });
});

describe('one address, bounded', () => {
  it('caps a 2,000-socket flood from one address at the configured number of connections', async () => {
    await serve();
    await presentedRoom();
    const attempts = await Promise.allSettled(
      Array.from({ length: 2000 }, () => {
        const socket = connect(server.url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION }, reconnection: false, forceNew: true });
        sockets.push(socket);
        return new Promise<Client>((resolve, reject) => {
          socket.once('connect', () => resolve(socket));
          socket.once('connect_error', reject);
        });
      }),
    );
    const open = attempts.filter((a) => a.status === 'fulfilled').length;
    // The presenter's socket is one of the address's connections too.
    expect(open).toBe(DEFAULT_LIMITS.connectionsPerAddress - 1);
  }, 60_000);

  it('gives an address its connections back as they close', async () => {
    await serve({ limits: { connectionsPerAddress: 2 } });
    const first = keep(await connectClient(server));
    keep(await connectClient(server));
    await expect(connectClient(server)).rejects.toThrow();
    first.disconnect();
    // The server counts the close when it sees it: the next connection is let in from then on.
    await expect.poll(() => connectClient(server).then((s) => (keep(s), true), () => false)).toBe(true);
    await expect(connectClient(server)).rejects.toThrow();
  });

  it(`mints at most ${DEFAULT_LIMITS.votersPerAddressPerMinute} voter ids per address per minute; a phone without one follows but cannot vote`, async () => {
    await serve();
    const { code, presenter } = await presentedRoom();
    const minted = new Set<string>();
    for (let i = 0; i < DEFAULT_LIMITS.votersPerAddressPerMinute + 5; i++) {
      const cookie = (await fetch(`${server.url}/api/rooms/${code}/deck`)).headers.get('set-cookie');
      if (cookie) minted.add(cookie.split(';')[0]!);
    }
    expect(minted.size).toBe(DEFAULT_LIMITS.votersPerAddressPerMinute);
    const opened = await request<PollState>(presenter, 'poll:open', { adHoc: { kind: 'single', question: 'Which?', options: ['a', 'b'] } });
    if (!opened.ok) throw new Error(opened.error.code);
    const anonymous = keep(await connectClient(server));
    await join(anonymous, code);
    expect(await request(anonymous, 'poll:vote', { pollId: opened.data.id, round: 1, choice: { option: 0 } })).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    const closed = await request<PollState>(presenter, 'poll:close', { pollId: opened.data.id });
    expect(closed.ok && closed.data.results?.[0]?.ballots).toBe(0);
  });

  it(`lets one address create ${DEFAULT_LIMITS.roomsPerAddressPerMinute} rooms a minute, then answers 429 RATE_LIMITED`, async () => {
    await serve();
    for (let i = 0; i < DEFAULT_LIMITS.roomsPerAddressPerMinute; i++) await createRoom(server);
    const refused = await fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deckId: 'demo' }) });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
  });

  it(`answers ${DEFAULT_LIMITS.joinGuessesPerAddressPerMinute} wrong join codes with NOT_FOUND, then refuses every join from that address for a while`, async () => {
    await serve();
    const { code } = await presentedRoom();
    const guesser = keep(await connectClient(server));
    for (let i = 0; i < DEFAULT_LIMITS.joinGuessesPerAddressPerMinute; i++) {
      expect(await request(guesser, 'room:join', { code: `ZZZZ${'23456789ABCDEFGHJKMNPQRSTUVWXYZ'[i]}Z` })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    }
    const blocked = await request(guesser, 'room:join', { code: 'ZZZZZZ' });
    // Blocked for a minute: the wait it names is that minute, in seconds.
    expect(blocked).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', message: expect.stringMatching(/try again in (5\d|60) s\./) } });
    // Even the right code waits out the block, over the socket and over HTTP.
    expect(await request(guesser, 'room:join', { code })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect((await fetch(`${server.url}/api/rooms/${code}`)).status).toBe(429);
  });

  it('refuses a student past the room size with ROOM_FULL; the presenter still gets in', async () => {
    await serve({ limits: { roomSize: 2 } });
    const { code, presenterSecret } = await presentedRoom();
    const inside = [];
    for (let i = 0; i < 2; i++) inside.push(keep(await connectClient(server)));
    for (const s of inside) await join(s, code);
    expect(await request(keep(await connectClient(server)), 'room:join', { code })).toMatchObject({ ok: false, error: { code: 'ROOM_FULL' } });
    await join(keep(await connectClient(server)), code, presenterSecret);
    // A phone already in the room joins again (as it does after a reconnect): it is counted already.
    expect(await join(inside[0]!, code)).toMatchObject({ role: 'student', snapshot: { audience: 2 } });
  });

  it('closes the connection of a socket that has not joined a room within the pre-auth time, and keeps one that has', async () => {
    await serve({ limits: { preAuthTimeoutMs: 300 } });
    const { code } = await presentedRoom();
    const joined = keep(await connectClient(server));
    await join(joined, code);
    const idle = keep(await connectClient(server));
    // The connection itself closes, not only the socket.io session on it.
    const raw = await rawSocket(server);
    const rawClosed = new Promise((resolve) => raw.once('close', resolve));
    await disconnected(idle);
    await rawClosed;
    expect(joined.connected).toBe(true);
  });
});

describe('a poll that counts', () => {
  it('takes a ballot only from a student who gave a name, within the deck’s min and max, and exports who answered what', async () => {
    await serve();
    const { code, presenterSecret } = await createRoom(server, 'graded');
    const presenter = keep(await connectClient(server));
    await join(presenter, code, presenterSecret);
    await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 });
    const snap = await request<{ poll: PollState }>(presenter, 'room:snapshot', {});
    if (!snap.ok) throw new Error(snap.error.code);
    const pollId = snap.data.poll.id;
    const ada = keep((await student(server, code)).socket);
    const vote = (value: number) => request(ada, 'poll:vote', { pollId, round: 1, choice: { value } });
    expect(await vote(3)).toMatchObject({ ok: false, error: { code: 'NAME_REQUIRED' } });
    expect(await request(ada, 'team:rename', { name: 'Ada Lovelace' })).toMatchObject({ ok: true });
    expect(await vote(11)).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', message: 'answer with a number from 0 to 10' } });
    expect(await vote(3)).toMatchObject({ ok: true });
    const report = (await (await fetch(`${server.url}/api/rooms/${code}/results.json`, { headers: { authorization: `Bearer ${presenterSecret}` } })).json()) as ResultsReport;
    expect(report.polls[0]!.named).toEqual([{ round: 1, name: 'Ada Lovelace', answer: '3' }]);
  });
});

describe('the clicker pairing link', () => {
  it('lives 30 s, works once, and tells the speaker view the moment it is used', async () => {
    const now = Date.now();
    await serve({ now: () => now });
    const { code, presenter } = await presentedRoom();
    const pair = await request<{ url: string; expiresAt: number }>(presenter, 'presenter:pair', {});
    if (!pair.ok) throw new Error(pair.error.code);
    expect(pair.data.expiresAt - now).toBe(30_000);
    const token = /#pair=([\w-]+)$/.exec(pair.data.url)![1]!;
    const paired = nextEvent(presenter, 'presenter:paired');
    expect(await request(keep(await connectClient(server)), 'presenter:redeem', { code, token })).toMatchObject({ ok: true });
    await paired;
    expect(await request(keep(await connectClient(server)), 'presenter:redeem', { code, token })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('origins and headers', () => {
  it('refuses a socket from another site’s page, accepts its own origin, PUBLIC_URL’s and ALLOWED_ORIGINS', async () => {
    // ALLOWED_ORIGINS takes whole origins or bare hosts.
    await serve({ publicUrl: 'https://class.example.org', allowedOrigins: ['http://lecture.lan:3000', 'projector.lan'] });
    const withOrigin = (origin: string) =>
      new Promise<boolean>((resolve) => {
        const socket = connect(server.url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION }, reconnection: false, forceNew: true, extraHeaders: { origin } });
        sockets.push(socket);
        socket.once('connect', () => resolve(true));
        socket.once('connect_error', () => resolve(false));
      });
    expect(await withOrigin('https://evil.example.com')).toBe(false);
    expect(await withOrigin(`http://127.0.0.1:${server.port}`)).toBe(true);
    expect(await withOrigin('https://class.example.org')).toBe(true);
    expect(await withOrigin('http://lecture.lan:3000')).toBe(true);
    expect(await withOrigin('https://projector.lan')).toBe(true);
    expect(await withOrigin('http://lecture.lan:3001')).toBe(false);
    expect(await withOrigin('not a url')).toBe(false);
    expect(await withOrigin('null')).toBe(false);
  });

  it('sends a CSP with frame-ancestors, a Referrer-Policy and nosniff with every answer', async () => {
    await serve();
    for (const path of ['/healthz', '/api/decks', '/r/ZZZZZZ']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('polls keep what was said, and only what fits', () => {
  it('refuses a numeric answer outside the bounds and leaves the tally as it was', async () => {
    await serve();
    const { code, presenter } = await presentedRoom();
    const opened = await request<PollState>(presenter, 'poll:open', { adHoc: { kind: 'numeric', question: 'How many?' } });
    if (!opened.ok) throw new Error(opened.error.code);
    const honest = keep((await student(server, code)).socket);
    const skewer = keep((await student(server, code)).socket);
    expect(await request(honest, 'poll:vote', { pollId: opened.data.id, round: 1, choice: { value: 4 } })).toMatchObject({ ok: true });
    expect(await request(skewer, 'poll:vote', { pollId: opened.data.id, round: 1, choice: { value: DEFAULT_LIMITS.numericBound + 1 } })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    const closed = await request<PollState>(presenter, 'poll:close', { pollId: opened.data.id });
    expect(closed.ok && closed.data.results?.[0]).toMatchObject({ ballots: 1, median: 4 });
  });

  it('keeps every text answer in the export when junk floods the cloud; the tally says how many more there are', async () => {
    await serve();
    const { code, presenter, presenterSecret } = await presentedRoom();
    const opened = await request<PollState>(presenter, 'poll:open', { adHoc: { kind: 'text', question: 'One word?' } });
    if (!opened.ok) throw new Error(opened.error.code);
    const voters = await Promise.all(Array.from({ length: 45 }, () => student(server, code)));
    for (const v of voters) keep(v.socket);
    await Promise.all(voters.map((v, i) => request(v.socket, 'poll:vote', { pollId: opened.data.id, round: 1, choice: { text: i < 3 ? 'junk' : `answer ${i}` } })));
    const closed = await request<PollState>(presenter, 'poll:close', { pollId: opened.data.id });
    expect(closed.ok && closed.data.results?.[0]).toMatchObject({ kind: 'text', ballots: 45, more: 43 - 40 });
    const report = (await (await fetch(`${server.url}/api/rooms/${code}/results.json`, { headers: { authorization: `Bearer ${presenterSecret}` } })).json()) as ResultsReport;
    expect(report.polls[0]!.rounds[0]!.answers).toHaveLength(43);
    const csv = await (await fetch(`${server.url}/api/rooms/${code}/results.csv`, { headers: { authorization: `Bearer ${presenterSecret}` } })).text();
    for (let i = 3; i < 45; i++) expect(csv).toContain(`,answer ${i},`);
  });
});
