import { rmSync } from 'node:fs';
import type { Store } from '../../server/store/store';
import { openSqliteStore } from '../../server/store/sqlite';
import { openRedisStore } from '../../server/store/redis';
import { startRedis } from './redis';
import type { TestRedis } from './redis';
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

function redis(): StoreFactory {
  let server: TestRedis | undefined;
  return {
    name: 'Redis',
    async open() {
      server = await startRedis({ durable: true });
      return openRedisStore(server.url);
    },
    async reopen() {
      // Kill Redis outright and start it on the same AOF: what it acked must come back.
      await server!.kill();
      await server!.start();
      return openRedisStore(server!.url);
    },
    async cleanup() {
      await server?.stop();
    },
  };
}

export const STORES: StoreFactory[] = [sqlite(), redis()];
