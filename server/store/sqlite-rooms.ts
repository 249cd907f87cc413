import type Database from 'better-sqlite3';
import type { Choice } from '../protocol';
import type { Ballot, Poll } from '../polls/poll';
import type { Room } from '../rooms/room';
import type { CastOutcome, Store } from './store';
import { fromRevealedField, revealedField } from './store';

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
type PollRow = { room_code: string; poll_id: string; definition: string; round: number; status: 'open' | 'closed'; revealed: number; created_at: number; version: number; closes_at: number | null };
type BallotRow = { room_code: string; poll_id: string; round: number; participant_id: string; choice: string; at: number };

/** The parts of a poll that never change once it exists, kept as one JSON column. */
type PollDefinition = Pick<Poll, 'question' | 'kind' | 'options' | 'correct' | 'revote'>;

function pollFromRow(row: PollRow): Poll {
  const def = JSON.parse(row.definition) as PollDefinition;
  return { roomCode: row.room_code, id: row.poll_id, ...def, round: row.round, status: row.status, ...fromRevealedField(row.revealed), closesAt: row.closes_at, createdAt: row.created_at, version: row.version };
}

/**
 * Group commit: the calls made in one turn of the event loop (a class voting at once) share one
 * transaction, written at the end of the turn; each promise settles only after that commit.
 * `commitNow` writes the waiting group at once, so a verb called after them sees them first. If
 * the shared transaction fails (it rolled back, so nothing of it is stored), each is retried
 * alone so one bad item fails only its own caller.
 */
function groupCommit<T, R>(all: (items: T[]) => R[], one: (item: T) => R) {
  let waiting: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  const commitNow = () => {
    if (waiting.length === 0) return;
    const batch = waiting;
    waiting = [];
    try {
      const results = all(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch {
      for (const w of batch) {
        try {
          w.resolve(one(w.item));
        } catch (error) {
          w.reject(error);
        }
      }
    }
  };
  const add = (item: T) =>
    new Promise<R>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(commitNow);
      waiting.push({ item, resolve, reject });
    });
  return { add, commitNow };
}

/** Every table that holds a room's data, children first, for deleting expired rooms. */
const ROOM_TABLES = ['grades', 'sheets', 'predictions', 'participants', 'ballots', 'polls', 'pair_tokens', 'presenter_secrets'];

type RoomVerbs = Pick<
  Store,
  | 'createRoom'
  | 'getRoom'
  | 'updateRoom'
  | 'addPresenterSecret'
  | 'savePairToken'
  | 'takePairToken'
  | 'deleteRoomsCreatedBefore'
  | 'addPoll'
  | 'getPoll'
  | 'listPolls'
  | 'updatePoll'
  | 'castBallot'
  | 'getBallot'
  | 'listBallots'
  | 'countBallots'
>;

/** Rooms, presenter keys, polls and ballots; each verb one statement or one transaction. */
export function roomVerbs(db: Database.Database): RoomVerbs {
  const q = {
    insertRoom: db.prepare('INSERT OR IGNORE INTO rooms (code, deck_id, created_at, version, slide_h, slide_v, slide_f) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    insertSecret: db.prepare('INSERT OR IGNORE INTO presenter_secrets (room_code, secret_hash) VALUES (?, ?)'),
    room: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE code = ?'),
    secrets: db.prepare<[string], { secret_hash: string }>('SELECT secret_hash FROM presenter_secrets WHERE room_code = ?'),
    updateRoom: db.prepare('UPDATE rooms SET version = ?, slide_h = ?, slide_v = ?, slide_f = ?, active_poll_id = ?, active_prediction_id = ? WHERE code = ? AND version = ?'),
    expiredRooms: db.prepare<[number], { code: string }>('SELECT code FROM rooms WHERE created_at < ?'),
    deleteRoom: db.prepare('DELETE FROM rooms WHERE code = ?'),
    deleteFrom: Object.fromEntries(ROOM_TABLES.map((t) => [t, db.prepare(`DELETE FROM ${t} WHERE room_code = ?`)])),
    insertPoll: db.prepare(
      'INSERT OR IGNORE INTO polls (room_code, poll_id, definition, round, status, revealed, closes_at, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    updatePoll: db.prepare('UPDATE polls SET round = ?, status = ?, revealed = ?, closes_at = ?, version = ? WHERE room_code = ? AND poll_id = ? AND version = ?'),
    poll: db.prepare<[string, string], PollRow>('SELECT * FROM polls WHERE room_code = ? AND poll_id = ?'),
    polls: db.prepare<[string], PollRow>('SELECT * FROM polls WHERE room_code = ? ORDER BY created_at, poll_id'),
    ballotBox: db.prepare<[string, string], { status: string; round: number; closes_at: number | null; on_screen: number }>(
      'SELECT p.status, p.round, p.closes_at, r.active_poll_id = p.poll_id AS on_screen FROM polls p JOIN rooms r ON r.code = p.room_code WHERE p.room_code = ? AND p.poll_id = ?',
    ),
    upsertBallot: db.prepare(
      `INSERT INTO ballots (room_code, poll_id, round, participant_id, choice, at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (room_code, poll_id, round, participant_id) DO UPDATE SET choice = excluded.choice, at = excluded.at`,
    ),
    ballot: db.prepare<[string, string, number, string], { choice: string }>('SELECT choice FROM ballots WHERE room_code = ? AND poll_id = ? AND round = ? AND participant_id = ?'),
    ballots: db.prepare<[string, string], BallotRow>('SELECT * FROM ballots WHERE room_code = ? AND poll_id = ? ORDER BY round, at'),
    ballotCounts: db.prepare<[string, string], { round: number; choice: string; count: number }>(
      'SELECT round, choice, COUNT(*) AS count FROM ballots WHERE room_code = ? AND poll_id = ? GROUP BY round, choice',
    ),
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
  const deleteRooms = db.transaction((createdBefore: number) => {
    const codes = q.expiredRooms.all(createdBefore).map((r) => r.code);
    for (const code of codes) {
      for (const table of ROOM_TABLES) q.deleteFrom[table]!.run(code);
      q.deleteRoom.run(code);
    }
    return codes.length;
  });
  const addPoll = db.transaction((poll: Poll): Poll => {
    const definition: PollDefinition = { question: poll.question, kind: poll.kind, options: poll.options, correct: poll.correct, revote: poll.revote };
    q.insertPoll.run(poll.roomCode, poll.id, JSON.stringify(definition), poll.round, poll.status, revealedField(poll), poll.closesAt, poll.createdAt, poll.version);
    return pollFromRow(q.poll.get(poll.roomCode, poll.id)!);
  });
  const updatePoll = db.transaction((next: Poll, clearBallots: boolean) => {
    const updated = q.updatePoll.run(next.round, next.status, revealedField(next), next.closesAt, next.version, next.roomCode, next.id, next.version - 1).changes === 1;
    if (updated && clearBallots) q.deleteBallots.run(next.roomCode, next.id);
    return updated;
  });
  const castOne = (b: Ballot): CastOutcome => {
    const box = q.ballotBox.get(b.roomCode, b.pollId);
    if (!box) return 'missing';
    if (box.closes_at !== null && b.at >= box.closes_at) return 'time-up';
    if (!box.on_screen) return 'not-on-screen';
    if (box.status !== 'open') return 'closed';
    if (box.round !== b.round) return 'round-over';
    q.upsertBallot.run(b.roomCode, b.pollId, b.round, b.participantId, JSON.stringify(b.choice), b.at);
    return 'cast';
  };
  const castAll = db.transaction((ballots: Ballot[]) => ballots.map(castOne));
  const ballots = groupCommit(castAll, (b) => castAll([b])[0]!);

  const verbs: RoomVerbs = {
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
    async updateRoom({ code, version, slide, activePollId, activePredictionId }, expectedVersion) {
      return q.updateRoom.run(version, slide.h, slide.v, slide.f, activePollId, activePredictionId, code, expectedVersion).changes === 1;
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
    async deleteRoomsCreatedBefore(createdBefore) {
      return deleteRooms(createdBefore);
    },
    async addPoll(poll) {
      return addPoll(poll);
    },
    async getPoll(code, pollId) {
      const row = q.poll.get(code, pollId);
      return row && pollFromRow(row);
    },
    async listPolls(code) {
      return q.polls.all(code).map(pollFromRow);
    },
    async updatePoll(next, options) {
      return updatePoll(next, options?.clearBallots ?? false);
    },
    castBallot: ballots.add,
    async getBallot(code, pollId, round, participantId) {
      const row = q.ballot.get(code, pollId, round, participantId);
      return row && (JSON.parse(row.choice) as Choice);
    },
    async countBallots(code, pollId) {
      return q.ballotCounts.all(code, pollId).map((r) => ({ round: r.round, choice: JSON.parse(r.choice) as Choice, count: r.count }));
    },
    async listBallots(code, pollId) {
      return q.ballots.all(code, pollId).map((r) => ({ roomCode: r.room_code, pollId: r.poll_id, round: r.round, participantId: r.participant_id, choice: JSON.parse(r.choice), at: r.at }));
    },
  };
  // The verbs whose outcome a waiting ballot could change first write the ballots cast before
  // them, so calls take effect in the order made; reads of rooms and polls do not wait, so the
  // votes of one burst (each reading its poll) still share a transaction.
  const seesBallots = new Set<string>(['updateRoom', 'deleteRoomsCreatedBefore', 'addPoll', 'updatePoll', 'getBallot', 'listBallots', 'countBallots']);
  const afterWaitingBallots = Object.entries(verbs as Record<string, (...args: never[]) => unknown>).map(([name, verb]) => [
    name,
    seesBallots.has(name) ? (...args: never[]) => (ballots.commitNow(), verb(...args)) : verb,
  ]);
  return Object.fromEntries(afterWaitingBallots) as RoomVerbs;
}
