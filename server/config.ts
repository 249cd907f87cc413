import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Limits a test may shrink; defaults hold a lecture hall. */
export type Limits = {
  /** Largest socket.io message accepted, in bytes. */
  maxMessageBytes: number;
  /** Token bucket per socket: burst size and refill per second. */
  eventBurst: number;
  eventsPerSecond: number;
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
  audienceIntervalMs: 500,
  tallyIntervalMs: 100,
  roomTtlMs: 24 * 60 * 60 * 1000,
  roomGraceMs: 7 * 24 * 60 * 60 * 1000,
  pairTokenTtlMs: 5 * 60 * 1000,
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
    dev: env.NODE_ENV === 'development',
    limits: {
      ...DEFAULT_LIMITS,
      roomTtlMs: intFrom(env, 'ROOM_TTL_HOURS', DEFAULT_LIMITS.roomTtlMs / 3_600_000) * 3_600_000,
      roomGraceMs: intFrom(env, 'ROOM_GRACE_HOURS', DEFAULT_LIMITS.roomGraceMs / 3_600_000) * 3_600_000,
      nodeTtlMs: intFrom(env, 'NODE_TTL_MS', DEFAULT_LIMITS.nodeTtlMs),
    },
  };
}
