import { z } from 'zod';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from './constants';
import type { Ack } from './constants';

export const JoinCode = z
  .string()
  .length(JOIN_CODE_LENGTH)
  .refine((s) => [...s].every((c) => JOIN_CODE_ALPHABET.includes(c)), 'not a join code');

/** 128+ bits as base64url: 22 chars at least; bounded so a huge string is refused early. */
export const PresenterSecret = z.string().min(22).max(128);

/** A reveal.js position: horizontal, vertical, fragment (-1 = no fragment shown yet). */
export const SlidePosition = z.strictObject({
  h: z.number().int().min(0).max(10_000),
  v: z.number().int().min(0).max(10_000),
  f: z.number().int().min(-1).max(10_000),
});
export type SlidePosition = z.infer<typeof SlidePosition>;

export const Handshake = z.object({ protocol: z.number().int() });
export type Handshake = z.infer<typeof Handshake>;

// ---- client -> server events (each acked) ----

export const RoomJoin = z.strictObject({ code: JoinCode, presenterSecret: PresenterSecret.optional() });
export type RoomJoin = z.infer<typeof RoomJoin>;

export const RoomSnapshotRequest = z.strictObject({});
export const SlideSet = SlidePosition;
export type SlideSet = z.infer<typeof SlideSet>;

export const PresenterPair = z.strictObject({});
export const PresenterRedeem = z.strictObject({ code: JoinCode, token: z.string().min(22).max(128) });
export type PresenterRedeem = z.infer<typeof PresenterRedeem>;

// ---- what the server sends ----

export type Role = 'presenter' | 'student';

/** Everything a client needs to catch up; sent on join, reconnect and whenever it asks. */
export type RoomSnapshot = {
  code: string;
  deckId: string;
  version: number;
  slide: SlidePosition;
  audience: number;
  startedAt: number;
};

/** Broadcast to the whole room on every change; `version` lets a client spot a gap. */
export type RoomStateBroadcast = { version: number; slide: SlidePosition };
export type AudienceBroadcast = { audience: number };

export type RoomJoinResult = { role: Role; snapshot: RoomSnapshot };
export type PairResult = { url: string; qrSvg: string; expiresAt: number };
export type RedeemResult = { presenterSecret: string };

/** The socket.io event map, shared by the server and the browser clients. */
export type ClientToServerEvents = {
  'room:join': (input: RoomJoin, ack: (res: Ack<RoomJoinResult>) => void) => void;
  'room:snapshot': (input: Record<string, never>, ack: (res: Ack<RoomSnapshot>) => void) => void;
  'slide:set': (input: SlideSet, ack: (res: Ack<{ version: number }>) => void) => void;
  'presenter:pair': (input: Record<string, never>, ack: (res: Ack<PairResult>) => void) => void;
  'presenter:redeem': (input: PresenterRedeem, ack: (res: Ack<RedeemResult>) => void) => void;
};

export type ServerToClientEvents = {
  'room:state': (msg: RoomStateBroadcast) => void;
  'room:audience': (msg: AudienceBroadcast) => void;
};
