import type { Clock } from './clock';
import { RateLimitExceededError } from './errors';
import type { RateLimitStore } from './ports';

/** The API family's general limit: 200 requests per minute per account. */
export const REQUESTS_PER_MINUTE = 200;
const WINDOW_MS = 60_000;

/**
 * How many tokens a container takes from an account's shared counter with one write (see
 * BatchedRateLimits): a tenth of a write per request where a container serves ten or more of an
 * account's requests a minute, at the price of up to 9 tokens parked unused per container.
 */
export const RATE_LIMIT_BATCH = 10;

/**
 * Counts the request against its account's current minute for one operation (`budget`): each
 * operation has its own 200, so a burst of creates never locks an account out of authorizing the
 * codes its users bring back. A fixed window: up to twice the limit can pass across its edge,
 * which "in general" allows. 429 with Retry-After once the window is full. The store decides how
 * often it writes (in AWS and locally: one write per batch of requests, BatchedRateLimits).
 */
export async function enforceRateLimit(
  deps: { rateLimits: RateLimitStore; clock: Clock },
  accountId: string,
  budget: string,
  limit = REQUESTS_PER_MINUTE,
): Promise<void> {
  const now = deps.clock.now().getTime();
  const windowStart = now - (now % WINDOW_MS);
  if (await deps.rateLimits.hit(accountId, budget, windowStart, limit)) return;
  throw new RateLimitExceededError(Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1_000)));
}
