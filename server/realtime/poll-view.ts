import type { PollState, RoomSnapshot } from '../protocol';
import { closePoll, isOverdue, pollState } from '../polls/poll';
import type { Poll } from '../polls/poll';
import type { Room } from '../rooms/room';
import { roomSnapshot } from '../rooms/room';
import { changeRoom, untilStored } from './room-change';
import { myTeam, predictionStateOf } from './prediction-view';
import type { AppSocket, Services } from './types';
import { presentersOf } from './types';

/** Tells the room which poll is on screen: students see results only once revealed. */
export async function announcePoll(services: Services, room: Room, version = room.version) {
  const { io, store, tallies } = services;
  const poll = room.activePollId ? await store.getPoll(room.code, room.activePollId) : undefined;
  if (!poll) return void io.to(room.code).emit('poll:state', { version, poll: null });
  const results = await tallies.results(poll);
  const now = services.now();
  io.to(room.code).except(presentersOf(room.code)).emit('poll:state', { version, poll: pollState(poll, results, 'student', now) });
  io.to(presentersOf(room.code)).emit('poll:state', { version, poll: pollState(poll, results, 'presenter', now) });
}

/**
 * After a poll changed: if it is on screen (or `show` puts it there), bumps the room's version
 * and tells everyone; the presenter's tally follows. Returns the presenter's view of the poll.
 */
export async function pollChanged(services: Services, poll: Poll, show = false): Promise<PollState> {
  const { after } = await changeRoom(services, poll.roomCode, (room) =>
    show || room.activePollId === poll.id ? { ...room, activePollId: poll.id, version: room.version + 1 } : undefined,
  );
  if (after) await announcePoll(services, after);
  services.tallies.changed(poll.roomCode, poll.id);
  return pollState(poll, await services.tallies.results(poll), 'presenter', services.now());
}

/**
 * Closes a round whose countdown has run out, unless a process already did: whichever sees it
 * first (the timer of the process that started it, a late vote, a snapshot after a restart).
 */
export async function closeIfOverdue(services: Services, code: string, pollId: string): Promise<Poll | null> {
  const closed = await untilStored(async () => {
    const poll = await services.store.getPoll(code, pollId);
    if (!poll || !isOverdue(poll, services.now())) return null;
    const next = closePoll(poll);
    return (await services.store.updatePoll(next)) ? next : undefined;
  });
  if (closed) await pollChanged(services, closed);
  return closed;
}

/** A snapshot for this socket: its view of the poll and prediction on screen and, for a student, its ballot and team. */
export async function snapshotFor(services: Services, room: Room, socket: AppSocket): Promise<RoomSnapshot> {
  const audience = await services.audience.count(room.code);
  const role = socket.data.role === 'presenter' ? 'presenter' : 'student';
  const pid = socket.data.participantId;
  const prediction = await predictionStateOf(services, room);
  const team = role === 'student' && pid ? await myTeam(services, room, pid) : null;
  const stored = room.activePollId ? await services.store.getPoll(room.code, room.activePollId) : undefined;
  const poll = stored && isOverdue(stored, services.now()) ? ((await closeIfOverdue(services, room.code, stored.id)) ?? (await services.store.getPoll(room.code, stored.id))) : stored;
  if (!poll) return roomSnapshot(room, audience, { prediction, team });
  const myVote = role === 'student' && pid ? await services.tallies.myVote(poll, pid) : null;
  // Tallying costs O(ballots): a hall of phones rejoining mid-poll must not pay it per join.
  const results = role === 'presenter' || poll.revealed ? await services.tallies.results(poll) : [];
  return roomSnapshot(room, audience, { poll: pollState(poll, results, role, services.now()), myVote, prediction, team });
}
