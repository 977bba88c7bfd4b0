import type { APIGatewayProxyResult } from 'aws-lambda';
import { ApiError } from '../domain/errors';
import { logger } from '../observability/logger';
import { REASON_PHRASES } from './error-answers';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  reason?: string;
  requestId?: string;
}

/**
 * The one place errors become the contract's answers: status, body, and `Retry-After` where the
 * error says when a retry makes sense.
 */
export function toErrorResponse(error: unknown, requestId: string): APIGatewayProxyResult {
  const body = toErrorBody(error, requestId);
  const retryAfter = error instanceof ApiError ? error.retryAfterSeconds : undefined;
  return {
    statusCode: body.statusCode,
    headers: {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-request-id': requestId,
      ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}),
    },
    body: JSON.stringify(body),
  };
}

/**
 * The contract's bodies. An ApiError says what it may; anything else
 * is logged here and answered as a 500 that carries no message, stack or SDK detail.
 */
function toErrorBody(error: unknown, requestId: string | undefined): ErrorBody {
  if (error instanceof ApiError) {
    return {
      statusCode: error.statusCode,
      error: REASON_PHRASES[error.statusCode] ?? 'Error',
      message: error.message,
      ...(error.reason ? { reason: error.reason } : {}),
      ...(requestId ? { requestId } : {}),
    };
  }
  // Name, message and stack of our own code or the SDK; never a request body, header or secret.
  logger.error('unhandled error', { requestId, error: error instanceof Error ? error : String(error) });
  return {
    statusCode: 500,
    error: REASON_PHRASES[500] as string,
    message: 'Internal Server Error',
    ...(requestId ? { requestId } : {}),
  };
}
