import { Server as EngineServer } from 'engine.io';
import { Server } from 'socket.io';
import type { Limits } from '../config';
import { Handshake, PROTOCOL_VERSION } from '../protocol';
import { guardConnections, guardedParser } from './guard';
import type { AppServer, Services } from './types';
import { registerPollHandlers } from './polls.handlers';
import { registerRoomHandlers } from './rooms.handlers';
import { registerTeamHandlers } from './teams.handlers';
import { registerSheetHandlers } from './sheets.handlers';
import { registerPredictionHandlers } from './predictions.handlers';

/** Refuses a client whose protocol version differs, before it can send anything. */
export function checkProtocol(io: AppServer) {
  io.use((socket, next) => {
    const handshake = Handshake.safeParse(socket.handshake.auth);
    if (handshake.success && handshake.data.protocol === PROTOCOL_VERSION) return next();
    const error = new Error(`protocol ${PROTOCOL_VERSION} required`) as Error & { data: unknown };
    error.data = { code: 'CLIENT_TOO_OLD', message: 'This page is out of date; reload it.' };
    next(error);
  });
}

/**
 * socket.io on an engine of our own, so one HTTP server can route requests and upgrades by
 * path. perMessageDeflate off: on, it costs ~235 KB per socket and ten times the latency.
 * Pings every 10 s (default 25 s): a phone whose network dropped notices within 15 s and
 * reconnects, and the audience count drops it as soon.
 */
export function createIo(
  limits: Limits,
  admission: Parameters<typeof guardConnections>[2],
  adapter?: Parameters<AppServer['adapter']>[0],
): { io: AppServer; engine: EngineServer } {
  const io: AppServer = new Server({ serveClient: false, parser: guardedParser(limits), connectTimeout: limits.preAuthTimeoutMs, ...(adapter ? { adapter } : {}) });
  const engine = new EngineServer({ maxHttpBufferSize: limits.maxMessageBytes, perMessageDeflate: false, httpCompression: false, pingInterval: 10_000, pingTimeout: 5_000 });
  guardConnections(engine, limits, admission);
  io.bind(engine);
  return { io, engine };
}

export function registerHandlers(services: Services) {
  checkProtocol(services.io);
  services.io.on('connection', (socket) => {
    // The guarded parser reports a broken or flooding client here, then closes its connection.
    socket.on('error', () => undefined);
    // A socket must join a room soon after connecting; idle ones only hold memory.
    const preAuth = setTimeout(() => socket.data.code || socket.disconnect(true), services.limits.preAuthTimeoutMs);
    socket.once('disconnect', () => clearTimeout(preAuth));
    socket.data.participantId = services.participants.read(socket.handshake.headers.cookie);
    registerRoomHandlers(services, socket);
    registerPollHandlers(services, socket);
    registerTeamHandlers(services, socket);
    registerSheetHandlers(services, socket);
    registerPredictionHandlers(services, socket);
  });
}
