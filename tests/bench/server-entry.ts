/**
 * The real server for the benchmark, in a process of its own so its RSS is not mixed with the
 * load client's. Started by tests/bench/child.ts; the contract is in child-side.ts.
 * BENCH_REDIS_URL: one of several nodes sharing that Redis (store, live state, adapter), as
 * `npm start` with REDIS_URL runs. BENCH_DECKS=predict: the deck with a team prediction.
 */
import { rmSync } from 'node:fs';
import { DEFAULT_LIMITS } from '../../server/config';
import { sharedParts } from '../../server/run';
import { PREDICT_DECKS, startServer, tempDataDir } from '../support/server';
import { serveBenchChild } from './child-side';

const dataDir = tempDataDir();
const redisUrl = process.env.BENCH_REDIS_URL;
const { subscriber: _subscriber, ...shared } = redisUrl ? await sharedParts({ redisUrl, dataDir, participantSecret: undefined, limits: DEFAULT_LIMITS }) : { subscriber: undefined };
const decks = process.env.BENCH_DECKS === 'predict' ? PREDICT_DECKS : undefined;
// The load generator is thousands of phones on one address: the per-address caps meant for a
// classroom NAT are lifted so the bench measures the server, not its flood protection.
const server = await startServer(dataDir, { ...shared, limits: { connectionsPerAddress: 1_000_000, votersPerAddressPerMinute: 1_000_000, roomsPerAddressPerMinute: 1_000_000 } }, decks);

serveBenchChild({ port: server.port, sockets: () => server.io.engine.clientsCount, close: () => server.close() }, () => rmSync(dataDir, { recursive: true, force: true }));
