import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { createServer } from '../../server/app';
import type { RunningServer, ServerOptions } from '../../server/app';
import { buildDecks } from '../../server/decks/build';
import { loadParticipantSecret } from '../../server/http/participant';
import { PROTOCOL_VERSION } from '../../server/protocol';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../server/protocol';
import { openSqliteStore } from '../../server/store/sqlite';

export const FIXTURE_DECKS = joinPath(import.meta.dirname, '../fixtures/decks');
/** A deck with a prediction; its answer key is executed once and cached across test runs. */
export const PREDICT_DECKS = joinPath(import.meta.dirname, '../fixtures/predict-decks');
const SHARED_CACHE = joinPath(import.meta.dirname, '../../node_modules/.cache/yieldroom-tests');
export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export const tempDataDir = () => mkdtempSync(joinPath(tmpdir(), 'yieldroom-'));

/** A real server on port 0 over a real SQLite file in `dataDir`. */
export async function startServer(dataDir: string, options: Partial<ServerOptions> = {}, decksDir = FIXTURE_DECKS): Promise<RunningServer> {
  const decks = await buildDecks(decksDir, { cacheDir: decksDir === FIXTURE_DECKS ? joinPath(dataDir, 'cache') : SHARED_CACHE });
  return createServer({ store: openSqliteStore(dataDir), decks, host: '127.0.0.1', participantSecret: loadParticipantSecret(dataDir), ...options });
}

export async function createRoom(server: RunningServer, deckId = 'demo'): Promise<{ code: string; presenterSecret: string; joinUrl: string }> {
  const res = await fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deckId }) });
  if (res.status !== 201) throw new Error(`room not created: ${res.status}`);
  return res.json();
}

/** A real socket.io client, sending `cookie` as a browser would; resolves once connected. */
export function connectClient(server: RunningServer, auth: Record<string, unknown> = { protocol: PROTOCOL_VERSION }, cookie?: string): Promise<Client> {
  const socket: Client = connect(server.url, { transports: ['websocket'], auth, reconnection: false, forceNew: true, ...(cookie ? { extraHeaders: { cookie } } : {}) });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

/** Emits and resolves with the ack; `payload` is untyped so tests can send garbage. */
export function request<T = unknown>(socket: Client, event: string, payload?: unknown): Promise<Ack<T>> {
  const emit = socket.emit.bind(socket) as (event: string, ...args: unknown[]) => void;
  return new Promise((resolve) => (payload === undefined ? emit(event, resolve) : emit(event, payload, resolve)));
}

export function nextEvent<E extends keyof ServerToClientEvents>(socket: Client, event: E): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve) => socket.once(event, ((msg: never) => resolve(msg)) as never));
}

/** Joins and returns the snapshot, failing loudly on a refusal or on a connection closed before the answer (which would otherwise never come). */
export async function join(socket: Client, code: string, presenterSecret?: string) {
  let closed!: (reason: string) => void;
  const whenClosed = new Promise<never>((_, reject) => (closed = (reason) => reject(new Error(`disconnected before the join was answered: ${reason}`))));
  socket.once('disconnect', closed);
  const res = await Promise.race([
    request<{ role: string; snapshot: { version: number; slide: { h: number; v: number; f: number }; audience: number } }>(socket, 'room:join', presenterSecret ? { code, presenterSecret } : { code }),
    whenClosed,
  ]).finally(() => socket.off('disconnect', closed));
  if (!res.ok) throw new Error(`join refused: ${res.error.code}`);
  return res.data;
}

/** A student as a phone is one: a voter cookie from the room's deck route, then a socket that joins. */
export async function student(server: RunningServer, code: string, cookie?: string): Promise<{ socket: Client; cookie: string }> {
  if (!cookie) {
    const res = await fetch(`${server.url}/api/rooms/${code}/deck`);
    cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  }
  const socket: Client = connect(server.url, { transports: ['websocket'], auth: { protocol: PROTOCOL_VERSION }, reconnection: false, forceNew: true, extraHeaders: { cookie } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  await join(socket, code);
  return { socket, cookie };
}
