import * as oauth from 'oauth4webapi';
import { ProviderRejectedError, ProviderUnavailableError } from '../domain/errors';

/** OAuth error codes that mean the user's authorization is not (or no longer) valid. */
const REJECTED_AUTHORIZATION = new Set(['invalid_grant', 'access_denied']);

/**
 * Tells a refused authorization (final: the intent fails) from a provider that could not answer
 * (transient: the intent stays retryable). Only the OAuth error code and HTTP status are logged,
 * never a code, token or response body.
 */
export function classifyProviderError(
  error: unknown,
  operation: string,
): ProviderRejectedError | ProviderUnavailableError {
  if (error instanceof oauth.ResponseBodyError && REJECTED_AUTHORIZATION.has(error.error)) {
    return new ProviderRejectedError(error.error);
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError && operation === 'accounts') {
    // 401: the token is no longer valid; 403: it does not reach the accounts. Neither heals on retry.
    return new ProviderRejectedError(error.status === 403 ? 'insufficient_scope' : 'invalid_token');
  }
  console.warn(
    JSON.stringify({
      message: 'Quartz request failed',
      operation,
      error: error instanceof Error ? error.name : typeof error,
      ...(error instanceof oauth.ResponseBodyError ? { status: error.status, oauthError: error.error } : {}),
      ...(error instanceof oauth.WWWAuthenticateChallengeError ? { status: error.status } : {}),
      ...(error instanceof oauth.OperationProcessingError ? { code: error.code } : {}),
    }),
  );
  return new ProviderUnavailableError('The bank could not be reached; retry with the same code.');
}
