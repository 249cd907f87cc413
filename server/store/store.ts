import type { Choice } from '../protocol';
import type { Ballot, Poll } from '../polls/poll';
import type { Room } from '../rooms/room';
import type { Participant, TeamsConfig } from '../predictions/teams';
import type { Grade, RoomPrediction, Sheet } from '../predictions/sheet';

/** What a ballot cast came to: counted, or why not (checked in the same transaction as the write). */
/**
 * How much of a poll the room sees, as both stores keep it in one \`revealed\` field: 0 nothing yet,
 * 1 the results and the answer (what 1 always meant), 2 the results without the answer.
 */
export const revealedField = (poll: Pick<Poll, 'revealed' | 'correctShown'>): 0 | 1 | 2 => (!poll.revealed ? 0 : poll.correctShown ? 1 : 2);
export const fromRevealedField = (field: number): Pick<Poll, 'revealed' | 'correctShown'> => ({ revealed: field !== 0, correctShown: field === 1 });

export type CastOutcome = 'cast' | 'closed' | 'round-over' | 'time-up' | 'not-on-screen' | 'missing';
/** What a sheet save came to: stored, another writer stored first, or the prediction is no longer open. */
export type SheetSave = 'saved' | 'conflict' | 'locked';

/**
 * Everything the server must not lose. Every verb is atomic on its own: a change that depends on
 * what is stored says what it expects (a version, a status) and is refused if that no longer
 * holds, so several processes can write one room without a lock in any process's memory.
 * An acknowledged change is in the store before the ack goes out.
 */
export interface Store {
  /** Returns false when the code is taken, so the caller can draw another. */
  createRoom(room: Room): Promise<boolean>;
  getRoom(code: string): Promise<Room | undefined>;
  /**
   * Compare-and-set: saves what a broadcast announces (the version, the slide, the poll and
   * prediction on screen) only if the stored version is still `expectedVersion`.
   */
  updateRoom(room: Pick<Room, 'code' | 'version' | 'slide' | 'activePollId' | 'activePredictionId'>, expectedVersion: number): Promise<boolean>;
  addPresenterSecret(code: string, secretHash: string): Promise<void>;
  savePairToken(code: string, tokenHash: string, expiresAt: number): Promise<void>;
  /** Consumes a pairing token: true once, for an unexpired token of that room. */
  takePairToken(code: string, tokenHash: string, now: number): Promise<boolean>;
  /** Deletes rooms created before `createdBefore`, with everything in them; returns how many. */
  deleteRoomsCreatedBefore(createdBefore: number): Promise<number>;

  /** Adds the poll unless the room has one with its id; returns the stored poll either way. */
  addPoll(poll: Poll): Promise<Poll>;
  getPoll(code: string, pollId: string): Promise<Poll | undefined>;
  listPolls(code: string): Promise<Poll[]>;
  /**
   * Compare-and-set on the poll's version (`next.version - 1` must be stored); `clearBallots`
   * deletes its ballots in the same transaction (a reset).
   */
  updatePoll(next: Poll, options?: { clearBallots?: boolean }): Promise<boolean>;
  /**
   * Inserts or replaces the participant's ballot for its round, only if the poll is on screen,
   * open, in that round and before its countdown's deadline, all checked in the same transaction
   * as the write (a ballot past the deadline is 'time-up' even once the round is closed). Ballots cast in
   * one turn of the event loop may share that transaction (group commit); each settles after it
   * commits, and a verb called after them sees them.
   */
  castBallot(ballot: Ballot): Promise<CastOutcome>;
  getBallot(code: string, pollId: string, round: number, participantId: string): Promise<Choice | undefined>;
  listBallots(code: string, pollId: string): Promise<Ballot[]>;
  /** How many ballots gave each choice, per round: what a tally needs, without a row per ballot. */
  countBallots(code: string, pollId: string): Promise<{ round: number; choice: Choice; count: number }[]>;

  /** Records a student the first time they join; returns them as stored (name, team, join order). */
  addParticipant(code: string, participantId: string, joinedAt: number): Promise<Participant>;
  getParticipant(code: string, participantId: string): Promise<Participant | undefined>;
  renameParticipant(code: string, participantId: string, name: string): Promise<void>;
  /** One team's members, in join order. */
  listTeam(code: string, teamId: string): Promise<Participant[]>;
  /** Everyone who ever joined, in join order. */
  listParticipants(code: string): Promise<Participant[]>;
  /** Replaces the room's team setup and every membership in one transaction. */
  setTeams(code: string, config: TeamsConfig, teams: ReadonlyMap<string, string>): Promise<void>;
  /** Puts one participant in a team (null: none); returns false if they never joined. */
  assignTeam(code: string, participantId: string, teamId: string | null): Promise<boolean>;
  /**
   * A late joiner's team, in one transaction: the one they have, else the smallest team below
   * `maxSize`, else a new one. Returns their team.
   */
  joinSmallestTeam(code: string, participantId: string, maxSize: number): Promise<string>;

  /** Adds the prediction unless the room has it; returns the stored one either way. */
  addPrediction(prediction: RoomPrediction): Promise<RoomPrediction>;
  getPrediction(code: string, predictionId: string): Promise<RoomPrediction | undefined>;
  /** Compare-and-set: saves `next` only if the stored status and revealed count are still `expected`'s. */
  updatePrediction(next: RoomPrediction, expected: RoomPrediction): Promise<boolean>;
  getSheet(code: string, predictionId: string, teamId: string): Promise<Sheet | undefined>;
  /**
   * Compare-and-set: saves only if the stored version is `sheet.version - 1` (0: none yet) and,
   * with `whileOpen`, only while its prediction is open and on screen, in the same transaction.
   */
  saveSheet(sheet: Sheet, options?: { whileOpen?: boolean }): Promise<SheetSave>;
  listSheets(code: string, predictionId: string): Promise<Sheet[]>;
  /** Stores one revealed step's verdicts, replacing any earlier grading of that step. */
  saveGrades(code: string, grades: Grade[]): Promise<void>;
  listGrades(code: string): Promise<Grade[]>;
  close(): Promise<void>;
}
