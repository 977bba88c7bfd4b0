import { LRUCache } from 'lru-cache';
import type { RateLimitCounter, RateLimitStore } from './ports';

/** What one container holds of one account's budget in one window. */
interface Reservoir {
  /** Taken from the shared counter and not spent yet. */
  tokens: number;
  /** The shared counter answered fewer than asked: the window has nothing left for anyone. */
  exhausted: boolean;
  /** A take under way; requests that find no token wait for it rather than each write their own. */
  refill?: Promise<boolean>;
}

export interface BatchedRateLimitsOptions {
  /** Tokens asked for in one write (fewer are granted near the limit). */
  batchSize: number;
  /**
   * How many (window, budget, account) reservoirs one container keeps: the least recently used goes
   * first, and the tokens it held are lost (never spent twice). Bounds the memory at a few MB.
   */
  maxReservoirs: number;
  /** Called when the shared counter cannot be reached; the request is then let through uncounted. */
  onCounterUnavailable?: (error: unknown) => void;
}

/**
 * The per-account limit at a fraction of a write per request: this container takes `batchSize`
 * tokens from the shared counter with one write, spends them on its own requests, and takes the next
 * batch when they are gone. A window's tokens are spent only in that window; what is left when it
 * ends is lost.
 *
 * - Overshoot: none. Each token answered by the counter serves one request, and the counter never
 *   answers more than the limit in a window (RateLimitCounter.take), however many containers share it.
 * - Under-use: a container holds at most `batchSize - 1` unused tokens of an account's budget at any
 *   time, so with C containers serving that account's budget in a window, the account may be
 *   refused after `limit - C * (batchSize - 1)` requests at worst (tokens parked in idle
 *   containers). With one busy container it gets the whole limit.
 * - Writes: one per `batchSize` requests of a (container, account, budget) in a window; once the
 *   counter has said the window is spent, the container answers 429 for it without writing.
 */
export class BatchedRateLimits implements RateLimitStore {
  private readonly reservoirs: LRUCache<string, Reservoir>;

  constructor(
    private readonly counter: RateLimitCounter,
    private readonly options: BatchedRateLimitsOptions,
  ) {
    if (!(Number.isInteger(options.batchSize) && options.batchSize >= 1))
      throw new RangeError('batchSize must be a whole number of at least 1');
    this.reservoirs = new LRUCache({ max: options.maxReservoirs });
  }

  async hit(accountId: string, budget: string, windowStart: number, limit: number): Promise<boolean> {
    // The window is in the key: a new window starts from an empty reservoir, and an old one's is
    // never spent again (it ages out of the LRU).
    const key = `${windowStart}#${budget}#${accountId}`;
    const reservoir = this.reservoirs.get(key) ?? { tokens: 0, exhausted: false };
    if (!this.reservoirs.has(key)) this.reservoirs.set(key, reservoir);
    for (;;) {
      if (reservoir.tokens > 0) {
        reservoir.tokens -= 1;
        return true;
      }
      if (reservoir.exhausted) return false;
      reservoir.refill ??= this.take(reservoir, accountId, budget, windowStart, limit).finally(() => {
        reservoir.refill = undefined;
      });
      // The counter could not be reached: the limit protects the service and must not be what fails
      // a request, which meets the same table next and answers for its own failure.
      if (!(await reservoir.refill)) return true;
    }
  }

  /** One write for a batch; resolves false when the counter could not be reached. */
  private async take(
    reservoir: Reservoir,
    accountId: string,
    budget: string,
    windowStart: number,
    limit: number,
  ): Promise<boolean> {
    const count = Math.min(this.options.batchSize, limit);
    try {
      const granted = await this.counter.take(accountId, budget, windowStart, limit, count);
      reservoir.tokens += Math.max(0, Math.min(count, granted));
      if (granted < count) reservoir.exhausted = true;
      return true;
    } catch (error) {
      this.options.onCounterUnavailable?.(error);
      return false;
    }
  }
}
