import type Database from 'better-sqlite3';
import type { SheetRow, Verdict } from '../protocol';
import type { Participant } from '../predictions/teams';
import type { Grade, RoomPrediction, Sheet } from '../predictions/sheet';
import type { SheetSave, Store } from './store';

type ParticipantRow = { room_code: string; participant_id: string; name: string | null; team_id: string | null; joined_at: number };
type PredictionRow = { room_code: string; prediction_id: string; status: 'open' | 'locked'; revealed: number };
type SheetRowRecord = { room_code: string; prediction_id: string; team_id: string; version: number; state: Buffer; rows: string; updated_at: number };
type GradeRow = { prediction_id: string; team_id: string; step: number; verdict: Verdict; label: string };

const participantFrom = (r: ParticipantRow): Participant => ({ roomCode: r.room_code, participantId: r.participant_id, name: r.name, teamId: r.team_id, joinedAt: r.joined_at });
const predictionFrom = (r: PredictionRow): RoomPrediction => ({ roomCode: r.room_code, predictionId: r.prediction_id, status: r.status, revealed: r.revealed });
const sheetFrom = (r: SheetRowRecord): Sheet => ({
  roomCode: r.room_code,
  predictionId: r.prediction_id,
  teamId: r.team_id,
  version: r.version,
  state: new Uint8Array(r.state),
  rows: JSON.parse(r.rows) as SheetRow[],
  updatedAt: r.updated_at,
});

type PredictionVerbs = Pick<
  Store,
  | 'addParticipant'
  | 'getParticipant'
  | 'renameParticipant'
  | 'listTeam'
  | 'listParticipants'
  | 'setTeams'
  | 'assignTeam'
  | 'joinSmallestTeam'
  | 'addPrediction'
  | 'getPrediction'
  | 'updatePrediction'
  | 'getSheet'
  | 'saveSheet'
  | 'listSheets'
  | 'saveGrades'
  | 'listGrades'
>;

/** Teams, predictions and team sheets in SQLite; each verb is one statement or one transaction. */
export function predictionVerbs(db: Database.Database): PredictionVerbs {
  const q = {
    addParticipant: db.prepare('INSERT OR IGNORE INTO participants (room_code, participant_id, joined_at) VALUES (?, ?, ?)'),
    participant: db.prepare<[string, string], ParticipantRow>('SELECT * FROM participants WHERE room_code = ? AND participant_id = ?'),
    participants: db.prepare<[string], ParticipantRow>('SELECT * FROM participants WHERE room_code = ? ORDER BY joined_at, rowid'),
    team: db.prepare<[string, string], ParticipantRow>('SELECT * FROM participants WHERE room_code = ? AND team_id = ? ORDER BY joined_at, rowid'),
    rename: db.prepare('UPDATE participants SET name = ? WHERE room_code = ? AND participant_id = ?'),
    clearTeams: db.prepare('UPDATE participants SET team_id = NULL WHERE room_code = ?'),
    assign: db.prepare('UPDATE participants SET team_id = ? WHERE room_code = ? AND participant_id = ?'),
    teamsConfig: db.prepare('UPDATE rooms SET teams_mode = ?, teams_tables = ?, teams_formed = ? WHERE code = ?'),
    prediction: db.prepare<[string, string], PredictionRow>('SELECT * FROM predictions WHERE room_code = ? AND prediction_id = ?'),
    insertPrediction: db.prepare('INSERT OR IGNORE INTO predictions (room_code, prediction_id, status, revealed) VALUES (?, ?, ?, ?)'),
    updatePrediction: db.prepare('UPDATE predictions SET status = ?, revealed = ? WHERE room_code = ? AND prediction_id = ? AND status = ? AND revealed = ?'),
    openOnScreen: db.prepare<[string, string], { open: number }>(
      "SELECT p.status = 'open' AND r.active_prediction_id = p.prediction_id AS open FROM predictions p JOIN rooms r ON r.code = p.room_code WHERE p.room_code = ? AND p.prediction_id = ?",
    ),
    teamSizes: db.prepare<[string], { team_id: string; size: number }>('SELECT team_id, COUNT(*) AS size FROM participants WHERE room_code = ? AND team_id IS NOT NULL GROUP BY team_id'),
    sheet: db.prepare<[string, string, string], SheetRowRecord>('SELECT * FROM sheets WHERE room_code = ? AND prediction_id = ? AND team_id = ?'),
    sheets: db.prepare<[string, string], SheetRowRecord>('SELECT * FROM sheets WHERE room_code = ? AND prediction_id = ? ORDER BY team_id'),
    insertSheet: db.prepare('INSERT OR IGNORE INTO sheets (room_code, prediction_id, team_id, version, state, rows, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)'),
    updateSheet: db.prepare('UPDATE sheets SET version = ?, state = ?, rows = ?, updated_at = ? WHERE room_code = ? AND prediction_id = ? AND team_id = ? AND version = ?'),
    upsertGrade: db.prepare(
      `INSERT INTO grades (room_code, prediction_id, team_id, step, verdict, label) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (room_code, prediction_id, team_id, step) DO UPDATE SET verdict = excluded.verdict, label = excluded.label`,
    ),
    grades: db.prepare<[string], GradeRow>('SELECT prediction_id, team_id, step, verdict, label FROM grades WHERE room_code = ? ORDER BY prediction_id, team_id, step'),
  };

  const setTeams = db.transaction((code: string, mode: string, tables: number, formed: boolean, teams: ReadonlyMap<string, string>) => {
    q.teamsConfig.run(mode, tables, formed ? 1 : 0, code);
    q.clearTeams.run(code);
    for (const [participantId, teamId] of teams) q.assign.run(teamId, code, participantId);
  });
  const joinSmallest = db.transaction((code: string, participantId: string, maxSize: number): string => {
    const me = q.participant.get(code, participantId);
    if (me?.team_id) return me.team_id;
    const sizes = q.teamSizes.all(code).map((r) => ({ id: r.team_id, n: Number(r.team_id.split('-')[1]), size: r.size }));
    const open = sizes.filter((t) => t.size < maxSize).sort((a, b) => a.size - b.size || a.n - b.n)[0];
    const teamId = open?.id ?? `team-${Math.max(0, ...sizes.map((t) => t.n)) + 1}`;
    q.assign.run(teamId, code, participantId);
    return teamId;
  });
  const saveSheet = db.transaction((s: Sheet, whileOpen: boolean): SheetSave => {
    if (whileOpen && !q.openOnScreen.get(s.roomCode, s.predictionId)?.open) return 'locked';
    const rows = JSON.stringify(s.rows);
    const saved =
      s.version === 1
        ? q.insertSheet.run(s.roomCode, s.predictionId, s.teamId, Buffer.from(s.state), rows, s.updatedAt).changes === 1
        : q.updateSheet.run(s.version, Buffer.from(s.state), rows, s.updatedAt, s.roomCode, s.predictionId, s.teamId, s.version - 1).changes === 1;
    return saved ? 'saved' : 'conflict';
  });
  const saveGrades = db.transaction((code: string, grades: Grade[]) => {
    for (const g of grades) q.upsertGrade.run(code, g.predictionId, g.teamId, g.step, g.verdict, g.label);
  });

  return {
    async addParticipant(code, participantId, joinedAt) {
      q.addParticipant.run(code, participantId, joinedAt);
      return participantFrom(q.participant.get(code, participantId)!);
    },
    async getParticipant(code, participantId) {
      const row = q.participant.get(code, participantId);
      return row && participantFrom(row);
    },
    async renameParticipant(code, participantId, name) {
      q.rename.run(name, code, participantId);
    },
    async listTeam(code, teamId) {
      return q.team.all(code, teamId).map(participantFrom);
    },
    async listParticipants(code) {
      return q.participants.all(code).map(participantFrom);
    },
    async setTeams(code, config, teams) {
      setTeams(code, config.mode, config.tables, config.formed, teams);
    },
    async assignTeam(code, participantId, teamId) {
      return q.assign.run(teamId, code, participantId).changes === 1;
    },
    async joinSmallestTeam(code, participantId, maxSize) {
      return joinSmallest(code, participantId, maxSize);
    },
    async addPrediction(p) {
      q.insertPrediction.run(p.roomCode, p.predictionId, p.status, p.revealed);
      return predictionFrom(q.prediction.get(p.roomCode, p.predictionId)!);
    },
    async getPrediction(code, predictionId) {
      const row = q.prediction.get(code, predictionId);
      return row && predictionFrom(row);
    },
    async updatePrediction(next, expected) {
      return q.updatePrediction.run(next.status, next.revealed, next.roomCode, next.predictionId, expected.status, expected.revealed).changes === 1;
    },
    async getSheet(code, predictionId, teamId) {
      const row = q.sheet.get(code, predictionId, teamId);
      return row && sheetFrom(row);
    },
    async saveSheet(s, options) {
      return saveSheet(s, options?.whileOpen ?? false);
    },
    async listSheets(code, predictionId) {
      return q.sheets.all(code, predictionId).map(sheetFrom);
    },
    async saveGrades(code, grades) {
      saveGrades(code, grades);
    },
    async listGrades(code) {
      return q.grades.all(code).map((r) => ({ predictionId: r.prediction_id, teamId: r.team_id, step: r.step, verdict: r.verdict, label: r.label }));
    },
  };
}
