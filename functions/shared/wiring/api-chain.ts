import { loadApiKeyRevocationBoundMs } from '../config';
import { batchedRateLimits, cachedApiKeys } from '../container-caches';
import { type Clock, systemClock } from '../domain/clock';
import type { ChainServices } from '../http/middlewares';
import { ApiKeyRepository } from '../repository/api-key-repository';
import { RateLimitRepository } from '../repository/rate-limit-repository';
import type { RepositoryOptions } from '../repository/repository-options';
import { API_KEY_CACHE_BUDGET, apiKeyCacheBudget } from '../time-budget';

/**
 * What the chain every route shares needs: the API keys and the rate-limit counters, on the table,
 * each behind its container cache (container-caches.ts), which lives as long as these services do.
 * The clock also ages the cached keys.
 */
export function apiChainServices(
  table: RepositoryOptions,
  revocationBoundMs: number = API_KEY_CACHE_BUDGET.revocationBoundMs,
  clock: Clock = systemClock,
): ChainServices {
  return {
    apiKeys: cachedApiKeys(new ApiKeyRepository(table), clock, apiKeyCacheBudget(revocationBoundMs)),
    rateLimits: batchedRateLimits(new RateLimitRepository(table)),
    clock,
  };
}

/** The same, with the revocation bound of the function's environment (API_KEY_REVOCATION_BOUND_SECONDS). */
export const apiChainOfEnvironment = (
  table: RepositoryOptions,
  env: NodeJS.ProcessEnv,
  clock?: Clock,
): ChainServices => apiChainServices(table, loadApiKeyRevocationBoundMs(env), clock);
