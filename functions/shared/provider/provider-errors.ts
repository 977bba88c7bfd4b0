import * as oauth from 'oauth4webapi';
import {
  DeadlineExceededError,
  ProviderOutcomeUnknownError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../domain/errors';
import { logger } from '../observability/logger';

/** OAuth error codes that mean the user's authorization is not (or no longer) valid. */
const REJECTED_AUTHORIZATION = new Set(['invalid_grant', 'access_denied']);

/**
 * CIBA §13: refusals of a backchannel authentication request that the same request cannot overcome
 * (an unknown user, a binding message or authorization details the bank will not take). Refusals that
 * mean our own registration is wrong (`invalid_client`, `unauthorized_client`, `invalid_scope`) stay
 * with the bank failures: an operator fixes them, and the client's request was fine.
 */
const REFUSED_BACKCHANNEL_REQUEST = new Set([
  'access_denied',
  'expired_login_hint_token',
  'invalid_authorization_details',
  'invalid_binding_message',
  'invalid_request',
  'invalid_user_code',
  'missing_user_code',
  'unknown_user_id',
]);

/** Socket error codes raised before a request leaves this process: the bank never saw it. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** `token` is any request that may use up a grant: a code's redemption, a decoupled request's poll. */
export type ProviderOperation = 'discovery' | 'token' | 'accounts' | 'backchannel';

/**
 * Why a request to the bank failed, in an operator's words. `refused`, `dns` and `tls` mean the
 * request never reached the bank; `timeout` and `network` mean it may have (it was sent, or the
 * connection broke while it was under way); `http` means the bank answered with `status`;
 * `malformed` means it answered something that could not be read.
 */
export interface ProviderFailure {
  cause: 'refused' | 'dns' | 'tls' | 'timeout' | 'network' | 'http' | 'malformed';
  status?: number;
  oauthError?: string;
  code?: string;
}

/**
 * Tells a refused authorization (final: the intent fails) from a bank that could not answer
 * (transient: the intent stays retryable), and for the token request, a code that never reached the
 * bank from one whose fate is unknown. Logs the cause (never a code, token or response body).
 */
export function classifyProviderError(
  error: unknown,
  operation: ProviderOperation,
): ProviderRejectedError | ProviderUnavailableError | ProviderOutcomeUnknownError {
  if (error instanceof oauth.ResponseBodyError && REJECTED_AUTHORIZATION.has(error.error)) {
    return new ProviderRejectedError(error.error);
  }
  if (
    error instanceof oauth.ResponseBodyError &&
    operation === 'backchannel' &&
    REFUSED_BACKCHANNEL_REQUEST.has(error.error)
  ) {
    return new ProviderRejectedError(error.error);
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError && operation === 'accounts') {
    // 401: the token is no longer valid; 403: it does not reach the accounts. Neither heals on retry.
    return new ProviderRejectedError(error.status === 403 ? 'insufficient_scope' : 'invalid_token');
  }
  const failure = describeProviderFailure(error);
  logger.warn('bank request failed', { operation, ...failure });
  if (operation === 'token') {
    if (failure.cause === 'timeout' || failure.cause === 'network') {
      return new ProviderOutcomeUnknownError('timeout');
    }
    if (failure.cause === 'malformed' && (failure.status === undefined || failure.status < 500)) {
      return new ProviderOutcomeUnknownError('unreadable');
    }
  }
  return new ProviderUnavailableError();
}

export function describeProviderFailure(error: unknown): ProviderFailure {
  if (error instanceof oauth.ResponseBodyError) {
    return { cause: 'http', status: error.status, oauthError: error.error };
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) return { cause: 'http', status: error.status };
  if (error instanceof oauth.OperationProcessingError) {
    const status = error.cause instanceof Response ? error.cause.status : undefined;
    // A status other than the expected one, without an OAuth error body: the bank failed (e.g. a 503 page).
    if (error.code === oauth.RESPONSE_IS_NOT_CONFORM && status !== undefined) {
      return { cause: 'http', status, code: error.code };
    }
    return { cause: 'malformed', ...(status !== undefined ? { status } : {}), code: error.code ?? 'unknown' };
  }
  if (isAbort(error)) return { cause: 'timeout' };
  const code = socketErrorCode(error);
  if (code && NOT_CONNECTED.has(code)) {
    return { cause: code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'dns' : 'refused', code };
  }
  if (code && /CERT|TLS|SSL/.test(code)) return { cause: 'tls', code };
  return {
    cause: 'network',
    ...(code ? { code } : { code: error instanceof Error ? error.name : typeof error }),
  };
}

// fetch's errors are read by shape, not `instanceof`: they come from Node's own realm, which is not
// the realm of code run in a sandbox such as a test runner's.
interface ErrorShape {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
}

/** Our own deadline, a request budget running out, or any abort while the request was under way. */
function isAbort(error: unknown): boolean {
  const { name } = (error ?? {}) as ErrorShape;
  return error instanceof DeadlineExceededError || name === 'AbortError' || name === 'TimeoutError';
}

/** fetch wraps socket errors: `TypeError: fetch failed` with the socket's error (and its code) as cause. */
function socketErrorCode(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; typeof current === 'object' && current !== null && depth < 5; depth += 1) {
    const { code, cause } = current as ErrorShape;
    if (typeof code === 'string') return code;
    current = cause;
  }
  return undefined;
}
