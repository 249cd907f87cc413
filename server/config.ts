import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * Every limit a deployment may tune, in one place; defaults hold a lecture hall of a few hundred
 * phones behind one NAT. The README's limits table lists them. Limits the phone must know too
 * (poll, name and sheet sizes) are fixed in `protocol/constants.ts`.
 */
export type Limits = {
  /** Largest socket.io message accepted, in bytes; a larger one closes the connection. */
  maxMessageBytes: number;
  /** Token bucket per socket, for every event it sends: burst size and refill per second. Past it the socket is disconnected. */
  eventBurst: number;
  eventsPerSecond: number;
  /** A second bucket for team-sheet bytes (Yjs sync and presence): burst and refill per second. */
  sheetBytesBurst: number;
  sheetBytesPerSecond: number;
  /** Open connections from one address (a classroom behind one NAT shares one). */
  connectionsPerAddress: number;
  /** A socket that has not joined a room this long after connecting is closed. */
  preAuthTimeoutMs: number;
  /** Students in one room; the next one is refused ROOM_FULL. */
  roomSize: number;
  /** New voter identities (cookies) minted for one address per minute. */
  votersPerAddressPerMinute: number;
  /** Rooms one address may create per minute. */
  roomsPerAddressPerMinute: number;
  /** Unknown join codes one address may try per minute; past it, it must wait joinGuessBlockMs. */
  joinGuessesPerAddressPerMinute: number;
  joinGuessBlockMs: number;
  /** A numeric poll's answers must lie within ± this unless the deck sets `min`/`max`. */
  numericBound: number;
  /** How often the presenter's audience count is refreshed, at most. */
  audienceIntervalMs: number;
  /** How often a poll's live tally goes to the presenter, at most (100 ms: 10 per second). */
  tallyIntervalMs: number;
  /** A room can be joined for this long after it was created. */
  roomTtlMs: number;
  /** An ended room's results can be exported for this long more; then the room and its data are deleted. */
  roomGraceMs: number;
  pairTokenTtlMs: number;
  /** How often the presenters' class view of a prediction is refreshed, at most. */
  boardIntervalMs: number;
  /** Watchdog on a team sheet's update: past this, the sheet worker is replaced and the update refused. */
  sheetTimeoutMs: number;
  /** The sheet worker's heap cap. */
  sheetMemoryMb: number;
  /** With several processes: one that stops renewing its presence for this long counts no students. */
  nodeTtlMs: number;
};

export const DEFAULT_LIMITS: Limits = {
  maxMessageBytes: 64 * 1024,
  eventBurst: 40,
  eventsPerSecond: 20,
  sheetBytesBurst: 256 * 1024,
  sheetBytesPerSecond: 64 * 1024,
  connectionsPerAddress: 400,
  preAuthTimeoutMs: 20_000,
  roomSize: 20_000,
  votersPerAddressPerMinute: 300,
  roomsPerAddressPerMinute: 10,
  joinGuessesPerAddressPerMinute: 30,
  joinGuessBlockMs: 60_000,
  numericBound: 1_000_000,
  audienceIntervalMs: 500,
  tallyIntervalMs: 100,
  roomTtlMs: 24 * 60 * 60 * 1000,
  roomGraceMs: 7 * 24 * 60 * 60 * 1000,
  pairTokenTtlMs: 30_000,
  boardIntervalMs: 500,
  sheetTimeoutMs: 500,
  sheetMemoryMb: 128,
  nodeTtlMs: 15_000,
};

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  decksDir: string;
  /** Where executed example output and answer keys are cached, by content hash. */
  cacheDir: string;
  /** Overrides the URL put in join links and QR codes (e.g. behind a proxy). */
  publicUrl: string | undefined;
  /** Several processes share rooms through this Redis (store, audience, socket.io adapter); unset: one process with SQLite. */
  redisUrl: string | undefined;
  /** Signs voter cookies; every process serving a room needs the same one. Default: kept in DATA_DIR (or Redis). */
  participantSecret: string | undefined;
  /** Origins besides the server's own that may open a socket (e.g. a LAN name); from ALLOWED_ORIGINS, comma-separated. */
  allowedOrigins: string[];
  /** Behind a reverse proxy: take the client's address from the last X-Forwarded-For hop. */
  trustProxy: boolean;
  dev: boolean;
  limits: Limits;
};

export const APP_VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: intFrom(env, 'PORT', 3000),
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.DATA_DIR || './data'),
    decksDir: resolve(env.DECKS_DIR || './decks'),
    cacheDir: resolve(env.CACHE_DIR || './node_modules/.cache/yieldroom'),
    publicUrl: env.PUBLIC_URL || undefined,
    participantSecret: env.PARTICIPANT_SECRET || undefined,
    redisUrl: env.REDIS_URL || undefined,
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean),
    trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
    dev: env.NODE_ENV === 'development',
    limits: {
      ...DEFAULT_LIMITS,
      roomTtlMs: intFrom(env, 'ROOM_TTL_HOURS', DEFAULT_LIMITS.roomTtlMs / 3_600_000) * 3_600_000,
      roomGraceMs: intFrom(env, 'ROOM_GRACE_HOURS', DEFAULT_LIMITS.roomGraceMs / 3_600_000) * 3_600_000,
      nodeTtlMs: intFrom(env, 'NODE_TTL_MS', DEFAULT_LIMITS.nodeTtlMs),
      connectionsPerAddress: intFrom(env, 'CONNECTIONS_PER_ADDRESS', DEFAULT_LIMITS.connectionsPerAddress),
      votersPerAddressPerMinute: intFrom(env, 'VOTERS_PER_ADDRESS_PER_MINUTE', DEFAULT_LIMITS.votersPerAddressPerMinute),
      roomSize: intFrom(env, 'ROOM_SIZE', DEFAULT_LIMITS.roomSize),
      roomsPerAddressPerMinute: intFrom(env, 'ROOMS_PER_ADDRESS_PER_MINUTE', DEFAULT_LIMITS.roomsPerAddressPerMinute),
    },
  };
}
