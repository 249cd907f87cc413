import type { MyTeam, PredictionBoard, StepSpread } from '../protocol';
import { findDeckPrediction, predictionState } from '../predictions/prediction';
import { predictionReport } from '../predictions/export';
import { memberView, teamName, teamView } from '../predictions/teams';
import type { Participant } from '../predictions/teams';
import type { Room } from '../rooms/room';
import { createCoalescer } from './audience';
import type { Services } from './types';
import { presentersOf } from './types';

/** socket.io rooms: a participant's sockets (tabs), a team's sockets, the sockets syncing one sheet. */
export const participantRoom = (code: string, participantId: string) => `participant:${code}:${participantId}`;
export const teamRoom = (code: string, teamId: string) => `team:${code}:${teamId}`;
export const sheetRoom = (code: string, predictionId: string, teamId: string) => `sheet:${code}:${predictionId}:${teamId}`;

/** The prediction on screen as everyone may see it: revealed steps and verdicts only. */
export async function predictionStateOf(services: Services, room: Room) {
  if (!room.activePredictionId) return null;
  const stored = await services.store.getPrediction(room.code, room.activePredictionId);
  const key = services.decks.get(room.deckId)?.answerKeys[room.activePredictionId];
  if (!stored || !key) return null;
  return predictionState(stored, key, await services.store.listGrades(room.code));
}

export async function announcePrediction(services: Services, room: Room, version: number) {
  services.io.to(room.code).emit('predict:state', { version, prediction: await predictionStateOf(services, room) });
}

/** A student's place in the room's teams. */
export async function myTeam(services: Services, room: Room, participantId: string): Promise<MyTeam> {
  const me = (await services.store.getParticipant(room.code, participantId)) ?? { participantId, name: null, teamId: null };
  const team = me.teamId ? teamView(me.teamId, await services.store.listTeam(room.code, me.teamId)) : null;
  return { mode: room.teams.mode, tables: room.teams.tables, me: memberView(me), team };
}

/** Tells a team who is in it, after someone joins, moves or renames themselves. */
export async function announceTeam(services: Services, code: string, teamId: string) {
  services.io.to(teamRoom(code, teamId)).emit('team:state', { team: teamView(teamId, await services.store.listTeam(code, teamId)) });
}

/** The room's teams now, in order; a sheet left by teams of an earlier setup is not one of them. */
export function currentTeams(participants: Participant[]): string[] {
  return [...new Set(participants.flatMap((p) => (p.teamId ? [p.teamId] : [])))].sort((a, b) => Number(a.split('-')[1]) - Number(b.split('-')[1]));
}

/** Every prediction the room has opened, for the results export. */
export async function predictionReports(services: Services, room: Room) {
  const deck = services.decks.get(room.deckId);
  if (!deck) return [];
  const [participants, grades] = await Promise.all([services.store.listParticipants(room.code), services.store.listGrades(room.code)]);
  const reports = [];
  for (const def of deck.stacks.flat().flatMap((s) => (s.prediction ? [s.prediction] : []))) {
    const state = await services.store.getPrediction(room.code, def.id);
    const key = deck.answerKeys[def.id];
    if (state && key) reports.push(predictionReport(def, key, state, currentTeams(participants), await services.store.listSheets(room.code, def.id), grades));
  }
  return reports;
}

/** A team counts as still editing for this long after its last edit. */
const EDITING_MS = 10_000;

/**
 * The class view of one prediction, for presenters: every team's answer to every step grouped by
 * Python's reading of it (with the executed answer marked), who is still editing, and the score.
 */
export async function predictionBoard(services: Services, room: Room, predictionId: string): Promise<PredictionBoard> {
  const deck = services.decks.get(room.deckId);
  const prediction = deck && findDeckPrediction(deck, predictionId);
  const key = deck?.answerKeys[predictionId];
  if (!prediction || !key) return { predictionId, teams: [], steps: [] };
  const [sheets, participants, grades] = await Promise.all([services.store.listSheets(room.code, predictionId), services.store.listParticipants(room.code), services.store.listGrades(room.code)]);
  const teamIds = currentTeams(participants);
  const rowsOf = (teamId: string) => sheets.find((s) => s.teamId === teamId)?.rows;
  const graded = await (await services.python()).grade(
    key.map((record, step) => ({
      outcome: record.outcome,
      printed: record.printed,
      prints: prediction.prints,
      rows: teamIds.map((t) => rowsOf(t)?.[step] ?? { kind: '', value: '', prints: '' }),
    })),
  );
  const steps: StepSpread[] = graded.map((result, step) => {
    const answers = new Map<string, { label: string; teams: string[]; correct: boolean }>();
    const blank: string[] = [];
    result.rows.forEach((row, i) => {
      if (row.verdict === 'blank') return void blank.push(teamIds[i]!);
      const entry = answers.get(row.label) ?? { label: row.label, teams: [], correct: row.label === result.key };
      entry.teams.push(teamIds[i]!);
      answers.set(row.label, entry);
    });
    return { step, answers: [...answers.values()].sort((a, b) => b.teams.length - a.teams.length), blank };
  });
  const now = services.now();
  const teams = teamIds.map((id) => {
    const sheet = sheets.find((s) => s.teamId === id);
    const mine = grades.filter((g) => g.teamId === id && g.predictionId === predictionId);
    return {
      id,
      name: teamName(id),
      members: participants.filter((p) => p.teamId === id).length,
      filled: sheet?.rows.filter((r) => r.kind !== '' || r.value.trim() !== '').length ?? 0,
      editing: sheet !== undefined && sheet.version > 1 && now - sheet.updatedAt < EDITING_MS,
      right: mine.filter((g) => g.verdict === 'right').length,
      graded: mine.length,
    };
  });
  return { predictionId, teams, steps };
}

/**
 * Sends presenters the class view at most once per interval per prediction (and from one process),
 * whatever the edit rate: one board per edit would be O(teams) work per keystroke.
 */
export function createBoards(services: Services, intervalMs: number) {
  const boards = createCoalescer(services.live, intervalMs, async (key) => {
    const [, code, predictionId] = key.split('\0') as [string, string, string];
    const room = await services.store.getRoom(code);
    if (room) services.io.to(presentersOf(code)).emit('predict:board', await predictionBoard(services, room, predictionId));
  });
  return {
    changed: (code: string, predictionId: string) => boards.changed(`board\0${code}\0${predictionId}`),
    close: () => boards.close(),
  };
}

export type Boards = ReturnType<typeof createBoards>;
