import type { SheetRow, Verdict } from '../protocol';

/** A prediction as a room runs it: open for editing, then locked and revealed step by step. */
export type RoomPrediction = { roomCode: string; predictionId: string; status: 'open' | 'locked'; revealed: number };

/**
 * One team's sheet of one prediction: the server's own Yjs state (never a client's bytes), the
 * rows read from it, and a version that makes every save a compare-and-set.
 */
export type Sheet = { roomCode: string; predictionId: string; teamId: string; version: number; state: Uint8Array; rows: SheetRow[]; updatedAt: number };

/** A team's verdict on one revealed step, fixed when the step is revealed (sheets are locked by then). */
export type Grade = { predictionId: string; teamId: string; step: number; verdict: Verdict; label: string };
