import { z } from 'zod';
import { SHEET_LIMITS, TEAM_LIMITS } from './constants';

/** A predict block's id, as the deck compiler makes it. */
export const PredictionId = z.string().regex(/^predict-[0-9a-f]{10}$/, 'not a prediction id');
/** `team-N` when the server forms teams, `table-N` when students sit at tables. */
export const TeamId = z.string().regex(/^(team|table)-\d{1,3}$/, 'not a team id');

/** Shown as text wherever it appears; control and bidi characters, and towers of combining marks, are refused. */
export const DisplayName = z
  .string()
  .trim()
  .min(1)
  .max(TEAM_LIMITS.name)
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'no control or formatting characters')
  .refine((s) => !/\p{M}{3}/u.test(s), 'at most two accents on a letter');

export const TeamRename = z.strictObject({ name: DisplayName });
export type TeamRename = z.infer<typeof TeamRename>;
export const TeamPick = z.strictObject({ table: z.number().int().min(1).max(TEAM_LIMITS.tables) });
export type TeamPick = z.infer<typeof TeamPick>;
export const TeamsConfigure = z.union([
  z.strictObject({ mode: z.literal('auto') }),
  z.strictObject({ mode: z.literal('tables'), tables: z.number().int().min(2).max(TEAM_LIMITS.tables) }),
]);
export type TeamsConfigure = z.infer<typeof TeamsConfigure>;

/** Binary as socket.io delivers it (a Buffer on Node, a Uint8Array or ArrayBuffer in a browser). */
const Bytes = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array || v instanceof ArrayBuffer, 'expected binary')
  .transform((v) => (v instanceof Uint8Array ? v : new Uint8Array(v)))
  .refine((b) => b.byteLength >= 1 && b.byteLength <= SHEET_LIMITS.messageBytes, `1 byte to ${SHEET_LIMITS.messageBytes / 1024} KB`);

/** A y-protocols sync message (step 1, step 2 or update) for one team's sheet of one prediction. */
export const SheetSync = z.strictObject({ predictionId: PredictionId, teamId: TeamId.optional(), message: Bytes });
export type SheetSync = z.input<typeof SheetSync>;
/** A y-protocols awareness update: who is editing which row. */
export const SheetAwareness = z.strictObject({ predictionId: PredictionId, message: Bytes });
export type SheetAwareness = z.input<typeof SheetAwareness>;

export const PredictAction = z.strictObject({ predictionId: PredictionId });
export type PredictAction = z.infer<typeof PredictAction>;
export const PredictPoll = z.strictObject({ predictionId: PredictionId, step: z.number().int().min(0).max(19) });
export type PredictPoll = z.infer<typeof PredictPoll>;
export const PredictWhatIf = z.strictObject({ predictionId: PredictionId, steps: z.array(z.string().trim().min(1).max(200)).min(1).max(20) });
export type PredictWhatIf = z.infer<typeof PredictWhatIf>;

// ---- what the server sends ----

export type TeamsMode = 'auto' | 'tables';
/** `id` is a short public id, never the voter cookie's. */
export type Member = { id: string; name: string; color: string };
export type TeamView = { id: string; name: string; members: Member[] };
/** A student's place: the room's team mode, who they are, and their team (none until formed or picked). */
export type MyTeam = { mode: TeamsMode; tables: number; me: Member; team: TeamView | null };

/** What one step did, as executed in Python (the deck's answer key). */
export type StepOutcome = { kind: 'value'; repr: string } | { kind: 'stop'; repr: string } | { kind: 'raise'; type: string; message: string } | { kind: 'timeout' };
export type StepRecord = {
  call: string;
  outcome: StepOutcome;
  /** inspect.getgeneratorstate after the step. */
  state: 'GEN_CREATED' | 'GEN_RUNNING' | 'GEN_SUSPENDED' | 'GEN_CLOSED' | null;
  /** Where the innermost generator (through `yield from`) is suspended, if it is. */
  at: { file: string; line: number; function: string } | null;
  /** What the step printed. */
  printed: string;
};

/** A row of a team sheet as the server reads it: what the team predicts one step does. */
export type RowKind = 'value' | 'stop' | 'raise';
export type SheetRow = { kind: RowKind | ''; value: string; prints: string };
export type Verdict = 'right' | 'wrong' | 'blank';

/** A prediction on screen. Students get the revealed steps' outcomes and every team's verdicts on them. */
export type PredictionState = {
  id: string;
  status: 'open' | 'locked';
  revealed: StepRecord[];
  /** Team id -> verdict per revealed step (graded steps only; others null). */
  grades: Record<string, (Verdict | null)[]>;
};

/** One step's spread of team predictions, for the speaker view (and the projector once revealed). */
export type StepSpread = { step: number; answers: { label: string; teams: string[]; correct: boolean }[]; blank: string[] };
export type BoardTeam = { id: string; name: string; members: number; filled: number; editing: boolean; right: number; graded: number };
export type PredictionBoard = { predictionId: string; teams: BoardTeam[]; steps: StepSpread[] };

/** A step 1 is answered with step 2, the server's own step 1 and the team's awareness; a write with nothing. */
export type SheetSyncResult = { messages: Uint8Array[]; awareness: Uint8Array | null };
export type PredictionStateBroadcast = { version: number; prediction: PredictionState | null };
export type SheetSyncBroadcast = { predictionId: string; teamId: string; message: Uint8Array };
