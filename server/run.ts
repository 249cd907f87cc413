import { createServer } from './app';
import type { RunningServer, WebApp } from './app';
import type { Config } from './config';
import { buildDecks } from './decks/build';
import { loadParticipantSecret } from './http/participant';
import { openSqliteStore } from './store/sqlite';

/** A SIGTERM (or Ctrl-C) closes sockets and the store, and exits within this long whatever happens. */
const SHUTDOWN_MS = 5000;

/**
 * Builds the decks, opens the store and starts the server from config; a SIGINT or SIGTERM
 * closes it and exits. `npm start` runs this with the web app; the kill tests without.
 */
export async function runServer(config: Config, web?: WebApp): Promise<{ server: RunningServer; decks: number }> {
  const decks = await buildDecks(config.decksDir, { cacheDir: config.cacheDir });
  const server = await createServer({
    store: openSqliteStore(config.dataDir),
    decks,
    limits: config.limits,
    port: config.port,
    host: config.host,
    publicUrl: config.publicUrl,
    participantSecret: config.participantSecret ?? loadParticipantSecret(config.dataDir),
    web,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      setTimeout(() => process.exit(1), SHUTDOWN_MS).unref();
      void server.close().then(() => process.exit(0));
    });
  }
  return { server, decks: decks.size };
}
