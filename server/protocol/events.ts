import { z } from 'zod';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, POLL_LIMITS, plainText } from './constants';
import type { Ack } from './constants';
import type {
  MyTeam,
  Member,
  PredictAction,
  PredictPoll,
  PredictWhatIf,
  PredictionBoard,
  PredictionState,
  PredictionStateBroadcast,
  SheetAwareness,
  SheetSync,
  SheetSyncBroadcast,
  SheetSyncResult,
  StepRecord,
  TeamPick,
  TeamRename,
  TeamView,
  TeamsConfigure,
  TeamsMode,
  Verdict,
} from './predictions';

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
  /** The poll on screen, if any; presenters get live results, students only revealed ones. */
  poll: PollState | null;
  /** This participant's ballot in the poll on screen (students only). */
  myVote: MyVote | null;
  /** The prediction on screen, if any: revealed steps and every team's verdicts on them. */
  prediction: PredictionState | null;
  /** A student's team (students only). */
  team: MyTeam | null;
};

/** Broadcast to the whole room on every change; `version` lets a client spot a gap. */
export type RoomStateBroadcast = { version: number; slide: SlidePosition };
export type AudienceBroadcast = { audience: number };

export type RoomJoinResult = { role: Role; snapshot: RoomSnapshot };
/** `ttlMs`: how long the link works from now (the phone's clock may differ from the server's `expiresAt`). */
export type PairResult = { url: string; qrSvg: string; expiresAt: number; ttlMs: number };
export type RedeemResult = { presenterSecret: string };

/** The socket.io event map, shared by the server and the browser clients. */
export type ClientToServerEvents = {
  'room:join': (input: RoomJoin, ack: (res: Ack<RoomJoinResult>) => void) => void;
  'room:snapshot': (input: Record<string, never>, ack: (res: Ack<RoomSnapshot>) => void) => void;
  'slide:set': (input: SlideSet, ack: (res: Ack<{ version: number }>) => void) => void;
  'presenter:pair': (input: Record<string, never>, ack: (res: Ack<PairResult>) => void) => void;
  'presenter:redeem': (input: PresenterRedeem, ack: (res: Ack<RedeemResult>) => void) => void;
  'poll:open': (input: PollOpen, ack: (res: Ack<PollState>) => void) => void;
  'poll:close': (input: PollAction, ack: (res: Ack<PollState>) => void) => void;
  'poll:reveal': (input: PollAction, ack: (res: Ack<PollState>) => void) => void;
  'poll:split': (input: PollAction, ack: (res: Ack<PollState>) => void) => void;
  'poll:countdown': (input: PollCountdown, ack: (res: Ack<PollState>) => void) => void;
  'poll:revote': (input: PollAction, ack: (res: Ack<PollState>) => void) => void;
  'poll:reset': (input: PollAction, ack: (res: Ack<PollState>) => void) => void;
  'poll:vote': (input: PollVote, ack: (res: Ack<MyVote>) => void) => void;
  'team:rename': (input: TeamRename, ack: (res: Ack<Member>) => void) => void;
  'team:pick': (input: TeamPick, ack: (res: Ack<MyTeam>) => void) => void;
  'teams:configure': (input: TeamsConfigure, ack: (res: Ack<{ mode: TeamsMode; tables: number }>) => void) => void;
  'sheet:sync': (input: SheetSync, ack: (res: Ack<SheetSyncResult>) => void) => void;
  'sheet:awareness': (input: SheetAwareness, ack: (res: Ack<Record<string, never>>) => void) => void;
  'predict:lock': (input: PredictAction, ack: (res: Ack<PredictionState>) => void) => void;
  'predict:unlock': (input: PredictAction, ack: (res: Ack<PredictionState>) => void) => void;
  'predict:reveal': (input: PredictAction, ack: (res: Ack<PredictionState>) => void) => void;
  'predict:board': (input: PredictAction, ack: (res: Ack<PredictionBoard>) => void) => void;
  'predict:poll': (input: PredictPoll, ack: (res: Ack<PollState>) => void) => void;
  'predict:whatif': (input: PredictWhatIf, ack: (res: Ack<StepRecord[]>) => void) => void;
};

export type ServerToClientEvents = {
  'room:state': (msg: RoomStateBroadcast) => void;
  'room:audience': (msg: AudienceBroadcast) => void;
  /** Broadcasts may have been missed (the server lost Redis for a while): ask for a snapshot. */
  'room:stale': () => void;
  /** A pairing link was used: the speaker view hides its QR code. */
  'presenter:paired': () => void;
  'poll:state': (msg: PollStateBroadcast) => void;
  'poll:tally': (msg: PollTallyBroadcast) => void;
  'predict:state': (msg: PredictionStateBroadcast) => void;
  'predict:board': (msg: PredictionBoard) => void;
  'team:state': (msg: { team: TeamView }) => void;
  'team:reset': (msg: { mode: TeamsMode; tables: number }) => void;
  'sheet:sync': (msg: SheetSyncBroadcast) => void;
  'sheet:awareness': (msg: SheetSyncBroadcast) => void;
};

// ---- polls ----

export const PollId = z.string().regex(/^[\w-]{1,64}$/, 'not a poll id');
export const PollKind = z.enum(['single', 'multiple', 'numeric', 'text']);

/** A poll the presenter writes on the spot; deck polls are opened by id. */
export const AdHocPoll = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.enum(['single', 'multiple']),
    question: z.string().trim().min(1).max(POLL_LIMITS.question),
    options: z.array(z.string().trim().min(1).max(POLL_LIMITS.option)).min(2).max(POLL_LIMITS.options),
    correct: z.array(z.number().int().min(0)).max(POLL_LIMITS.options).optional(),
  }),
  z.strictObject({ kind: z.literal('numeric'), question: z.string().trim().min(1).max(POLL_LIMITS.question), correct: z.number().finite().optional() }),
  z.strictObject({ kind: z.literal('text'), question: z.string().trim().min(1).max(POLL_LIMITS.question) }),
]);
export type AdHocPoll = z.infer<typeof AdHocPoll>;

export const PollOpen = z.union([z.strictObject({ pollId: PollId }), z.strictObject({ adHoc: AdHocPoll })]);
export type PollOpen = z.infer<typeof PollOpen>;
export const PollAction = z.strictObject({ pollId: PollId });
export type PollAction = z.infer<typeof PollAction>;
/** A countdown on the open round: the server closes voting `seconds` from now. */
export const PollCountdown = z.strictObject({ pollId: PollId, seconds: z.number().int().min(POLL_LIMITS.countdown.min).max(POLL_LIMITS.countdown.max) });
export type PollCountdown = z.infer<typeof PollCountdown>;

/** A ballot: one option, several, a number or a few words, depending on the poll's kind. */
export const Choice = z.union([
  z.strictObject({ option: z.number().int().min(0).max(POLL_LIMITS.options - 1) }),
  z.strictObject({ options: z.array(z.number().int().min(0).max(POLL_LIMITS.options - 1)).min(1).max(POLL_LIMITS.options) }),
  z.strictObject({ value: z.number().finite().min(-POLL_LIMITS.numeric).max(POLL_LIMITS.numeric) }),
  z.strictObject({ text: z.string().max(POLL_LIMITS.text * 4).transform(plainText).pipe(z.string().min(1).max(POLL_LIMITS.text)) }),
]);
export type Choice = z.infer<typeof Choice>;

export const PollVote = z.strictObject({ pollId: PollId, round: z.number().int().min(1).max(100), choice: Choice });
export type PollVote = z.infer<typeof PollVote>;

export type PollStatus = 'open' | 'closed';

/** Results of one round: counts per option, or a histogram, or a word list. */
export type RoundTally =
  | { round: number; ballots: number; kind: 'single' | 'multiple'; counts: number[] }
  | { round: number; ballots: number; kind: 'numeric'; bins: { from: number; to: number; count: number }[]; median: number | null }
  /** `words`: the most given answers; `more`: how many other distinct answers there are. */
  | { round: number; ballots: number; kind: 'text'; words: { text: string; count: number }[]; more: number };

/** A poll as a client sees it. Students get `results` once revealed and `correct` only once `correctShown`. */
export type PollState = {
  id: string;
  question: string;
  kind: z.infer<typeof PollKind>;
  options: string[];
  round: number;
  status: PollStatus;
  /** Results shown to the room. */
  revealed: boolean;
  /** The correct answer marked too: false while the room sees the split before a revote (`poll:split`). */
  correctShown: boolean;
  revote: boolean;
  /** An open round with a countdown: milliseconds left when the server sent this (clocks differ, so not a time of day). */
  closesInMs?: number;
  results?: RoundTally[];
  /** Option indexes, a number, or (a prediction's free-entry poll) the executed answer's label. */
  correct?: number[] | number | string;
};

export type PollStateBroadcast = { version: number; poll: PollState | null };
export type PollTallyBroadcast = { pollId: string; audience: number; results: RoundTally[] };
export type MyVote = { pollId: string; round: number; choice: Choice };

/** `GET /api/rooms/CODE/results.json`: every poll, every round, counts and percentages. */
export type AnswerRow = { answer: string; count: number; percent: number; correct: boolean };
/** `named`: a poll that counts (the deck's `names: true`): who answered what, per round. */
export type PollReport = {
  id: string;
  question: string;
  kind: z.infer<typeof PollKind>;
  rounds: { round: number; ballots: number; answers: AnswerRow[] }[];
  named?: { round: number; name: string; answer: string }[];
};
/** A team prediction in the export: per step, the executed answer and each team's, with its verdict once revealed. */
export type PredictionReport = {
  id: string;
  setup: string;
  steps: { step: number; call: string; answer: string; revealed: boolean; teams: { team: string; name: string; answer: string; verdict: Verdict | null }[] }[];
};
export type ResultsReport = { room: string; deckId: string; exportedAt: string; polls: PollReport[]; predictions: PredictionReport[] };
