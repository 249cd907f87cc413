import type { Ballot, Poll } from '../polls/poll';
import type { Room } from '../rooms/room';
import type { Participant, TeamsConfig } from '../predictions/teams';
import type { Grade, RoomPrediction, Sheet } from '../predictions/sheet';

/**
 * Everything the server must not lose. Handlers keep no state of their own that this does not
 * hold; an acknowledged change is in the store before the ack goes out.
 */
export interface Store {
  /** Returns false when the code is taken, so the caller can draw another. */
  createRoom(room: Room): Promise<boolean>;
  getRoom(code: string): Promise<Room | undefined>;
  /** Saves what a broadcast announces: the version, the slide, the poll and prediction on screen. */
  saveRoomState(room: Pick<Room, 'code' | 'version' | 'slide' | 'activePollId' | 'activePredictionId'>): Promise<void>;
  addPresenterSecret(code: string, secretHash: string): Promise<void>;
  savePairToken(code: string, tokenHash: string, expiresAt: number): Promise<void>;
  /** Consumes a pairing token: true once, for an unexpired token of that room. */
  takePairToken(code: string, tokenHash: string, now: number): Promise<boolean>;
  savePoll(poll: Poll): Promise<void>;
  getPoll(code: string, pollId: string): Promise<Poll | undefined>;
  listPolls(code: string): Promise<Poll[]>;
  /** Inserts or replaces the participant's ballot for that round. */
  saveBallot(ballot: Ballot): Promise<void>;
  listBallots(code: string, pollId: string): Promise<Ballot[]>;
  deleteBallots(code: string, pollId: string): Promise<void>;
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
  getPrediction(code: string, predictionId: string): Promise<RoomPrediction | undefined>;
  savePrediction(prediction: RoomPrediction): Promise<void>;
  getSheet(code: string, predictionId: string, teamId: string): Promise<Sheet | undefined>;
  /** Compare-and-set: saves only if the stored version is `sheet.version - 1` (0: none yet). */
  saveSheet(sheet: Sheet): Promise<boolean>;
  listSheets(code: string, predictionId: string): Promise<Sheet[]>;
  /** Stores one revealed step's verdicts, replacing any earlier grading of that step. */
  saveGrades(code: string, grades: Grade[]): Promise<void>;
  listGrades(code: string): Promise<Grade[]>;
  close(): Promise<void>;
}
