/**
 * Every error the API can answer with. Each class fixes its status code and the `message` that
 * clients branch on; `http/error-response.ts` is the one place that turns them into bodies.
 * Anything that is not an ApiError becomes a 500 that says nothing about its cause.
 */
export abstract class ApiError extends Error {
  abstract readonly statusCode: number;
  /** A human sentence for the optional `reason` field; clients must not branch on it. */
  readonly reason: string | undefined;
  /** For retryable answers: when a retry makes sense, sent as `Retry-After`. */
  readonly retryAfterSeconds: number | undefined = undefined;

  constructor(message: string, reason?: string) {
    super(message);
    this.name = new.target.name;
    this.reason = reason;
  }
}

/** 400: the request is malformed; the message names the field. */
export class BadRequestError extends ApiError {
  readonly statusCode = 400;
}

/** 401: the API key is missing, unknown or disabled. */
export class UnauthorizedError extends ApiError {
  readonly statusCode = 401;
  static missing = () => new UnauthorizedError('Missing authentication');
  static invalid = () => new UnauthorizedError('Invalid authentication');
}

/** 403 Forbidden: missing resource, another account's resource, or a role without permission. */
export class ForbiddenError extends ApiError {
  readonly statusCode = 403;
  constructor(reason?: string) {
    super('Forbidden', reason);
  }
}

export const BUSINESS_RULE_CODES = [
  'LIVENESS_MISMATCH',
  'AUTHORIZATION_FAILED',
  'ALREADY_AUTHORIZED',
] as const;
export type BusinessRuleCode = (typeof BUSINESS_RULE_CODES)[number];

/** 403 with a documented code: a rule broken on a resource the caller may see. */
export class BusinessRuleError extends ApiError {
  readonly statusCode = 403;
  constructor(
    readonly code: BusinessRuleCode,
    reason?: string,
  ) {
    super(code, reason);
  }
}

/**
 * 403 AUTHORIZATION_PENDING: a decoupled intent whose user has not answered at the bank yet. Poll
 * again after `Retry-After`, the bank's interval (raised by each `slow_down` it answered).
 */
export class AuthorizationPendingError extends ApiError {
  readonly statusCode = 403;
  override readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super('AUTHORIZATION_PENDING', 'The user has not completed the steps to authorize the consent.');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 404: only for an unknown route or method. */
export class RouteNotFoundError extends ApiError {
  readonly statusCode = 404;
  constructor() {
    super('Not Found');
  }
}

/** 429: the account sent more requests in this minute than the API allows. */
export class RateLimitExceededError extends ApiError {
  readonly statusCode = 429;
  override readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMIT_EXCEEDED', 'Too many requests for this account; retry after the time given.');
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * 502: the bank was not reached (refused, DNS, TLS), or it answered an error before redeeming
 * anything (5xx). Nothing changed and the code was not used, so a retry with the same code is safe.
 */
export class ProviderUnavailableError extends ApiError {
  readonly statusCode = 502;
  override readonly retryAfterSeconds = 5;
  constructor(reason = 'The bank could not be reached; nothing was changed. Retry with the same code.') {
    super('PROVIDER_UNAVAILABLE', reason);
  }
}

/**
 * 504 (no answer in time) or 502 (an answer that could not be read): the code reached the bank, and
 * whether the bank redeemed it is unknown. The intent stays `created`, so a retry with the same code
 * completes it if the bank did not redeem the code; if it did, the bank refuses the code a second
 * time and the retry answers 403 AUTHORIZATION_FAILED (the user starts a new intent).
 */
export class ProviderOutcomeUnknownError extends ApiError {
  readonly statusCode: 502 | 504;
  override readonly retryAfterSeconds = 5;
  constructor(readonly kind: 'timeout' | 'unreadable') {
    super(
      kind === 'timeout' ? 'PROVIDER_TIMEOUT' : 'PROVIDER_ERROR',
      'The bank received the code (or the poll of a decoupled intent) but its answer was not heard; a retry with the same request completes the intent unless the bank already used the code or the approval up, in which case it answers AUTHORIZATION_FAILED.',
    );
    this.statusCode = kind === 'timeout' ? 504 : 502;
  }
}

/**
 * 503: a dependency of the service itself (the table, the secret store) failed or throttled before
 * anything was changed; a retry is safe.
 */
export class ServiceUnavailableError extends ApiError {
  readonly statusCode = 503;
  override readonly retryAfterSeconds = 2;
  constructor(reason = 'The service is briefly unavailable; nothing was changed. Retry shortly.') {
    super('SERVICE_UNAVAILABLE', reason);
  }
}

/**
 * 503: the invocation ran out of time before it could answer (a dependency stalled). Every write is
 * a single conditional one and authorize resumes from what is stored, so a retry is safe.
 */
export class DeadlineExceededError extends ApiError {
  readonly statusCode = 503;
  override readonly retryAfterSeconds = 2;
  constructor() {
    super('SERVICE_TIMEOUT', 'The request could not be completed in time; retry it.');
  }
}

/** 503: another call is authorizing the same intent right now; retrying shortly is safe. */
export class AuthorizationInProgressError extends ApiError {
  readonly statusCode = 503;
  override readonly retryAfterSeconds = 1;
  constructor() {
    super('AUTHORIZATION_IN_PROGRESS', 'Another request is authorizing this intent; retry shortly.');
  }
}

/**
 * 503: another create with the same idempotency key is still running and did not finish within the
 * wait; it creates the one intent, so retrying shortly answers it.
 */
export class IdempotentRequestInProgressError extends ApiError {
  readonly statusCode = 503;
  override readonly retryAfterSeconds = 1;
  constructor() {
    super(
      'IDEMPOTENT_REQUEST_IN_PROGRESS',
      'A request with this idempotencyKey is still being processed; retry shortly for its answer.',
    );
  }
}

/**
 * A conditional write lost against a concurrent one (the repository's translation of DynamoDB's
 * ConditionalCheckFailedException). Use cases catch it where losing is expected; if it escapes,
 * the state is unchanged and a retry is safe.
 */
export class StateConflictError extends ApiError {
  readonly statusCode = 503;
  override readonly retryAfterSeconds = 1;
  constructor(reason = 'A concurrent request changed this resource; retry.') {
    super('CONCURRENT_UPDATE', reason);
  }
}

/** The provider refused the authorization code (invalid, expired, reused or denied by the user). */
export class ProviderRejectedError extends Error {
  constructor(readonly providerError: string) {
    super(`provider rejected the authorization: ${providerError}`);
    this.name = 'ProviderRejectedError';
  }
}
