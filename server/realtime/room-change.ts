import { Refusal } from '../errors';
import type { Room } from '../rooms/room';
import { openRoom } from './open-room';
import type { Services } from './types';

/** How many times a change is tried again after another writer changed the same thing first. */
const ATTEMPTS = 20;

/**
 * Runs a compare-and-set change until it lands: `attempt` reads what it needs, computes the next
 * state and tries to store it, returning undefined when another writer got there first. Several
 * devices and several processes can change one room this way with no lock in memory.
 */
export async function untilStored<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < ATTEMPTS; i++) {
    const done = await attempt();
    if (done !== undefined) return done;
  }
  throw new Refusal('INTERNAL', 'The room is busy; try again.');
}

/**
 * Moves the room from its stored state to `change(room)` (a new version), compare-and-set; no
 * change when `change` returns undefined. Returns the room before and, if it changed, after.
 */
export function changeRoom(services: Services, code: string, change: (room: Room) => Room | undefined | Promise<Room | undefined>): Promise<{ before: Room; after?: Room }> {
  return untilStored(async () => {
    const before = await openRoom(services, code);
    const after = await change(before);
    if (!after) return { before };
    return (await services.store.updateRoom(after, before.version)) ? { before, after } : undefined;
  });
}
