import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/app';
import { PROTOCOL_VERSION } from '../../server/protocol';
import { DEFAULT_LIMITS } from '../../server/config';
import { openSqliteStore } from '../../server/store/sqlite';
import type { Client } from '../support/server';
import { overhear } from '../support/broadcasts';
import { connectClient, createRoom, join, nextEvent, request, startServer, tempDataDir } from '../support/server';

let dataDir: string;
let server: RunningServer;
const clients: Client[] = [];
const client = async (auth?: Record<string, unknown>) => {
  const c = await connectClient(server, auth);
  clients.push(c);
  return c;
};

beforeEach(async () => {
  dataDir = tempDataDir();
  server = await startServer(dataDir);
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.disconnect();
  await server.close();
});

async function roomWithPresenter() {
  const room = await createRoom(server);
  const presenter = await client();
  const joined = await join(presenter, room.code, room.presenterSecret);
  expect(joined.role).toBe('presenter');
  return { ...room, presenter };
}

describe('following the presenter', () => {
  it('fans a move out to every student, slide and fragment, with the next version', async () => {
    const { code, presenter } = await roomWithPresenter();
    const students = await Promise.all([client(), client(), client()]);
    for (const s of students) expect((await join(s, code)).role).toBe('student');

    const received = students.map((s) => nextEvent(s, 'room:state'));
    const ack = await request(presenter, 'slide:set', { h: 1, v: 0, f: 0 });
    expect(ack).toEqual({ ok: true, data: { version: 1 } });
    for (const msg of await Promise.all(received)) expect(msg).toEqual({ version: 1, slide: { h: 1, v: 0, f: 0 } });
  });

  it('sends a move between plain slides as the slide alone: no poll or prediction news', async () => {
    const { code, presenter } = await roomWithPresenter();
    const student = await client();
    await join(student, code);
    const room = overhear([student, presenter]);
    expect(await request(presenter, 'slide:set', { h: 2, v: 0, f: -1 })).toEqual({ ok: true, data: { version: 1 } });
    await room.expectOnlyMarker(presenter, 7, [['room:state', { version: 1, slide: { h: 2, v: 0, f: -1 } }]]);
  });

  it('gives a late joiner the current slide and fragment at once', async () => {
    const { code, presenter } = await roomWithPresenter();
    await request(presenter, 'slide:set', { h: 2, v: 0, f: 1 });
    const late = await client();
    const { snapshot } = await join(late, code);
    expect(snapshot).toMatchObject({ version: 1, slide: { h: 2, v: 0, f: 1 } });
  });

  it('does not bump the version or broadcast when the presenter stays put', async () => {
    const { code, presenter } = await roomWithPresenter();
    const student = await client();
    await join(student, code);
    const moved = [nextEvent(student, 'room:state'), nextEvent(presenter, 'room:state')];
    await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 });
    await Promise.all(moved);
    const room = overhear([student, presenter]);
    expect(await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 })).toEqual({ ok: true, data: { version: 1 } });
    await room.expectOnlyMarker(presenter);
    expect((await join(await client(), code)).snapshot.version).toBe(1);
  });

  it('serialises simultaneous moves: each gets its own version and the last one wins', async () => {
    const { code, presenter } = await roomWithPresenter();
    const moves = [{ h: 1, v: 0, f: -1 }, { h: 1, v: 1, f: -1 }, { h: 2, v: 0, f: -1 }, { h: 3, v: 0, f: -1 }];
    const acks = await Promise.all(moves.map((m) => request<{ version: number }>(presenter, 'slide:set', m)));
    expect(acks.map((a) => (a.ok ? a.data.version : -1))).toEqual([1, 2, 3, 4]);
    const check = await client();
    expect((await join(check, code)).snapshot.slide).toEqual({ h: 3, v: 0, f: -1 });
  });

  it('lands quick presses in the order pressed, across slides that open and close a poll', async () => {
    const { code, presenter } = await roomWithPresenter();
    const moves = [4, 3, 4, 0, 4, 2, 4, 1, 4, 3].map((h) => ({ h, v: 0, f: -1 }));
    const acks = await Promise.all(moves.map((m) => request<{ version: number }>(presenter, 'slide:set', m)));
    const versions = acks.map((a) => (a.ok ? a.data.version : -1));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(moves.length);
    const check = await client();
    expect((await join(check, code)).snapshot.slide).toEqual({ h: 3, v: 0, f: -1 });
  });

  it('tells the presenter how many students joined and left', async () => {
    const { code, presenter } = await roomWithPresenter();
    const counts: number[] = [];
    presenter.on('room:audience', (m) => counts.push(m.audience));
    const students = await Promise.all([client(), client(), client()]);
    for (const s of students) await join(s, code);
    await expect.poll(() => counts.at(-1)).toBe(3);
    students[0]!.disconnect();
    await expect.poll(() => counts.at(-1)).toBe(2);
    // Coalesced: three joins did not cost three broadcasts each to everyone.
    expect(counts.length).toBeLessThanOrEqual(3);
  });

  it('counts students only: a presenter device that moves to another room leaves the count as it was', async () => {
    const [a, b] = [await roomWithPresenter(), await roomWithPresenter()];
    for (const s of [await client(), await client()]) await join(s, a.code);
    const laptop = await client();
    await join(laptop, a.code, a.presenterSecret);
    await join(laptop, b.code, b.presenterSecret);
    const snapshot = await request<{ audience: number }>(a.presenter, 'room:snapshot', {});
    expect(snapshot.ok && snapshot.data.audience).toBe(2);
  });

  it('tells one room’s presenters nothing of another room: neither its audience nor its pairing', async () => {
    const [a, b] = [await roomWithPresenter(), await roomWithPresenter()];
    const countsA: number[] = [];
    const countsB: number[] = [];
    a.presenter.on('room:audience', (m) => countsA.push(m.audience));
    b.presenter.on('room:audience', (m) => countsB.push(m.audience));
    const listenerB = overhear([b.presenter]);
    for (const s of [await client(), await client()]) await join(s, a.code);
    await expect.poll(() => countsA.at(-1)).toBe(2);
    const pair = await request<{ url: string }>(a.presenter, 'presenter:pair', {});
    if (!pair.ok) throw new Error(pair.error.code);
    const paired = nextEvent(a.presenter, 'presenter:paired');
    expect(await request(await client(), 'presenter:redeem', { code: a.code, token: /#pair=([\w-]+)$/.exec(pair.data.url)![1]! })).toMatchObject({ ok: true });
    await paired;
    // B's presenter hears its own room only: a broadcast of A's sent before would have arrived first.
    await join(await client(), b.code);
    await expect.poll(() => countsB).toEqual([1]);
    await listenerB.expectOnlyMarker(b.presenter);
  });
});

describe('who may drive', () => {
  it('refuses a student move with FORBIDDEN and broadcasts nothing', async () => {
    const { code, presenter } = await roomWithPresenter();
    const [student, watcher] = [await client(), await client()];
    await join(student, code);
    await join(watcher, code);
    const seen: unknown[] = [];
    watcher.on('room:state', (m) => seen.push(m));

    const refused = await request(student, 'slide:set', { h: 1, v: 0, f: -1 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // Broadcasts arrive in order: the first one the watcher sees is the presenter's, version 1.
    const next = nextEvent(watcher, 'room:state');
    await request(presenter, 'slide:set', { h: 3, v: 0, f: -1 });
    expect(await next).toEqual({ version: 1, slide: { h: 3, v: 0, f: -1 } });
    expect(seen).toHaveLength(1);
  });

  it('refuses a forged presenter secret, and a secret from another room', async () => {
    const { code } = await roomWithPresenter();
    const other = await createRoom(server);
    const forger = await client();
    expect(await request(forger, 'room:join', { code, presenterSecret: 'A'.repeat(32) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(forger, 'room:join', { code, presenterSecret: other.presenterSecret })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(forger, 'slide:set', { h: 1, v: 0, f: -1 })).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
  });

  it('serves speaker notes only against the presenter key, never in the public deck', async () => {
    const { code, presenterSecret } = await roomWithPresenter();
    const publicDeck = await (await fetch(`${server.url}/api/rooms/${code}/deck`)).text();
    expect(publicDeck).toContain('Fragments');
    expect(publicDeck).not.toContain('Say hello');
    expect(publicDeck).not.toContain('notes');
    expect((await fetch(`${server.url}/api/rooms/${code}/speaker-deck`)).status).toBe(403);
    const forged = await fetch(`${server.url}/api/rooms/${code}/speaker-deck`, { headers: { authorization: 'Bearer nope-nope-nope-nope-nope' } });
    expect(forged.status).toBe(403);
    const speaker = await fetch(`${server.url}/api/rooms/${code}/speaker-deck`, { headers: { authorization: `Bearer ${presenterSecret}` } });
    expect(await speaker.text()).toContain('Say hello');
  });

  it('pairs a second presenter device once through a one-time token', async () => {
    const { code, presenter } = await roomWithPresenter();
    const pair = await request<{ url: string; qrSvg: string }>(presenter, 'presenter:pair', {});
    if (!pair.ok) throw new Error(pair.error.code);
    expect(pair.data.qrSvg).toContain('<svg');
    const token = /#pair=([\w-]+)$/.exec(pair.data.url)![1]!;

    const phone = await client();
    const redeemed = await request<{ presenterSecret: string }>(phone, 'presenter:redeem', { code, token });
    if (!redeemed.ok) throw new Error(redeemed.error.code);
    expect((await join(phone, code, redeemed.data.presenterSecret)).role).toBe('presenter');
    // Both devices drive; the laptop hears the phone's move.
    const heard = nextEvent(presenter, 'room:state');
    await request(phone, 'slide:set', { h: 1, v: 0, f: 0 });
    expect((await heard).slide).toEqual({ h: 1, v: 0, f: 0 });

    expect(await request(await client(), 'presenter:redeem', { code, token })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const student = await client();
    await join(student, code);
    expect(await request(student, 'presenter:pair', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

describe('bad input gets a named error and changes nothing', () => {
  const malformed: [string, string, unknown][] = [
    ['slide:set', 'no payload', undefined],
    ['slide:set', 'a string', 'next'],
    ['slide:set', 'a missing field', { h: 1, v: 0 }],
    ['slide:set', 'a float', { h: 1.5, v: 0, f: -1 }],
    ['slide:set', 'a negative slide', { h: -1, v: 0, f: -1 }],
    ['slide:set', 'an extra field', { h: 1, v: 0, f: -1, admin: true }],
    ['slide:set', 'a slide past the deck', { h: 99, v: 0, f: -1 }],
    ['slide:set', 'a fragment past the slide', { h: 1, v: 0, f: 2 }],
    ['room:join', 'a code with look-alikes', { code: 'O0I1L2' }],
    ['room:join', 'a code too long', { code: 'ABCDEFG' }],
    ['room:join', 'a huge secret', { code: 'ABCDEF', presenterSecret: 'x'.repeat(5000) }],
    ['room:snapshot', 'a payload with fields', { everything: true }],
    ['presenter:redeem', 'a short token', { code: 'ABCDEF', token: 'x' }],
  ];
  it.each(malformed)('%s with %s → INVALID_PAYLOAD, broadcasting nothing', async (event, _what, payload) => {
    const { code, presenter } = await roomWithPresenter();
    await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 });
    const student = await client();
    await join(student, code);
    const room = overhear([student, presenter]);
    const res = await request(presenter, event, payload);
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(res.ok === false && res.error.message.length).toBeGreaterThan(0);
    const after = await request<{ version: number; slide: unknown }>(presenter, 'room:snapshot', {});
    expect(after).toMatchObject({ ok: true, data: { version: 1, slide: { h: 1, v: 0, f: -1 }, code } });
    await room.expectOnlyMarker(presenter);
  });

  it('refuses a valid payload sent with an extra argument: an event takes one payload and its ack', async () => {
    const { presenter } = await roomWithPresenter();
    await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 });
    const emit = presenter.emit.bind(presenter) as (event: string, ...args: unknown[]) => void;
    const res = await new Promise((resolve) => emit('slide:set', { h: 2, v: 0, f: -1 }, 'extra', resolve));
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await request(presenter, 'room:snapshot', {})).toMatchObject({ ok: true, data: { version: 1, slide: { h: 1, v: 0, f: -1 } } });
  });

  it('answers an unknown room with NOT_FOUND and a snapshot before joining with NOT_JOINED', async () => {
    const c = await client();
    expect(await request(c, 'room:join', { code: 'ZZZZZZ' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await request(c, 'room:snapshot', {})).toMatchObject({ ok: false, error: { code: 'NOT_JOINED' } });
    expect((await fetch(`${server.url}/api/rooms/ZZZZZZ/deck`)).status).toBe(404);
  });

  it('refuses an old protocol version, or none, in the handshake', async () => {
    for (const auth of [{ protocol: PROTOCOL_VERSION - 1 }, {}]) {
      const error = await connectClient(server, auth).then(
        () => undefined,
        (e: Error & { data?: { code: string } }) => e,
      );
      expect(error?.data?.code).toBe('CLIENT_TOO_OLD');
    }
  });

  it('drops a socket that sends an oversized message, and stays up for the others', async () => {
    const { code, presenter } = await roomWithPresenter();
    const big = await client();
    const closed = new Promise((resolve) => big.once('disconnect', resolve));
    big.emit('room:join', { code, presenterSecret: 'x'.repeat(200_000) } as never, () => undefined);
    await closed;
    expect(await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 })).toMatchObject({ ok: true });
  });

  it('refuses a pairing token once it has expired', async () => {
    await server.close();
    let now = Date.now();
    server = await startServer(dataDir, { now: () => now, limits: { pairTokenTtlMs: 1000 } });
    const { code, presenter } = await roomWithPresenter();
    const pair = await request<{ url: string }>(presenter, 'presenter:pair', {});
    if (!pair.ok) throw new Error(pair.error.code);
    now += 2000;
    const token = /#pair=([\w-]+)$/.exec(pair.data.url)![1]!;
    expect(await request(await client(), 'presenter:redeem', { code, token })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('refuses an ended room with ROOM_EXPIRED', async () => {
    await server.close();
    let now = Date.now();
    server = await startServer(dataDir, { now: () => now, limits: { roomTtlMs: 1000 } });
    const room = await createRoom(server);
    now += 2000;
    const c = await client();
    expect(await request(c, 'room:join', { code: room.code })).toMatchObject({ ok: false, error: { code: 'ROOM_EXPIRED' } });
    expect((await fetch(`${server.url}/api/rooms/${room.code}`)).status).toBe(410);
  });

  it('answers bad HTTP input with a named error', async () => {
    const post = (body: string) => fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(await (await post('{not json')).json()).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    expect(await (await post(JSON.stringify({ deckId: 'nope' }))).json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await post(JSON.stringify({ deckId: 'x'.repeat(10_000) }))).status).toBe(400);
  });
});

describe('a restart loses nothing', () => {
  it('still knows the room, its position and its presenter', async () => {
    const { code, presenterSecret, presenter } = await roomWithPresenter();
    await request(presenter, 'slide:set', { h: 2, v: 0, f: 1 });
    presenter.disconnect();
    await server.close();

    server = await startServer(dataDir);
    const back = await client();
    const rejoined = await join(back, code, presenterSecret);
    expect(rejoined).toMatchObject({ role: 'presenter', snapshot: { version: 1, slide: { h: 2, v: 0, f: 1 } } });
    expect(await request(back, 'slide:set', { h: 3, v: 0, f: -1 })).toEqual({ ok: true, data: { version: 2 } });
  });
});

describe('rooms do not pile up', () => {
  it('keeps an ended room for its grace period (results can be exported), then deletes it and all it holds', async () => {
    const room = await createRoom(server);
    const presenter = await client();
    await join(presenter, room.code, room.presenterSecret);
    await request(presenter, 'slide:set', { h: 4, v: 0, f: -1 });
    const ended = DEFAULT_LIMITS.roomTtlMs + 60_000;
    await server.close();
    server = await startServer(dataDir, { now: () => Date.now() + ended });
    expect((await fetch(`${server.url}/api/rooms/${room.code}`)).status).toBe(410);
    const results = (file: string) => fetch(`${server.url}/api/rooms/${room.code}/${file}`, { headers: { authorization: `Bearer ${room.presenterSecret}` } });
    expect((await results('results.json')).status).toBe(200);
    const csv = await results('results.csv');
    expect([csv.status, csv.headers.get('content-type'), csv.headers.get('content-disposition')]).toEqual([200, 'text/csv; charset=utf-8', `attachment; filename="yieldroom-${room.code}-results.csv"`]);
    // Only the results: the rest of the room is over.
    expect((await fetch(`${server.url}/api/rooms/${room.code}/deck`)).status).toBe(410);
    await server.close();
    server = await startServer(dataDir, { now: () => Date.now() + ended + DEFAULT_LIMITS.roomGraceMs });
    expect((await fetch(`${server.url}/api/rooms/${room.code}`)).status).toBe(404);
    const store = openSqliteStore(dataDir);
    expect(await store.listPolls(room.code)).toEqual([]);
    await store.close();
  });
});
