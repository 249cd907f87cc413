import type { Ballot, Poll } from '../polls/poll';
import type { Room } from '../rooms/room';

/**
 * Everything the server must not lose. Handlers keep no state of their own that this does not
 * hold; an acknowledged change is in the store before the ack goes out.
 */
export interface Store {
  /** Returns false when the code is taken, so the caller can draw another. */
  createRoom(room: Room): Promise<boolean>;
  getRoom(code: string): Promise<Room | undefined>;
  /** Saves what a broadcast announces: the version, the slide and the poll on screen. */
  saveRoomState(room: Pick<Room, 'code' | 'version' | 'slide' | 'activePollId'>): Promise<void>;
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
  close(): Promise<void>;
}
