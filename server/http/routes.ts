import type { IncomingMessage, ServerResponse } from 'node:http';
import QRCode from 'qrcode';
import { z } from 'zod';
import { ERROR_MESSAGES, JoinCode, PROTOCOL_VERSION } from '../protocol';
import type { ErrorCode } from '../protocol';
import { APP_VERSION } from '../config';
import { deckSummary, publicDeck } from '../decks/types';
import { Refusal } from '../errors';
import { findDeckPoll, newRoom } from '../rooms/room';
import type { Room } from '../rooms/room';
import { hashSecret, newJoinCode, newSecret, secretMatches } from '../rooms/secrets';
import { openRoom } from '../realtime/open-room';
import type { Services } from '../realtime/types';
import { resultsCsv, resultsReport } from '../polls/export';
import { publicBaseUrl } from './public-url';
import { encodeOnce, sendEncoded } from './compressed';
import type { Encoded } from './compressed';
import type { Deck } from '../decks/types';
import { predictionReports } from '../realtime/prediction-view';

const CreateRoom = z.strictObject({ deckId: z.string().min(1).max(100) });
const MAX_BODY_BYTES = 4 * 1024;
const STATUS: Partial<Record<ErrorCode, number>> = { INVALID_PAYLOAD: 400, FORBIDDEN: 403, NOT_FOUND: 404, ROOM_EXPIRED: 410, RATE_LIMITED: 429, UNAVAILABLE: 503 };

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Refusal('INVALID_PAYLOAD', 'request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new Refusal('INVALID_PAYLOAD', 'body is not JSON');
  }
}

function bearer(req: IncomingMessage): string | undefined {
  return /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
}

/** A deck's public JSON, compressed once per deck: every phone in the room fetches the same one. */
const publicDecks = new WeakMap<Deck, Promise<Encoded>>();
function publicDeckBody(deck: Deck): Promise<Encoded> {
  let body = publicDecks.get(deck);
  if (!body) publicDecks.set(deck, (body = encodeOnce(JSON.stringify(publicDeck(deck)))));
  return body;
}

/** Handles `/healthz` and `/api/*`; returns false for anything else (Next's pages). */
export function createApiRoutes(services: Services) {
  const startedAt = Date.now();
  const joinUrl = (req: IncomingMessage, code: string) => `${publicBaseUrl(req.headers.host, services.port(), services.publicUrl)}/r/${code}`;

  /** Unknown codes count as guesses against the caller's address, as on the socket. */
  function roomFor(req: IncomingMessage, rawCode: string, ended: boolean): Promise<Room> {
    return services.addressLimits.lookUp(services.addressOf(req), async () => {
      const code = JoinCode.safeParse(rawCode);
      if (!code.success) throw new Refusal('NOT_FOUND');
      return openRoom(services, code.data, { ended });
    });
  }

  function deckOf(room: Room) {
    const deck = services.decks.get(room.deckId);
    if (!deck) throw new Refusal('NOT_FOUND', `deck "${room.deckId}" is not installed`);
    return deck;
  }

  function assertPresenter(req: IncomingMessage, room: Room) {
    const secret = bearer(req);
    if (!secret || !secretMatches(secret, room.presenterSecretHashes)) throw new Refusal('FORBIDDEN');
  }

  /** A poll that counts: each ballot with the name its student gave. */
  async function namedBallots(code: string, pollId: string) {
    const names = new Map((await services.store.listParticipants(code)).map((p) => [p.participantId, p.name ?? '']));
    return (await services.store.listBallots(code, pollId)).map((b) => ({ round: b.round, name: names.get(b.participantId) ?? '', choice: b.choice }));
  }

  async function createRoom(req: IncomingMessage) {
    const input = CreateRoom.safeParse(await readJson(req));
    if (!input.success) throw new Refusal('INVALID_PAYLOAD', 'expected { deckId }');
    if (!services.decks.has(input.data.deckId)) throw new Refusal('NOT_FOUND', `no deck "${input.data.deckId}"`);
    if (!(await services.addressLimits.createRoom(services.addressOf(req)))) throw new Refusal('RATE_LIMITED', 'Too many rooms created from this address; wait a minute.');
    const presenterSecret = newSecret();
    for (;;) {
      const room = newRoom(newJoinCode(), input.data.deckId, hashSecret(presenterSecret), services.now());
      if (await services.store.createRoom(room)) return { code: room.code, presenterSecret, joinUrl: joinUrl(req, room.code) };
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const method = req.method ?? 'GET';
    if (path === '/healthz') return send(res, 200, { ok: true, version: APP_VERSION, protocol: PROTOCOL_VERSION, pid: process.pid, uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
    if (path === '/api/decks' && method === 'GET') return send(res, 200, [...services.decks.values()].map(deckSummary));
    if (path === '/api/rooms' && method === 'POST') return send(res, 201, await createRoom(req));
    const m = /^\/api\/rooms\/([^/]+)(?:\/(deck|speaker-deck|qr\.svg|results\.json|results\.csv))?$/.exec(path);
    if (m && method === 'GET') {
      // After the lecture its results can still be exported, until the room is deleted.
      const room = await roomFor(req, m[1]!, m[2] === 'results.json' || m[2] === 'results.csv');
      const deck = deckOf(room);
      switch (m[2]) {
        case undefined:
          return send(res, 200, { code: room.code, deckId: room.deckId, title: deck.title, joinUrl: joinUrl(req, room.code) });
        case 'deck':
          await services.participants.ensure(req, res);
          return sendEncoded(req, res, await publicDeckBody(deck), { 'content-type': 'application/json', 'cache-control': 'no-store' });
        case 'speaker-deck':
          assertPresenter(req, room);
          return send(res, 200, deck);
        case 'results.json':
        case 'results.csv': {
          assertPresenter(req, room);
          const polls = await Promise.all(
            (await services.store.listPolls(room.code)).map(async (poll) => ({
              poll,
              results: await services.tallies.results(poll, { everyAnswer: true }),
              ...(findDeckPoll(deck, poll.id)?.names ? { named: await namedBallots(room.code, poll.id) } : {}),
            })),
          );
          const report = resultsReport(room, polls, services.now(), await predictionReports(services, room));
          if (m[2] === 'results.json') return send(res, 200, report);
          res.setHeader('content-disposition', `attachment; filename="yieldroom-${room.code}-results.csv"`);
          return send(res, 200, resultsCsv(report), 'text/csv; charset=utf-8');
        }
        case 'qr.svg':
          return send(res, 200, await QRCode.toString(joinUrl(req, room.code), { type: 'svg', margin: 1 }), 'image/svg+xml');
      }
    }
    throw new Refusal('NOT_FOUND', `no route ${method} ${path}`);
  }

  return async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/healthz' && !path.startsWith('/api/')) return false;
    try {
      await route(req, res, path);
    } catch (error) {
      const refusal = error instanceof Refusal ? error : new Refusal('INTERNAL');
      if (!(error instanceof Refusal)) console.error('[http]', error);
      send(res, STATUS[refusal.code] ?? 500, { ok: false, error: { code: refusal.code, message: refusal.message || ERROR_MESSAGES[refusal.code] } });
    }
    return true;
  };
}
