/**
 * The server as its own process, without the web app: what the kill and restart tests start,
 * SIGKILL and start again. Prints `listening on PORT` once it serves.
 */
import { loadConfig } from '../../server/config';
import { runServer } from '../../server/run';

const { server } = await runServer(loadConfig());
console.log(`listening on ${server.port}`);
