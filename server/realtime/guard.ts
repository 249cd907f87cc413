import type { IncomingMessage } from 'node:http';
import type { Server as EngineServer } from 'engine.io';
import { Decoder, Encoder } from 'socket.io-parser';
import type { Limits } from '../config';
import { clientAddress } from '../http/address';

/** A team-sheet message is the only packet that may carry binary: one attachment, nothing else. */
const SHEET_WITH_BINARY = /^51-(?:\/[^,]*,)?\d*\["sheet:(?:sync|awareness)"/;

/** A token bucket: `take(cost)` spends from it, refilled continuously up to its burst. */
function bucket(burst: number, perSecond: number) {
  let tokens = burst;
  let refilledAt = Date.now();
  return (cost: number): boolean => {
    const now = Date.now();
    tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * perSecond);
    refilledAt = now;
    if (tokens < cost) return false;
    tokens -= cost;
    return true;
  };
}

/**
 * socket.io's own parser, guarded: it sees every frame of a connection before socket.io does,
 * so one budget covers events, acks, unknown events and raw frames alike. Throwing here is how
 * socket.io is told a client broke the protocol: it closes that connection and nothing is
 * answered, so a flood ends in a disconnect instead of a stream of RATE_LIMITED replies.
 */
export function guardedParser(limits: Limits) {
  class GuardedDecoder extends Decoder {
    private readonly takeEvent = bucket(limits.eventBurst, limits.eventsPerSecond);
    private readonly takeSheetBytes = bucket(limits.sheetBytesBurst, limits.sheetBytesPerSecond);
    private connected = false;

    override add(chunk: unknown) {
      if (typeof chunk === 'string') {
        // The handshake's connect packet is free, so the budget counts exactly the events sent.
        const handshake = chunk[0] === '0' && !this.connected;
        this.connected ||= handshake;
        if (!handshake && !this.takeEvent(1)) throw new Error('event budget spent');
        if ((chunk[0] === '5' || chunk[0] === '6') && !SHEET_WITH_BINARY.test(chunk)) throw new Error('binary attachments are only accepted on team-sheet messages');
      } else if (chunk instanceof Uint8Array || chunk instanceof ArrayBuffer) {
        if (!this.takeSheetBytes(chunk.byteLength)) throw new Error('sheet byte budget spent');
      }
      super.add(chunk);
    }
  }
  return { Encoder, Decoder: GuardedDecoder };
}

/** Where a browser page may open a socket from: this server's own host, PUBLIC_URL's, or ALLOWED_ORIGINS. */
function originAllowed(req: IncomingMessage, publicUrl: string | undefined, allowedOrigins: string[]): boolean {
  const origin = req.headers.origin;
  // Browsers always send Origin on a websocket or cross-site request; scripts and native clients may not,
  // and the check exists to stop other sites' pages from riding a student's cookie.
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  if (host === req.headers.host) return true;
  if (publicUrl && new URL(publicUrl).host === host) return true;
  return allowedOrigins.some((allowed) => allowed === origin || allowed === host);
}

/**
 * Admission at the engine: the Origin check, and at most `connectionsPerAddress` open
 * connections per client address (socket.io's handshake calls `allowRequest` first).
 */
export function guardConnections(engine: EngineServer, limits: Limits, options: { publicUrl: string | undefined; allowedOrigins: string[]; trustProxy: boolean }) {
  const open = new Map<string, number>();
  engine.opts.allowRequest = (req, callback) => {
    if (!originAllowed(req, options.publicUrl, options.allowedOrigins)) return callback('origin not allowed', false);
    if ((open.get(clientAddress(req, options.trustProxy)) ?? 0) >= limits.connectionsPerAddress) return callback('too many connections from this address', false);
    callback(null, true);
  };
  engine.on('connection', (conn: { request: IncomingMessage; once: (event: 'close', listener: () => void) => void }) => {
    const address = clientAddress(conn.request, options.trustProxy);
    open.set(address, (open.get(address) ?? 0) + 1);
    conn.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
