import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Room } from '../rooms/room';
import type { Store } from './store';

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
];

type RoomRow = { code: string; deck_id: string; created_at: number; version: number; slide_h: number; slide_v: number; slide_f: number };

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
    position: db.prepare('UPDATE rooms SET version = ?, slide_h = ?, slide_v = ?, slide_f = ? WHERE code = ?'),
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

  return {
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
        presenterSecretHashes: q.secrets.all(code).map((r) => r.secret_hash),
      };
    },
    async savePosition(code, version, slide) {
      q.position.run(version, slide.h, slide.v, slide.f, code);
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
    async close() {
      db.close();
    },
  };
}
