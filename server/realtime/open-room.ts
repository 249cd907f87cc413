import { Refusal } from '../errors';
import { isExpired } from '../rooms/room';
import type { Room } from '../rooms/room';
import type { Services } from './types';

/** The room behind a code, or the refusal a client gets for it: unknown or ended (unless `ended` rooms are wanted, as by the results export). */
export async function openRoom(services: Services, code: string, { ended = false } = {}): Promise<Room> {
  const room = await services.store.getRoom(code);
  if (!room) throw new Refusal('NOT_FOUND');
  if (!ended && isExpired(room, services.now(), services.limits.roomTtlMs)) throw new Refusal('ROOM_EXPIRED');
  return room;
}
