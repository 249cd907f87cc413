import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../server/config';
import { Refusal } from '../../server/errors';
import { createAddressLimits } from '../../server/http/address-limits';

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('per-address budgets', () => {
  it('spends a minute’s budget, then says no', async () => {
    const limits = createAddressLimits({ ...DEFAULT_LIMITS, roomsPerAddressPerMinute: 2 });
    expect([await limits.createRoom('10.0.0.1'), await limits.createRoom('10.0.0.1'), await limits.createRoom('10.0.0.1')]).toEqual([true, true, false]);
    expect(await limits.createRoom('10.0.0.2')).toBe(true);
  });

  it('refuses with UNAVAILABLE, not a yes, when the Redis that keeps them cannot be reached', async () => {
    const redis = new Redis({ port: await closedPort(), host: '127.0.0.1', lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    const limits = createAddressLimits(DEFAULT_LIMITS, redis);
    await expect(limits.mintVoter('10.0.0.1')).rejects.toThrow(Refusal);
    await expect(limits.mintVoter('10.0.0.1')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    redis.disconnect();
  });
});
