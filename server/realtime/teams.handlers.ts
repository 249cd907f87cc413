import { TEAM_LIMITS, TeamPick, TeamRename, TeamsConfigure } from '../protocol';
import type { Member, MyTeam } from '../protocol';
import { Refusal } from '../errors';
import { formTeams, memberView } from '../predictions/teams';
import type { Room } from '../rooms/room';
import { handle } from './handler';
import { openRoom } from './open-room';
import { announceTeam, myTeam, participantRoom, sheetRoom, teamRoom } from './prediction-view';
import type { AppSocket, Services } from './types';

/** The room's predict blocks: a team's sheet rooms are one per block. */
async function predictionIdsOf(services: Services, code: string): Promise<string[]> {
  const deck = services.decks.get((await services.store.getRoom(code))?.deckId ?? '');
  return deck ? deck.stacks.flat().flatMap((s) => (s.prediction ? [s.prediction.id] : [])) : [];
}

/**
 * Moves a participant's sockets (every tab, on every process) from one team's room to another's,
 * and out of the old team's sheets, whose edits they must no longer receive.
 */
function moveSockets(services: Services, code: string, predictionIds: string[], participantId: string, from: string | null, to: string | null) {
  if (from === to) return;
  const sockets = services.io.in(participantRoom(code, participantId));
  if (from) sockets.socketsLeave([teamRoom(code, from), ...predictionIds.map((id) => sheetRoom(code, id, from))]);
  if (to) sockets.socketsJoin(teamRoom(code, to));
}

/**
 * A student who joins: recorded (join order), and, once teams are formed, put in the smallest team;
 * their socket joins their team's room.
 */
export async function placeStudent(services: Services, room: Room, socket: AppSocket) {
  const participantId = socket.data.participantId;
  if (!participantId) return;
  await socket.join(participantRoom(room.code, participantId));
  const me = await services.store.addParticipant(room.code, participantId, services.now());
  if (!me.teamId && room.teams.formed && room.teams.mode === 'auto') {
    const teamId = await services.store.joinSmallestTeam(room.code, participantId, TEAM_LIMITS.maxSize);
    await socket.join(teamRoom(room.code, teamId));
    await announceTeam(services, room.code, teamId);
  } else if (me.teamId) await socket.join(teamRoom(room.code, me.teamId));
}

/**
 * Splits the students connected now (on every process) into teams, by join order, in one
 * transaction; every phone then asks for a snapshot.
 */
export async function formTeamsNow(services: Services, code: string) {
  const sockets = await services.io.in(code).fetchSockets();
  const connected = new Set(sockets.flatMap((s) => (s.data.role === 'student' && s.data.participantId ? [s.data.participantId] : [])));
  const everyone = await services.store.listParticipants(code);
  const teams = formTeams(everyone.filter((p) => connected.has(p.participantId)).map((p) => p.participantId));
  await services.store.setTeams(code, { mode: 'auto', tables: 0, formed: true }, teams);
  const predictionIds = await predictionIdsOf(services, code);
  for (const p of everyone) moveSockets(services, code, predictionIds, p.participantId, p.teamId, teams.get(p.participantId) ?? null);
  services.io.to(code).emit('team:reset', { mode: 'auto', tables: 0 });
}

export function registerTeamHandlers(services: Services, socket: AppSocket) {
  const { store } = services;
  const studentOnly = (role: string | undefined, participantId: string | undefined) => {
    if (role !== 'student') throw new Refusal('FORBIDDEN', 'Only students are in teams.');
    if (!participantId) throw new Refusal('NOT_JOINED', 'Reload the page to get a voter id.');
    return participantId;
  };

  handle(socket, 'team:rename', TeamRename, 'member', async ({ name }, session): Promise<Member> => {
    const participantId = studentOnly(session.role, session.participantId);
    await store.renameParticipant(session.code, participantId, name);
    const me = await store.getParticipant(session.code, participantId);
    if (me?.teamId) await announceTeam(services, session.code, me.teamId);
    return memberView({ participantId, name });
  });

  handle(socket, 'team:pick', TeamPick, 'member', async (input, session): Promise<MyTeam> => {
    const participantId = studentOnly(session.role, session.participantId);
    const room = await openRoom(services, session.code);
    if (room.teams.mode !== 'tables') throw new Refusal('INVALID_PAYLOAD', 'The presenter forms the teams in this room.');
    if (input.table > room.teams.tables) throw new Refusal('INVALID_PAYLOAD', `There are ${room.teams.tables} tables.`);
    const before = await store.getParticipant(room.code, participantId);
    const teamId = `table-${input.table}`;
    await store.assignTeam(room.code, participantId, teamId);
    moveSockets(services, room.code, await predictionIdsOf(services, room.code), participantId, before?.teamId ?? null, teamId);
    if (before?.teamId && before.teamId !== teamId) await announceTeam(services, room.code, before.teamId);
    await announceTeam(services, room.code, teamId);
    return myTeam(services, room, participantId);
  });

  handle(socket, 'teams:configure', TeamsConfigure, 'presenter', async (input, { code }) => {
    if (input.mode === 'auto') {
      await formTeamsNow(services, code);
      return { mode: input.mode, tables: 0 };
    }
    const everyone = await store.listParticipants(code);
    await store.setTeams(code, { mode: 'tables', tables: input.tables, formed: true }, new Map());
    const predictionIds = await predictionIdsOf(services, code);
    for (const p of everyone) moveSockets(services, code, predictionIds, p.participantId, p.teamId, null);
    services.io.to(code).emit('team:reset', { mode: 'tables', tables: input.tables });
    return { mode: input.mode, tables: input.tables };
  });
}
