import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ServiceUnavailableError } from '../domain/errors';
import { logger } from '../observability/logger';

/** What DynamoDB answers when it throttles or fails on its side; a retry later can succeed. */
const TRANSIENT_ERRORS = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'LimitExceededException',
]);

const SOCKET_ERROR =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/;

/**
 * Turns a table that throttles, fails or cannot be reached (after the SDK's own retries) into the
 * domain's retryable ServiceUnavailableError, logging the cause. Anything else (a failed condition,
 * which the repositories translate; a validation error, which is a bug of ours) passes unchanged.
 */
export function translateStoreErrors(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        const cause = transientCause(error);
        if (!cause) throw error;
        logger.warn('table request failed', { command: context.commandName, ...cause });
        throw new ServiceUnavailableError();
      }
    },
    { step: 'initialize', name: 'translateStoreErrors' },
  );
}

function transientCause(error: unknown): Record<string, string | number> | undefined {
  if (!(error instanceof Error)) return undefined;
  const { $metadata, code } = error as { $metadata?: { httpStatusCode?: number }; code?: unknown };
  const status = $metadata?.httpStatusCode;
  if (TRANSIENT_ERRORS.has(error.name) || (status !== undefined && status >= 500)) {
    return { cause: 'dynamodb', error: error.name, ...(status !== undefined ? { status } : {}) };
  }
  if (error.name === 'AbortError' || error.name === 'TimeoutError')
    return { cause: 'timeout', error: error.name };
  // Socket errors (refused, reset, DNS) carry a Node.js error code and no HTTP status; where the
  // SDK could not keep the original error, its message still names the code.
  if (status !== undefined) return undefined;
  const socketCode = typeof code === 'string' ? code : SOCKET_ERROR.exec(error.message)?.[0];
  return socketCode ? { cause: 'network', error: socketCode } : undefined;
}
