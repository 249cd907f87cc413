import { createHash } from 'node:crypto';
import type { Member, TeamView, TeamsMode } from '../protocol';

/** A student as the room knows them: the voter cookie's id, a chosen name, a team. */
export type Participant = { roomCode: string; participantId: string; name: string | null; teamId: string | null; joinedAt: number };
/** How the room's teams are made; `formed` once the server has split the room into teams. */
export type TeamsConfig = { mode: TeamsMode; tables: number; formed: boolean };

export const NO_TEAMS: TeamsConfig = { mode: 'auto', tables: 0, formed: false };

const ADJECTIVES = ['Curious', 'Lazy', 'Eager', 'Quiet', 'Brave', 'Sleepy', 'Clever', 'Lucky', 'Nimble', 'Patient', 'Witty', 'Bold', 'Calm', 'Merry', 'Swift', 'Gentle'];
const ANIMALS = ['Otter', 'Heron', 'Falcon', 'Badger', 'Lynx', 'Panda', 'Gecko', 'Koala', 'Bison', 'Puffin', 'Marten', 'Ibis', 'Yak', 'Newt', 'Orca', 'Tapir'];
const TEAM_NAMES = ['Generators', 'Iterators', 'Coroutines', 'Awaitables', 'Yielders', 'Senders', 'Closers', 'Throwers', 'Loopers', 'Futures', 'Tasks', 'Lambdas'];
/** Readable on a dark phone and a projector; a member's colour follows from their id. */
const COLORS = ['#f59e0b', '#38bdf8', '#a78bfa', '#34d399', '#f472b6', '#fb7185', '#facc15', '#60a5fa', '#4ade80', '#c084fc'];

const digest = (id: string) => createHash('sha256').update(id).digest();

/** A friendly name until the student picks one: the same one on every reload. */
export function generatedName(participantId: string): string {
  const d = digest(participantId);
  return `${ADJECTIVES[d[0]! % ADJECTIVES.length]} ${ANIMALS[d[1]! % ANIMALS.length]}`;
}

/** What teammates see: a public id (never the cookie's), the name, a colour. */
export function memberView(p: Pick<Participant, 'participantId' | 'name'>): Member {
  const d = digest(p.participantId);
  return { id: d.subarray(4, 10).toString('base64url'), name: p.name ?? generatedName(p.participantId), color: COLORS[d[2]! % COLORS.length]! };
}

export function teamName(teamId: string): string {
  const n = Number(teamId.split('-')[1]);
  if (teamId.startsWith('table-')) return `Table ${n}`;
  const name = TEAM_NAMES[(n - 1) % TEAM_NAMES.length]!;
  return n > TEAM_NAMES.length ? `${name} ${Math.ceil(n / TEAM_NAMES.length)}` : `The ${name}`;
}

export function teamView(teamId: string, members: Participant[]): TeamView {
  return { id: teamId, name: teamName(teamId), members: members.filter((m) => m.teamId === teamId).map(memberView) };
}

/**
 * Splits students, in join order, into teams of 3–5 (fewer only when fewer are in the room):
 * about four per team, sizes differing by at most one, consecutive joiners together.
 */
export function formTeams(participantIds: string[]): Map<string, string> {
  const count = Math.max(1, Math.round(participantIds.length / 4));
  const teams = new Map<string, string>();
  participantIds.forEach((id, i) => teams.set(id, `team-${Math.floor((i * count) / participantIds.length) + 1}`));
  return teams;
}
