import { Server } from 'socket.io';
import { Handshake, PROTOCOL_VERSION } from '../protocol';
import type { AppServer, Services } from './types';
import { registerPollHandlers } from './polls.handlers';
import { registerRoomHandlers } from './rooms.handlers';

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

export function createIo(maxMessageBytes: number): AppServer {
  // perMessageDeflate off: on, it costs ~235 KB per socket and ten times the latency.
  return new Server({ serveClient: false, maxHttpBufferSize: maxMessageBytes, perMessageDeflate: false, transports: ['websocket', 'polling'] });
}

export function registerHandlers(services: Services) {
  checkProtocol(services.io);
  services.io.on('connection', (socket) => {
    socket.data.tokens = services.limits.eventBurst;
    socket.data.refilledAt = Date.now();
    socket.data.participantId = services.participants.read(socket.handshake.headers.cookie);
    registerRoomHandlers(services, socket);
    registerPollHandlers(services, socket);
  });
}
