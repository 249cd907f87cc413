import next from 'next';
import { createServer } from './app';
import { loadConfig } from './config';
import { buildDecks } from './decks/build';
import { loadParticipantSecret } from './http/participant';
import { lanAddresses } from './http/public-url';
import { openSqliteStore } from './store/sqlite';

const config = loadConfig();
const decks = await buildDecks(config.decksDir, { cacheDir: config.cacheDir });
const nextApp = next({ dev: config.dev, dir: process.cwd(), hostname: 'localhost', port: config.port });
await nextApp.prepare();

const server = await createServer({
  store: openSqliteStore(config.dataDir),
  decks,
  limits: config.limits,
  port: config.port,
  host: config.host,
  publicUrl: config.publicUrl,
  participantSecret: loadParticipantSecret(config.dataDir),
  web: { handle: nextApp.getRequestHandler(), upgrade: nextApp.getUpgradeHandler() },
});

console.log(`yieldroom is live with ${decks.size} deck(s)`);
console.log(`  Local:   http://localhost:${server.port}`);
for (const address of lanAddresses()) console.log(`  Network: http://${address}:${server.port}   <- phones on this network join here`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
