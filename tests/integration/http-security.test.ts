import { join as joinPath } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/app';
import { ERROR_MESSAGES } from '../../server/protocol';
import { hashSecret } from '../../server/rooms/secrets';
import { openSqliteStore } from '../../server/store/sqlite';
import type { Client } from '../support/server';
import { PREDICT_DECKS, connectClient, createRoom, join, request, startServer, tempDataDir } from '../support/server';

let dataDir: string;
let server: RunningServer;
const sockets: Client[] = [];
beforeEach(async () => {
  dataDir = tempDataDir();
  server = await startServer(dataDir);
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await server.close();
});

/** Every value in every table of the SQLite file, read from a connection of its own. */
function everythingStored(): string {
  const db = new Database(joinPath(dataDir, 'yieldroom.db'), { readonly: true });
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
  const dump = JSON.stringify(tables.map(({ name }) => db.prepare(`SELECT * FROM "${name}"`).all()));
  db.close();
  return dump;
}

describe('secrets at rest and on the wire', () => {
  it('stores only the SHA-256 of a presenter secret, a pairing token and a paired device’s secret', async () => {
    const room = await createRoom(server);
    const presenter = await connectClient(server);
    sockets.push(presenter);
    await join(presenter, room.code, room.presenterSecret);
    const pair = await request<{ url: string }>(presenter, 'presenter:pair', {});
    if (!pair.ok) throw new Error(pair.error.code);
    const token = /#pair=([\w-]+)$/.exec(pair.data.url)![1]!;
    let stored = everythingStored();
    expect(stored).toContain(hashSecret(room.presenterSecret));
    expect(stored).toContain(hashSecret(token));
    expect(stored).not.toContain(room.presenterSecret);
    expect(stored).not.toContain(token);

    const phone = await connectClient(server);
    sockets.push(phone);
    const redeemed = await request<{ presenterSecret: string }>(phone, 'presenter:redeem', { code: room.code, token });
    if (!redeemed.ok) throw new Error(redeemed.error.code);
    stored = everythingStored();
    expect(stored).toContain(hashSecret(redeemed.data.presenterSecret));
    expect(stored).not.toContain(redeemed.data.presenterSecret);
  });

  it('sets the voter cookie HttpOnly, for the whole site, once per browser', async () => {
    const room = await createRoom(server);
    const first = await fetch(`${server.url}/api/rooms/${room.code}/deck`);
    const cookie = first.headers.get('set-cookie')!;
    const attributes = cookie.split(/;\s*/).slice(1).map((a) => a.split('=')[0]!.toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('path');
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    const again = await fetch(`${server.url}/api/rooms/${room.code}/deck`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(again.headers.get('set-cookie')).toBeNull();
  });
});

describe('request bodies', () => {
  const post = (body: string) => fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('refuses a body past 4 KB even when it is a valid request, and takes the same request under it', async () => {
    const valid = JSON.stringify({ deckId: 'demo' });
    // Whitespace padding keeps the JSON valid and the schema satisfied: only the size can refuse it.
    const over = await post(valid + ' '.repeat(4 * 1024 - valid.length + 1));
    expect(over.status).toBe(400);
    expect(await over.json()).toEqual({ ok: false, error: { code: 'INVALID_PAYLOAD', message: 'request body too large' } });
    const under = await post(valid + ' '.repeat(4 * 1024 - valid.length));
    expect(under.status).toBe(201);
  });
});

describe('a room over HTTP', () => {
  it('describes the room and draws its join QR code for the public URL, with no secret in either', async () => {
    await server.close();
    server = await startServer(dataDir, { publicUrl: 'https://class.example/' });
    const room = await createRoom(server);
    expect(room.joinUrl).toBe(`https://class.example/r/${room.code}`);
    const res = await fetch(`${server.url}/api/rooms/${room.code}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toStrictEqual({ code: room.code, deckId: 'demo', title: 'Demo deck', joinUrl: `https://class.example/r/${room.code}` });
    const qr = await fetch(`${server.url}/api/rooms/${room.code}/qr.svg`);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml');
    const svg = await qr.text();
    expect(svg).toMatch(/^<svg[^>]*>/);
    expect(svg).not.toContain(room.presenterSecret);
  });
});

describe('refusals over HTTP', () => {
  const refusal = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];

  it('answers an unknown route, a code not shaped like one and a room request without a known deck by name', async () => {
    expect(await refusal(await fetch(`${server.url}/api/nothing-here`))).toEqual([404, 'NOT_FOUND']);
    expect(await refusal(await fetch(`${server.url}/api/rooms/not-a-code`))).toEqual([404, 'NOT_FOUND']);
    const post = (body: unknown) => fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await refusal(await post({}))).toEqual([400, 'INVALID_PAYLOAD']);
    expect(await refusal(await post({ deckId: 'no-such-deck' }))).toEqual([404, 'NOT_FOUND']);
  });

  it('lists the installed decks, says it is up and since when, and serves a room only at its own paths', async () => {
    const decks = await fetch(`${server.url}/api/decks`);
    expect([decks.status, decks.headers.get('content-type'), decks.headers.get('cache-control')]).toEqual([200, 'application/json', 'no-store']);
    expect(((await decks.json()) as { id: string }[]).map((d) => d.id).sort()).toEqual(['demo', 'graded']);
    expect(await refusal(await fetch(`${server.url}/api/decks`, { method: 'POST' }))).toEqual([404, 'NOT_FOUND']);
    expect(await refusal(await fetch(`${server.url}/api/rooms`))).toEqual([404, 'NOT_FOUND']);

    await server.close();
    const before = Date.now();
    server = await startServer(dataDir);
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as { ok: boolean; pid: number; uptimeSeconds: number };
    expect(health).toMatchObject({ ok: true, pid: process.pid });
    expect(health.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(health.uptimeSeconds).toBeLessThanOrEqual(Math.ceil((Date.now() - before) / 1000));

    const room = await createRoom(server);
    expect((await fetch(`${server.url}/api/rooms/${room.code}/deck`)).status).toBe(200);
    expect(await refusal(await fetch(`${server.url}/api/rooms/${room.code}/deck/more`))).toEqual([404, 'NOT_FOUND']);
    expect(await refusal(await fetch(`${server.url}/api/x/api/rooms/${room.code}`))).toEqual([404, 'NOT_FOUND']);
    expect(await refusal(await fetch(`${server.url}/api/rooms/${room.code}`, { method: 'POST' }))).toEqual([404, 'NOT_FOUND']);
  });

  it('takes the presenter secret only as the whole of a Bearer authorization', async () => {
    const room = await createRoom(server);
    const speakerDeck = (authorization: string) => fetch(`${server.url}/api/rooms/${room.code}/speaker-deck`, { headers: { authorization } });
    expect((await speakerDeck(`Bearer ${room.presenterSecret}`)).status).toBe(200);
    expect(await refusal(await speakerDeck(`Bearer ${room.presenterSecret} x`))).toEqual([403, 'FORBIDDEN']);
    expect(await refusal(await speakerDeck(`x Bearer ${room.presenterSecret}`))).toEqual([403, 'FORBIDDEN']);
    expect(await refusal(await fetch(`${server.url}/api/rooms/${room.code}/speaker-deck`))).toEqual([403, 'FORBIDDEN']);
  });

  it('answers NOT_FOUND for a room whose deck is no longer installed, over HTTP and to its presenter’s moves', async () => {
    const room = await createRoom(server);
    await server.close();
    server = await startServer(dataDir, {}, PREDICT_DECKS);
    expect(await refusal(await fetch(`${server.url}/api/rooms/${room.code}`))).toEqual([404, 'NOT_FOUND']);
    const presenter = await connectClient(server);
    sockets.push(presenter);
    await join(presenter, room.code, room.presenterSecret);
    expect(await request(presenter, 'slide:set', { h: 1, v: 0, f: -1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});

describe('an unexpected error', () => {
  it('is answered INTERNAL on a socket and 500 over HTTP, and the server keeps serving', async () => {
    await server.close();
    // The real store, with one read made to fail on demand: a disk error at the worst moment.
    const store = openSqliteStore(dataDir);
    let failNext = false;
    const getRoom: typeof store.getRoom = async (code) => {
      if (!failNext) return store.getRoom(code);
      failNext = false;
      throw new Error('disk error');
    };
    server = await startServer(dataDir, { store: { ...store, getRoom } });
    const room = await createRoom(server);
    const phone = await connectClient(server);
    sockets.push(phone);
    const internal = { ok: false, error: { code: 'INTERNAL', message: ERROR_MESSAGES.INTERNAL } };
    failNext = true;
    expect(await request(phone, 'room:join', { code: room.code })).toEqual(internal);
    expect((await join(phone, room.code)).role).toBe('student');
    failNext = true;
    const res = await fetch(`${server.url}/api/rooms/${room.code}`);
    expect([res.status, await res.json()]).toEqual([500, internal]);
    expect((await fetch(`${server.url}/api/rooms/${room.code}`)).status).toBe(200);
  });
});
