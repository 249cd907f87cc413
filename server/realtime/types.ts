import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, Role, ServerToClientEvents } from '../protocol';
import type { Config, Limits } from '../config';
import type { Deck } from '../decks/types';
import type { Store } from '../store/store';
import type { Participants } from '../http/participant';
import type { AddressLimits } from '../http/address-limits';
import type { IncomingMessage } from 'node:http';
import type { Tallies } from '../polls/tallies';
import type { PollDefinitions } from '../polls/definitions';
import type { Audience } from './audience';
import type { Countdowns } from './countdowns';
import type { Live } from '../live/live';
import type { AnswerKeyRunner } from '../python/answer-key';
import type { SheetEngine } from '../sheets/engine';
import type { Boards } from './prediction-view';

export type SocketData = {
  code?: string;
  /** The joined room's deck and when it started (neither ever changes). */
  deckId?: string;
  roomCreatedAt?: number;
  role?: Role;
  /** From the signed cookie: who a vote counts for. */
  participantId?: string;
  /** The sheets where this socket showed presence, by socket.io room, with its Yjs client: taken off them when it goes. */
  sheets?: Map<string, { code: string; predictionId: string; teamId: string; clientId: number }>;
};

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** What handlers need from the process; tests build their own. */
export type Services = {
  io: AppServer;
  store: Store;
  decks: ReadonlyMap<string, Deck>;
  audience: Audience;
  /** Shared live state: in memory for one process, Redis for several. */
  live: Live;
  tallies: Tallies;
  /** Polls as first read, for checking a ballot's choice without reading the poll per vote. */
  pollDefinitions: PollDefinitions;
  /** Team sheets' Yjs docs, in a worker under a watchdog. */
  sheets: SheetEngine;
  /** The presenters' class view of a prediction, coalesced. */
  boards: Boards;
  /** Closes a poll's round when its countdown ends, in the process that started it. */
  countdowns: Countdowns;
  /** Pyodide, started on first use: grades answers and runs the presenter's what-ifs. */
  python: () => Promise<AnswerKeyRunner>;
  participants: Participants;
  /** Per-address budgets: voter ids, rooms, join-code guesses. */
  addressLimits: AddressLimits;
  addressOf: (req: IncomingMessage) => string;
  limits: Limits;
  publicUrl: Config['publicUrl'];
  port: () => number;
  now: () => number;
};

/** Socket.io room holding a room's presenter devices: audience counts go only to them. */
export const presentersOf = (code: string) => `presenters:${code}`;
