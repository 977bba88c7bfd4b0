import type { SecretSource } from '../config';
import { ServiceUnavailableError } from '../domain/errors';
import { PageKeys } from '../domain/page-keys';
import { logger } from '../observability/logger';
import { secretReadAtColdStart } from './secrets-manager';

/**
 * Page keys signed with the page-key secret, read during the cold start where it lives in Secrets
 * Manager. A read that fails is a retryable 503 (and is tried again on the next request); the
 * cause is logged.
 */
export function pageKeys(source: SecretSource): PageKeys {
  const secret = secretReadAtColdStart(source, 'page key secret');
  return new PageKeys(async () => {
    try {
      return await secret();
    } catch (error) {
      logger.error('page key secret unavailable', {
        error: error instanceof Error ? error.name : typeof error,
      });
      throw new ServiceUnavailableError();
    }
  });
}
