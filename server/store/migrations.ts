/** Schema changes are appended, never edited: `user_version` says how many have run. */
export const MIGRATIONS = [
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
  `ALTER TABLE polls ADD COLUMN version INTEGER NOT NULL DEFAULT 1;`,
  `ALTER TABLE polls ADD COLUMN closes_at INTEGER;`,
];
