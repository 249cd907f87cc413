import { rmSync } from 'node:fs';
import type { Store } from '../../server/store/store';
import { openSqliteStore } from '../../server/store/sqlite';
import { tempDataDir } from './server';

/** A store implementation as the contract suite drives it: open a fresh one, reopen the same data. */
export type StoreFactory = { name: string; open: () => Promise<Store>; reopen: () => Promise<Store>; cleanup?: () => Promise<void> };

function sqlite(): StoreFactory {
  let dir = '';
  return {
    name: 'SQLite',
    async open() {
      dir = tempDataDir();
      return openSqliteStore(dir);
    },
    async reopen() {
      return openSqliteStore(dir);
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const STORES: StoreFactory[] = [sqlite()];
