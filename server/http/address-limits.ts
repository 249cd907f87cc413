import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Limits } from '../config';
import { Refusal } from '../errors';

/**
 * Per-address budgets for what is cheap to ask and costly to grant: voter identities, rooms and
 * join-code guesses. rate-limiter-flexible keeps them in memory for one process, in Redis when
 * several share rooms (so an address gets one budget, not one per process).
 */
export function createAddressLimits(limits: Limits, redis?: Redis) {
  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const options = { keyPrefix, points, duration: 60 };
    return redis ? new RateLimiterRedis({ ...options, storeClient: redis }) : new RateLimiterMemory(options);
  };
  const voters = limiter('yr:rl:voters', limits.votersPerAddressPerMinute);
  const rooms = limiter('yr:rl:rooms', limits.roomsPerAddressPerMinute);
  const guesses = limiter('yr:rl:guesses', limits.joinGuessesPerAddressPerMinute);

  /** Spends one point; false once the minute's budget is spent. */
  async function take(budget: RateLimiterAbstract, address: string): Promise<boolean> {
    try {
      await budget.consume(address);
      return true;
    } catch (error) {
      if (error instanceof RateLimiterRes) return false;
      throw new Refusal('UNAVAILABLE');
    }
  }

  /** The guess that spends the minute's budget blocks the address for joinGuessBlockMs. */
  async function wrongGuess(address: string) {
    try {
      const used = await guesses.consume(address);
      if (used.remainingPoints === 0) await guesses.block(address, limits.joinGuessBlockMs / 1000);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw new Refusal('UNAVAILABLE');
    }
  }

  return {
    mintVoter: (address: string) => take(voters, address),
    createRoom: (address: string) => take(rooms, address),
    /**
     * Looks a room up for an address (socket or HTTP): refused, saying how long to wait, while
     * the address is blocked; a NOT_FOUND counts as a wrong guess.
     */
    async lookUp<T>(address: string, find: () => Promise<T>): Promise<T> {
      const used = await guesses.get(address).catch(() => null);
      if (used && used.consumedPoints > limits.joinGuessesPerAddressPerMinute) {
        throw new Refusal('RATE_LIMITED', `Too many wrong codes; try again in ${Math.ceil(used.msBeforeNext / 1000)} s.`);
      }
      try {
        return await find();
      } catch (error) {
        if (error instanceof Refusal && error.code === 'NOT_FOUND') await wrongGuess(address);
        throw error;
      }
    },
  };
}

export type AddressLimits = ReturnType<typeof createAddressLimits>;
