import { systemClock } from '../domain/clock';
import type { ChainServices } from '../http/middlewares';
import { ApiKeyRepository } from '../repository/api-key-repository';
import { RateLimitRepository } from '../repository/rate-limit-repository';
import type { RepositoryOptions } from '../repository/repository-options';

/** What the chain every route shares needs: the API keys and the rate-limit counters, on the table. */
export function apiChainServices(table: RepositoryOptions): ChainServices {
  return {
    apiKeys: new ApiKeyRepository(table),
    rateLimits: new RateLimitRepository(table),
    clock: systemClock,
  };
}
