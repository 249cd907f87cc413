import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Poll } from '../polls/poll';
import type { Room } from '../rooms/room';
import type { Store } from './store';
import { predictionVerbs } from './sqlite-predictions';

/** Schema changes are appended, never edited: `user_version` says how many have run. */
const MIGRATIONS = [
  `CREATE TABLE rooms (
     code TEXT PRIMARY KEY,
     deck_id TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     version INTEGER NOT NULL,
     slide_h INTEGER NOT NULL, slide_v INTEGER NOT NULL, slide_f INTEGER NOT NULL
   );
   CREATE TABLE presenter_secrets (
     room_code TEXT NOT NULL REFERENCES rooms(code),
     secret_hash TEXT NOT NULL,
     PRIMARY KEY (room_code, secret_hash)
   );
   CREATE TABLE pair_tokens (
     room_code TEXT NOT NULL REFERENCES rooms(code),
     token_hash TEXT PRIMARY KEY,
     expires_at INTEGER NOT NULL
   );`,
  `ALTER TABLE rooms ADD COLUMN active_poll_id TEXT;
   CREATE TABLE polls (
     room_code TEXT NOT NULL REFERENCES rooms(code),
     poll_id TEXT NOT NULL,
     definition TEXT NOT NULL,
     round INTEGER NOT NULL,
     status TEXT NOT NULL,
     revealed INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (room_code, poll_id)
   );
   CREATE TABLE ballots (
     room_code TEXT NOT NULL,
     poll_id TEXT NOT NULL,
     round INTEGER NOT NULL,
     participant_id TEXT NOT NULL,
     choice TEXT NOT NULL,
     at INTEGER NOT NULL,
     PRIMARY KEY (room_code, poll_id, round, participant_id),
     FOREIGN KEY (room_code, poll_id) REFERENCES polls(room_code, poll_id)
   );`,
  `ALTER TABLE rooms ADD COLUMN active_prediction_id TEXT;
   ALTER TABLE rooms ADD COLUMN teams_mode TEXT NOT NULL DEFAULT 'auto';
   ALTER TABLE rooms ADD COLUMN teams_tables INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE rooms ADD COLUMN teams_formed INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE participants (
     room_code TEXT NOT NULL REFERENCES rooms(code),
     participant_id TEXT NOT NULL,
     name TEXT,
     team_id TEXT,
     joined_at INTEGER NOT NULL,
     PRIMARY KEY (room_code, participant_id)
   );
   CREATE TABLE predictions (
     room_code TEXT NOT NULL REFERENCES rooms(code),
     prediction_id TEXT NOT NULL,
     status TEXT NOT NULL,
     revealed INTEGER NOT NULL,
     PRIMARY KEY (room_code, prediction_id)
   );
   CREATE TABLE sheets (
     room_code TEXT NOT NULL,
     prediction_id TEXT NOT NULL,
     team_id TEXT NOT NULL,
     version INTEGER NOT NULL,
     state BLOB NOT NULL,
     rows TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (room_code, prediction_id, team_id),
     FOREIGN KEY (room_code, prediction_id) REFERENCES predictions(room_code, prediction_id)
   );
   CREATE TABLE grades (
     room_code TEXT NOT NULL,
     prediction_id TEXT NOT NULL,
     team_id TEXT NOT NULL,
     step INTEGER NOT NULL,
     verdict TEXT NOT NULL,
     label TEXT NOT NULL,
     PRIMARY KEY (room_code, prediction_id, team_id, step)
   );
   CREATE INDEX participants_by_team ON participants (room_code, team_id);`,
];

type RoomRow = {
  code: string;
  deck_id: string;
  created_at: number;
  version: number;
  slide_h: number;
  slide_v: number;
  slide_f: number;
  active_poll_id: string | null;
  active_prediction_id: string | null;
  teams_mode: 'auto' | 'tables';
  teams_tables: number;
  teams_formed: number;
};
type PollRow = { room_code: string; poll_id: string; definition: string; round: number; status: 'open' | 'closed'; revealed: number; created_at: number };
type BallotRow = { room_code: string; poll_id: string; round: number; participant_id: string; choice: string; at: number };

/** The parts of a poll that never change once it exists, kept as one JSON column. */
type PollDefinition = Pick<Poll, 'question' | 'kind' | 'options' | 'correct' | 'revote'>;

function pollFromRow(row: PollRow): Poll {
  const def = JSON.parse(row.definition) as PollDefinition;
  return { roomCode: row.room_code, id: row.poll_id, ...def, round: row.round, status: row.status, revealed: row.revealed === 1, createdAt: row.created_at };
}

export function openSqliteStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'yieldroom.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (const [i, sql] of MIGRATIONS.entries()) {
    if (i < applied) continue;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }

  const q = {
    insertRoom: db.prepare(
      'INSERT OR IGNORE INTO rooms (code, deck_id, created_at, version, slide_h, slide_v, slide_f) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    insertSecret: db.prepare('INSERT OR IGNORE INTO presenter_secrets (room_code, secret_hash) VALUES (?, ?)'),
    room: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE code = ?'),
    secrets: db.prepare<[string], { secret_hash: string }>('SELECT secret_hash FROM presenter_secrets WHERE room_code = ?'),
    roomState: db.prepare('UPDATE rooms SET version = ?, slide_h = ?, slide_v = ?, slide_f = ?, active_poll_id = ?, active_prediction_id = ? WHERE code = ?'),
    upsertPoll: db.prepare(
      `INSERT INTO polls (room_code, poll_id, definition, round, status, revealed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (room_code, poll_id) DO UPDATE SET round = excluded.round, status = excluded.status, revealed = excluded.revealed`,
    ),
    poll: db.prepare<[string, string], PollRow>('SELECT * FROM polls WHERE room_code = ? AND poll_id = ?'),
    polls: db.prepare<[string], PollRow>('SELECT * FROM polls WHERE room_code = ? ORDER BY created_at, poll_id'),
    upsertBallot: db.prepare(
      `INSERT INTO ballots (room_code, poll_id, round, participant_id, choice, at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (room_code, poll_id, round, participant_id) DO UPDATE SET choice = excluded.choice, at = excluded.at`,
    ),
    ballots: db.prepare<[string, string], BallotRow>('SELECT * FROM ballots WHERE room_code = ? AND poll_id = ? ORDER BY round, at'),
    deleteBallots: db.prepare('DELETE FROM ballots WHERE room_code = ? AND poll_id = ?'),
    insertToken: db.prepare('INSERT INTO pair_tokens (room_code, token_hash, expires_at) VALUES (?, ?, ?)'),
    takeToken: db.prepare('DELETE FROM pair_tokens WHERE room_code = ? AND token_hash = ? AND expires_at >= ?'),
    dropExpiredTokens: db.prepare('DELETE FROM pair_tokens WHERE expires_at < ?'),
  };

  const createRoom = db.transaction((room: Room) => {
    const { slide } = room;
    const inserted = q.insertRoom.run(room.code, room.deckId, room.createdAt, room.version, slide.h, slide.v, slide.f).changes === 1;
    if (inserted) for (const hash of room.presenterSecretHashes) q.insertSecret.run(room.code, hash);
    return inserted;
  });

  // This process is the database's only writer, so a poll read on every vote can come from a
  // copy that savePoll keeps current (a vote then costs one SQLite statement, not two).
  const pollCache = new Map<string, Poll>();
  const pollKey = (code: string, pollId: string) => `${code}\0${pollId}`;

  return {
    ...predictionVerbs(db),
    async createRoom(room) {
      return createRoom(room);
    },
    async getRoom(code) {
      const row = q.room.get(code);
      if (!row) return undefined;
      return {
        code: row.code,
        deckId: row.deck_id,
        createdAt: row.created_at,
        version: row.version,
        slide: { h: row.slide_h, v: row.slide_v, f: row.slide_f },
        activePollId: row.active_poll_id,
        activePredictionId: row.active_prediction_id,
        teams: { mode: row.teams_mode, tables: row.teams_tables, formed: row.teams_formed === 1 },
        presenterSecretHashes: q.secrets.all(code).map((r) => r.secret_hash),
      };
    },
    async saveRoomState({ code, version, slide, activePollId, activePredictionId }) {
      q.roomState.run(version, slide.h, slide.v, slide.f, activePollId, activePredictionId, code);
    },
    async addPresenterSecret(code, secretHash) {
      q.insertSecret.run(code, secretHash);
    },
    async savePairToken(code, tokenHash, expiresAt) {
      q.dropExpiredTokens.run(Date.now());
      q.insertToken.run(code, tokenHash, expiresAt);
    },
    async takePairToken(code, tokenHash, now) {
      return q.takeToken.run(code, tokenHash, now).changes === 1;
    },
    async savePoll(poll) {
      const definition: PollDefinition = { question: poll.question, kind: poll.kind, options: poll.options, correct: poll.correct, revote: poll.revote };
      q.upsertPoll.run(poll.roomCode, poll.id, JSON.stringify(definition), poll.round, poll.status, poll.revealed ? 1 : 0, poll.createdAt);
      pollCache.set(pollKey(poll.roomCode, poll.id), { ...poll });
    },
    async getPoll(code, pollId) {
      const cached = pollCache.get(pollKey(code, pollId));
      if (cached) return { ...cached };
      const row = q.poll.get(code, pollId);
      if (!row) return undefined;
      const poll = pollFromRow(row);
      pollCache.set(pollKey(code, pollId), poll);
      return { ...poll };
    },
    async listPolls(code) {
      return q.polls.all(code).map(pollFromRow);
    },
    async saveBallot(b) {
      q.upsertBallot.run(b.roomCode, b.pollId, b.round, b.participantId, JSON.stringify(b.choice), b.at);
    },
    async listBallots(code, pollId) {
      return q.ballots.all(code, pollId).map((r) => ({ roomCode: r.room_code, pollId: r.poll_id, round: r.round, participantId: r.participant_id, choice: JSON.parse(r.choice), at: r.at }));
    },
    async deleteBallots(code, pollId) {
      q.deleteBallots.run(code, pollId);
    },
    async close() {
      db.close();
    },
  };
}
