import { join } from 'node:path';
import next from 'next';
import { loadConfig } from './config';
import { lanAddresses } from './http/public-url';
import { runServer } from './run';

const config = loadConfig();
const nextApp = next({ dev: config.dev, dir: process.cwd(), hostname: 'localhost', port: config.port });
await nextApp.prepare();
const { server, decks } = await runServer(config, {
  handle: nextApp.getRequestHandler(),
  upgrade: nextApp.getUpgradeHandler(),
  staticDir: config.dev ? undefined : join(process.cwd(), '.next/static'),
});

console.log(`yieldroom is live with ${decks} deck(s)`);
console.log(`  Local:   http://localhost:${server.port}`);
for (const address of lanAddresses()) console.log(`  Network: http://${address}:${server.port}   <- phones on this network join here`);
