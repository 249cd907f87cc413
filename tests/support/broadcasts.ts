import { expect } from 'vitest';
import type { Client } from './server';
import { request } from './server';

/** Sent on a timer (coalesced), not in answer to one event: their contents are checked where it matters. */
const COALESCED = new Set(['room:audience', 'poll:tally', 'predict:board']);

/**
 * Records every broadcast the given sockets hear from now on. `expectOnlyMarker` proves that
 * what happened since broadcast nothing: the presenter sends a known-good event (setting up
 * tables, which tells the whole room `team:reset`) and each socket must hear exactly that
 * (after exactly `first`, for a step that broadcasts).
 * A socket hears the server's messages in the order sent, so a broadcast from anything
 * before the marker would have arrived first: no waiting on a clock.
 */
export function overhear(sockets: Client[]) {
  const heard = sockets.map((socket) => {
    const log: [string, unknown][] = [];
    socket.onAny((event: string, message: unknown) => {
      if (!COALESCED.has(event)) log.push([event, message]);
    });
    return log;
  });
  return {
    heard,
    async expectOnlyMarker(presenter: Client, tables = 7, first: [string, unknown][] = []) {
      const marker = { mode: 'tables', tables };
      const arrived = sockets.map(
        (socket) =>
          new Promise<void>((resolve) => {
            const seen = (message: unknown) => {
              if (JSON.stringify(message) !== JSON.stringify(marker)) return;
              socket.off('team:reset', seen);
              resolve();
            };
            socket.on('team:reset', seen);
          }),
      );
      expect(await request(presenter, 'teams:configure', { mode: 'tables', tables })).toEqual({ ok: true, data: marker });
      await Promise.all(arrived);
      for (const log of heard) expect(log).toEqual([...first, ['team:reset', marker]]);
    },
  };
}
