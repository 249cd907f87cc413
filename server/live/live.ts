import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * What is not durable but must be shared by every process serving a room: how many students are
 * connected, and which process sends a coalesced broadcast this time (so presenters get one
 * tally per interval, not one per process). In memory for one process; in Redis for several.
 */
export type Live = {
  /** A student's socket joined or left a room on this process. */
  join(code: string): void;
  leave(code: string): void;
  /** Students connected to the room, on every live process. */
  audience(code: string): Promise<number>;
  /** True for one process per key per `ms`: the one that sends this time. */
  claim(key: string, ms: number): Promise<boolean>;
  close(): Promise<void>;
};

/** This process's own counts: all there is with one process, and its share with several. */
function localCounts() {
  const counts = new Map<string, number>();
  return {
    counts,
    add(code: string, by: number) {
      const next = (counts.get(code) ?? 0) + by;
      if (next <= 0) counts.delete(code);
      else counts.set(code, next);
      return Math.max(0, next);
    },
  };
}

export function createMemoryLive(): Live {
  const local = localCounts();
  return {
    join: (code) => void local.add(code, 1),
    leave: (code) => void local.add(code, -1),
    audience: async (code) => local.counts.get(code) ?? 0,
    claim: async () => true,
    close: async () => undefined,
  };
}


/**
 * Several processes: each keeps its count per room in one Redis hash field and a liveness key it
 * renews; a room's audience is the sum over processes still alive, so a killed process leaves no
 * ghost audience once its key expires.
 */
export function createRedisLive(redis: Redis, nodeTtlMs: number, node = randomBytes(6).toString('hex')): Live {
  // A process that stops renewing its key for nodeTtlMs is gone, and its students with it.
  const heartbeatMs = nodeTtlMs / 3;
  const local = localCounts();
  const audienceKey = (code: string) => `yr:{${code}}:audience`;
  const publish = (code: string, count: number) => (count > 0 ? redis.hset(audienceKey(code), node, count) : redis.hdel(audienceKey(code), node)).catch(() => undefined);
  const heartbeat = async () => {
    await redis.set(`yr:node:${node}`, '1', 'PX', nodeTtlMs).catch(() => undefined);
    // Rewritten each beat, so counts come back after Redis itself restarts.
    for (const [code, count] of local.counts) await publish(code, count);
  };
  void heartbeat();
  const timer = setInterval(heartbeat, heartbeatMs).unref();
  return {
    join: (code) => void publish(code, local.add(code, 1)),
    leave: (code) => void publish(code, local.add(code, -1)),
    async audience(code) {
      try {
        const shares = await redis.hgetall(audienceKey(code));
        const nodes = Object.keys(shares);
        if (nodes.length === 0) return 0;
        const alive = await redis.mget(...nodes.map((n) => `yr:node:${n}`));
        return nodes.reduce((sum, n, i) => sum + (alive[i] ? Number(shares[n]) : 0), 0);
      } catch {
        return local.counts.get(code) ?? 0; // Redis is away: this process's own count, not a failed join
      }
    },
    async claim(key, ms) {
      // Redis away: better a broadcast from every process than from none.
      return (await redis.set(`yr:claim:${key}`, node, 'PX', ms, 'NX').catch(() => 'OK')) === 'OK';
    },
    async close() {
      clearInterval(timer);
      for (const code of local.counts.keys()) await redis.hdel(audienceKey(code), node).catch(() => undefined);
      await redis.del(`yr:node:${node}`).catch(() => undefined);
    },
  };
}
