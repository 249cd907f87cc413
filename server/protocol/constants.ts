/**
 * The parts of the wire protocol a browser needs at run time, without zod: the student page
 * imports this file and `import type`s the rest, so its bundle stays small.
 */

/** Bumped on every change a deployed client could trip over; checked in the handshake. */
export const PROTOCOL_VERSION = 1;

export const ERROR_CODES = [
  'INVALID_PAYLOAD',
  'FORBIDDEN',
  'NOT_FOUND',
  'ROOM_EXPIRED',
  'NOT_JOINED',
  'POLL_CLOSED',
  'TIME_UP',
  'RATE_LIMITED',
  'ROOM_FULL',
  'NAME_REQUIRED',
  'NO_TEAM',
  'WRONG_TEAM',
  'SHEET_LOCKED',
  'UPDATE_REFUSED',
  'UNAVAILABLE',
  'CLIENT_TOO_OLD',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** What the UI says for each refusal; the README's protocol table lists the same codes. */
export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  INVALID_PAYLOAD: 'That request was malformed.',
  FORBIDDEN: 'Only the presenter can do that.',
  NOT_FOUND: 'There is no room with that code.',
  ROOM_EXPIRED: 'This room has ended.',
  NOT_JOINED: 'Join a room first.',
  POLL_CLOSED: 'This poll is closed.',
  TIME_UP: 'Time is up: voting has closed.',
  RATE_LIMITED: 'Too many requests; slow down.',
  ROOM_FULL: 'This room is full.',
  NAME_REQUIRED: 'This poll counts: give your name first.',
  NO_TEAM: 'You are not in a team yet.',
  WRONG_TEAM: 'That sheet belongs to another team.',
  SHEET_LOCKED: 'Predictions are locked.',
  UPDATE_REFUSED: 'That edit was refused.',
  UNAVAILABLE: 'The server lost its store for a moment; try again.',
  CLIENT_TOO_OLD: 'This page is out of date; reload it.',
  INTERNAL: 'Something went wrong on the server.',
};

export type ProtocolError = { code: ErrorCode; message: string };
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ProtocolError };

/** Join codes avoid look-alikes: no 0/O, no 1/I/L. */
export const JOIN_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const JOIN_CODE_LENGTH = 6;

export function normalizeJoinCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}

/** Poll limits, shared so the phone can stop a student before the server has to. */
/**
 * Whether a numeric poll's bin holds a value: from `from` up to, not including, `to`, except the
 * last bin and a one-value bar, which hold `to` too. The tally counts by this rule and the chart
 * and export mark the answer by it, so an answer on an edge is in one bin, as its ballots are.
 */
export const binHolds = (bin: { from: number; to: number }, value: number, last: boolean) => value >= bin.from && (value < bin.to || ((last || bin.from === bin.to) && value === bin.to));

export const POLL_LIMITS = { question: 300, options: 8, option: 120, text: 60, numeric: 1e9, countdown: { min: 5, max: 600 } } as const;

/** Team limits: display names and how many tables a room may have. */
export const TEAM_LIMITS = { name: 24, tables: 40, minSize: 3, maxSize: 5 } as const;

/** Sheet limits: one sync message, a whole sheet's state, one predicted answer. */
export const SHEET_LIMITS = { messageBytes: 16 * 1024, docBytes: 64 * 1024, answer: 200 } as const;

/**
 * What a person typed, made safe to show and to count: NFC, control and formatting characters
 * (bidi overrides, zero-width marks; the emoji joiner is kept) turned into spaces, at most two
 * combining marks per letter (no "Zalgo" towers), runs of white space collapsed.
 */
export function plainText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/(?!\u200d)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/(\p{M}{2})\p{M}+/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
