import { randomBytes } from 'node:crypto';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { createServer } from './app';
import type { RunningServer, ServerOptions, WebApp } from './app';
import type { Config } from './config';
import { buildDecks } from './decks/build';
import { loadParticipantSecret } from './http/participant';
import { createRedisLive } from './live/live';
import { openRedisStore } from './store/redis';
import { openSqliteStore } from './store/sqlite';

/** A SIGTERM (or Ctrl-C) closes sockets and the store, and exits within this long whatever happens. */
const SHUTDOWN_MS = 5000;

/**
 * With REDIS_URL, everything several processes must agree on lives in Redis: the store, the live
 * audience and broadcast claims, the socket.io adapter (sharded pub/sub, Redis 7+), and the voter
 * cookie key (created once, unless PARTICIPANT_SECRET sets it).
 */
export async function sharedParts(config: Pick<Config, 'redisUrl' | 'dataDir' | 'participantSecret' | 'limits'>): Promise<Pick<ServerOptions, 'store' | 'live' | 'adapter' | 'participantSecret' | 'redis'> & { subscriber?: Redis }> {
  if (!config.redisUrl) return { store: openSqliteStore(config.dataDir), participantSecret: config.participantSecret ?? loadParticipantSecret(config.dataDir) };
  const client = new Redis(config.redisUrl);
  const subscriber = client.duplicate();
  // Both reconnect by themselves when Redis comes back; meanwhile verbs refuse with UNAVAILABLE.
  for (const c of [client, subscriber]) c.on('error', () => undefined);
  await client.set('yr:participant-secret', randomBytes(32).toString('hex'), 'NX');
  return {
    store: await openRedisStore(config.redisUrl),
    live: createRedisLive(client, config.limits.nodeTtlMs),
    adapter: createShardedAdapter(client, subscriber),
    redis: client,
    subscriber,
    participantSecret: config.participantSecret ?? ((await client.get('yr:participant-secret')) as string),
  };
}

/**
 * Builds the decks, opens the store and starts the server from config; a SIGINT or SIGTERM
 * closes it and exits. `npm start` runs this with the web app; the kill tests without.
 */
export async function runServer(config: Config, web?: WebApp): Promise<{ server: RunningServer; decks: number }> {
  const decks = await buildDecks(config.decksDir, { cacheDir: config.cacheDir });
  const { subscriber, ...shared } = await sharedParts(config);
  const server = await createServer({
    ...shared,
    decks,
    limits: config.limits,
    port: config.port,
    host: config.host,
    publicUrl: config.publicUrl,
    allowedOrigins: config.allowedOrigins,
    trustProxy: config.trustProxy,
    dev: config.dev,
    web,
  });
  // Broadcasts from other processes published while Redis was away never arrive: once the
  // adapter's subscriber is back, this process's sockets are told to catch up from a snapshot.
  subscriber?.on('ready', () => server.io.local.emit('room:stale'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(1), SHUTDOWN_MS).unref();
      void server.close().then(() => process.exit(0));
    });
  }
  return { server, decks: decks.size };
}
