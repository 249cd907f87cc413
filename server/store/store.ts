import type { SlidePosition } from '../protocol';
import type { Room } from '../rooms/room';

/**
 * Everything the server must not lose. Handlers keep no state of their own that this does not
 * hold; an acknowledged change is in the store before the ack goes out.
 */
export interface Store {
  /** Returns false when the code is taken, so the caller can draw another. */
  createRoom(room: Room): Promise<boolean>;
  getRoom(code: string): Promise<Room | undefined>;
  savePosition(code: string, version: number, slide: SlidePosition): Promise<void>;
  addPresenterSecret(code: string, secretHash: string): Promise<void>;
  savePairToken(code: string, tokenHash: string, expiresAt: number): Promise<void>;
  /** Consumes a pairing token: true once, for an unexpired token of that room. */
  takePairToken(code: string, tokenHash: string, now: number): Promise<boolean>;
  close(): Promise<void>;
}
