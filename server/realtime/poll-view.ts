import type { RoomSnapshot } from '../protocol';
import { pollState } from '../polls/poll';
import type { Room } from '../rooms/room';
import { roomSnapshot } from '../rooms/room';
import type { AppSocket, Services } from './types';
import { presentersOf } from './types';

/** Tells the room which poll is on screen: students see results only once revealed. */
export async function announcePoll(services: Services, room: Room) {
  const { io, store, tallies } = services;
  const poll = room.activePollId ? await store.getPoll(room.code, room.activePollId) : undefined;
  if (!poll) return void io.to(room.code).emit('poll:state', { version: room.version, poll: null });
  const results = await tallies.results(poll);
  io.to(room.code).except(presentersOf(room.code)).emit('poll:state', { version: room.version, poll: pollState(poll, results, 'student') });
  io.to(presentersOf(room.code)).emit('poll:state', { version: room.version, poll: pollState(poll, results, 'presenter') });
}

/** A snapshot for this socket: its view of the poll on screen and, for a student, its ballot. */
export async function snapshotFor(services: Services, room: Room, socket: AppSocket): Promise<RoomSnapshot> {
  const audience = services.audience.count(room.code);
  const poll = room.activePollId ? await services.store.getPoll(room.code, room.activePollId) : undefined;
  if (!poll) return roomSnapshot(room, audience);
  const role = socket.data.role === 'presenter' ? 'presenter' : 'student';
  const pid = socket.data.participantId;
  const myVote = role === 'student' && pid ? await services.tallies.myVote(poll, pid) : null;
  // Tallying costs O(ballots): a hall of phones rejoining mid-poll must not pay it per join.
  const results = role === 'presenter' || poll.revealed ? await services.tallies.results(poll) : [];
  return roomSnapshot(room, audience, pollState(poll, results, role), myVote);
}
