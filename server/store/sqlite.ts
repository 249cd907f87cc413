import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './migrations';
import { predictionVerbs } from './sqlite-predictions';
import { roomVerbs } from './sqlite-rooms';
import type { Store } from './store';

/** The embedded store: one SQLite file (WAL) in `dataDir`, migrated on open. */
export function openSqliteStore(dataDir: string): Store {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'yieldroom.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Several processes may share the file: a writer waits for another's transaction, not fails.
  db.pragma('busy_timeout = 5000');
  const applied = db.pragma('user_version', { simple: true }) as number;
  for (const [i, sql] of MIGRATIONS.entries()) {
    if (i < applied) continue;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
  return {
    ...roomVerbs(db),
    ...predictionVerbs(db),
    async close() {
      db.close();
    },
  };
}
