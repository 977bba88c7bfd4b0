import { BatchedRateLimits } from './domain/batched-rate-limits';
import { CachedApiKeys } from './domain/cached-api-keys';
import type { Clock } from './domain/clock';
import type { ApiKeyStore, RateLimitCounter } from './domain/ports';
import { RATE_LIMIT_BATCH } from './domain/rate-limit';
import { logger } from './observability/logger';
import type { ApiKeyCacheBudget } from './time-budget';

/**
 * What one container keeps in memory so that a request does not pay a key read and a counter write
 * before its own work (docs/performance-auth-and-rate-limit.md). They live as long as the services
 * that hold them: one set per Lambda execution environment (each function builds its services once per process, functions/<route>/services.ts)
 * and per handler bundle of the local API; a test builds fresh ones with buildServices.
 *
 * The sizes bound the memory at a few MB whatever callers send: a key record is about half a KB,
 * an unknown secret's hash and a reservoir a few hundred bytes each.
 */
export const CONTAINER_CACHE_LIMITS = {
  maxKnownKeys: 1_000,
  maxUnknownSecrets: 5_000,
  maxRateLimitReservoirs: 10_000,
} as const;

/** API keys read once per revocation bound (and unknown secrets once per shorter period) per container. */
export const cachedApiKeys = (store: ApiKeyStore, clock: Clock, budget: ApiKeyCacheBudget): CachedApiKeys =>
  new CachedApiKeys(store, clock, {
    revocationBoundMs: budget.revocationBoundMs,
    unknownSecretTtlMs: budget.unknownSecretTtlMs,
    maxKnownKeys: CONTAINER_CACHE_LIMITS.maxKnownKeys,
    maxUnknownSecrets: CONTAINER_CACHE_LIMITS.maxUnknownSecrets,
  });

/** The per-account limit, its tokens taken from the shared counter a batch at a time. */
export const batchedRateLimits = (counter: RateLimitCounter): BatchedRateLimits =>
  new BatchedRateLimits(counter, {
    batchSize: RATE_LIMIT_BATCH,
    maxReservoirs: CONTAINER_CACHE_LIMITS.maxRateLimitReservoirs,
    onCounterUnavailable: (error) =>
      logger.warn('rate-limit counter unavailable; request let through', {
        error: error instanceof Error ? error.name : String(error),
      }),
  });
