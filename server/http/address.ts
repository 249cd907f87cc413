import type { IncomingMessage } from 'node:http';

/** The client's address; behind a trusted reverse proxy, the hop the proxy itself saw (the last X-Forwarded-For entry). */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const last = String(req.headers['x-forwarded-for'] ?? '').split(',').at(-1)?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
