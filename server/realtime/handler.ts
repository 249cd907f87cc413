import type { z } from 'zod';
import type { Ack, ClientToServerEvents, ErrorCode } from '../protocol';
import { ERROR_MESSAGES } from '../protocol';
import { Refusal } from '../errors';
import type { AppSocket, SocketData } from './types';

/** Who may send an event: anyone connected, anyone who joined a room, or a room's presenter. */
export type Sender = 'anyone' | 'member' | 'presenter';

/** A socket's data once it has joined a room. */
export type Joined = SocketData & { code: string };

const refuse = (code: ErrorCode, message = ERROR_MESSAGES[code]): Ack<never> => ({ ok: false, error: { code, message } });

/**
 * Binds one event: validate → authorize → run → ack (the guarded parser has already charged it
 * to the socket's budget). Never throws: a refusal is acked with its code and nothing else
 * happens; an unexpected error is logged and acked INTERNAL.
 */
export function handle<S extends z.ZodType, R, W extends Sender>(
  socket: AppSocket,
  event: keyof ClientToServerEvents,
  schema: S,
  who: W,
  run: (input: z.infer<S>, session: W extends 'anyone' ? SocketData : Joined) => Promise<R> | R,
): void {
  const on = socket.on.bind(socket) as (event: string, listener: (...args: unknown[]) => void) => void;
  on(event, async (...args: unknown[]) => {
    const ack = args[args.length - 1];
    if (typeof ack !== 'function') return; // nothing to answer to; the protocol requires acks
    const reply = ack as (res: Ack<R>) => void;
    const parsed = schema.safeParse(args.length === 2 ? args[0] : undefined);
    if (!parsed.success) return reply(refuse('INVALID_PAYLOAD', parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')));
    const session = socket.data;
    if (who !== 'anyone' && !session.code) return reply(refuse('NOT_JOINED'));
    if (who === 'presenter' && session.role !== 'presenter') return reply(refuse('FORBIDDEN'));
    try {
      reply({ ok: true, data: await run(parsed.data, session as never) });
    } catch (error) {
      if (error instanceof Refusal) return reply(refuse(error.code, error.message));
      console.error(`[${event}]`, error);
      reply(refuse('INTERNAL'));
    }
  });
}

/**
 * Runs one socket's tasks in the order they arrived. A connection's messages are meant in order
 * (a presenter's quick presses, a phone's updates that build on each other); without this a
 * compare-and-set retry could let a later one land before an earlier one.
 */
export function inArrivalOrder() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = last.then(task, task);
    last = result.catch(() => undefined);
    return result;
  };
}
