import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { DEFAULT_LIMITS } from './config';
import type { Config, Limits } from './config';
import type { Deck } from './decks/types';
import type { Store } from './store/store';
import { createParticipants } from './http/participant';
import { clientAddress } from './http/address';
import { createAddressLimits } from './http/address-limits';
import { securityHeaders } from './http/security-headers';
import type { Redis } from 'ioredis';
import { createApiRoutes } from './http/routes';
import { createFirstSlides } from './http/first-slide';
import { createPageCache } from './http/page-cache';
import { createStaticFiles } from './http/compressed';
import { FIRST_SLIDE_HEADER, encodeFirstSlide } from './protocol/first-slide';
import { createPollDefinitions } from './polls/definitions';
import { createTallies } from './polls/tallies';
import { createAudience } from './realtime/audience';
import { createMemoryLive } from './live/live';
import type { Live } from './live/live';
import { createIo, registerHandlers } from './realtime/io';
import type { AppServer, Services } from './realtime/types';
import { presentersOf } from './realtime/types';
import { startAnswerKeyRunner } from './python/answer-key';
import type { AnswerKeyRunner } from './python/answer-key';
import { createSheetEngine } from './sheets/engine';
import { createBoards } from './realtime/prediction-view';
import { createCountdowns } from './realtime/countdowns';

/** The web app (Next.js) behind the API; integration tests run without one. */
export type WebApp = {
  handle: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void | Promise<void>;
  /** The build's `.next/static`, served compressed once (production; in dev Next serves it). */
  staticDir?: string;
};

export type ServerOptions = {
  store: Store;
  decks: ReadonlyMap<string, Deck>;
  limits?: Partial<Limits>;
  web?: WebApp;
  port?: number;
  host?: string;
  publicUrl?: Config['publicUrl'];
  now?: () => number;
  /** Signs participant cookies; keep it across restarts (index.ts stores it in DATA_DIR). */
  participantSecret?: string;
  /** Shared live state (audience, who broadcasts); in memory unless several processes serve a room. */
  live?: Live;
  /** Lets socket.io reach sockets on other processes (the Redis adapter). */
  adapter?: Parameters<AppServer['adapter']>[0];
  /** Keeps per-address budgets (voters, rooms, join guesses) shared between processes. */
  redis?: Redis;
  /** Origins besides the server's own that may open a socket. */
  allowedOrigins?: string[];
  /** The team sheets' worker script; the tests give one that hangs, as a crafted update could. */
  sheetWorker?: URL;
  /** Take client addresses from X-Forwarded-For (behind nginx). */
  trustProxy?: boolean;
  dev?: boolean;
};

export type RunningServer = { url: string; port: number; io: AppServer; close: () => Promise<void> };

const SOCKET_PATH = '/socket.io/';
const SWEEP_EVERY_MS = 60 * 60 * 1000;

/** Builds and starts the whole server: HTTP API, socket.io and the web app on one port. */
export async function createServer(options: ServerOptions): Promise<RunningServer> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const trustProxy = options.trustProxy ?? false;
  const { io, engine } = createIo(limits, { publicUrl: options.publicUrl, allowedOrigins: options.allowedOrigins ?? [], trustProxy }, options.adapter);
  const addressLimits = createAddressLimits(limits, options.redis);
  const live = options.live ?? createMemoryLive();
  const audience = createAudience(io, live, limits.audienceIntervalMs);
  const tallies = createTallies(options.store, live, limits.tallyIntervalMs, async (code, pollId) => {
    const poll = await options.store.getPoll(code, pollId);
    if (poll) io.to(presentersOf(code)).emit('poll:tally', { pollId, audience: await audience.count(code), results: await tallies.results(poll) });
  });
  const participants = createParticipants(options.participantSecret ?? randomBytes(32).toString('hex'), (req) => addressLimits.mintVoter(clientAddress(req, trustProxy)));
  let port = options.port ?? 0;
  let python: Promise<AnswerKeyRunner> | undefined;
  const services: Services = {
    io,
    store: options.store,
    decks: options.decks,
    audience,
    tallies,
    pollDefinitions: createPollDefinitions((code, pollId) => options.store.getPoll(code, pollId)),
    sheets: createSheetEngine(options.store, { timeoutMs: limits.sheetTimeoutMs, memoryMb: limits.sheetMemoryMb }, options.sheetWorker),
    live,
    boards: undefined as never, // set below: boards read the services they belong to
    countdowns: createCountdowns(),
    python: () => (python ??= startAnswerKeyRunner()),
    participants,
    addressLimits,
    addressOf: (req) => clientAddress(req, trustProxy),
    limits,
    publicUrl: options.publicUrl,
    port: () => port,
    now: options.now ?? Date.now,
  };
  services.boards = createBoards(services, limits.boardIntervalMs);
  registerHandlers(services);
  // Rooms past their time and grace are deleted with their data, so the store does not grow forever.
  const sweep = () =>
    options.store.deleteRoomsCreatedBefore(services.now() - limits.roomTtlMs - limits.roomGraceMs).catch((error: unknown) => console.error('[sweep]', error));
  await sweep();
  const sweeper = setInterval(sweep, SWEEP_EVERY_MS).unref();
  const handleApi = createApiRoutes(services);
  const firstSlide = createFirstSlides(services);
  const serveStatic = options.web?.staticDir ? createStaticFiles(options.web.staticDir) : undefined;
  // In dev the page changes under hot reload, so it is rendered every time.
  const servePage = options.dev ? undefined : createPageCache();

  const headers = securityHeaders(options.dev ?? false);
  const http = createHttpServer(async (req, res) => {
    if (req.url?.startsWith(SOCKET_PATH)) return engine.handleRequest(req as never, res);
    for (const [name, value] of headers) res.setHeader(name, value);
    delete req.headers[FIRST_SLIDE_HEADER];
    // A phone opening a room page gets its voter id before its socket connects, and the live slide in the page's HTML.
    if (req.url?.startsWith('/r/')) {
      await participants.ensure(req, res);
      const code = /^\/r\/([^/?#]+)\/?(?:[?#]|$)/.exec(req.url)?.[1];
      const slide = code && (await firstSlide(req, code));
      if (slide) req.headers[FIRST_SLIDE_HEADER] = encodeFirstSlide(slide);
      // The page itself (not Next's client-side RSC fetches of it) is the same for every phone on this slide.
      const web = options.web;
      if (web && servePage && code && req.method === 'GET' && req.headers.rsc === undefined && !req.url.includes('_rsc=')) {
        return servePage(req, res, `${req.url}\n${req.headers[FIRST_SLIDE_HEADER] ?? ''}`, () => web.handle(req, res));
      }
    }
    if (await handleApi(req, res)) return;
    if (serveStatic && (await serveStatic(req, res))) return;
    if (options.web) return options.web.handle(req, res);
    res.writeHead(404).end();
  });
  // One upgrade router by path: socket.io here, Next's dev HMR for the rest.
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.url?.startsWith(SOCKET_PATH)) return engine.handleUpgrade(req as never, socket, head);
    if (options.web?.upgrade && req.url?.startsWith('/_next/')) return options.web.upgrade(req, socket, head);
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, options.host ?? '0.0.0.0', () => resolve());
  });
  port = (http.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    io,
    async close() {
      clearInterval(sweeper);
      audience.close();
      tallies.close();
      services.boards.close();
      services.countdowns.close();
      await io.close();
      await services.sheets.close();
      await live.close();
      if (python) await (await python).close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await options.store.close();
    },
  };
}
