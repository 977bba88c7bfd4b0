import * as errors from '../../../functions/shared/domain/errors';
import { ERROR_ANSWERS } from '../../../functions/shared/http/error-answers';
import { toErrorResponse } from '../../../functions/shared/http/error-response';

/** One instance of every answer each error class can give. */
const EVERY_ERROR: errors.ApiError[] = [
  errors.UnauthorizedError.missing(),
  errors.UnauthorizedError.invalid(),
  new errors.ForbiddenError(),
  ...errors.BUSINESS_RULE_CODES.map((code) => new errors.BusinessRuleError(code)),
  new errors.RouteNotFoundError(),
  new errors.RateLimitExceededError(1),
  new errors.ProviderUnavailableError(),
  new errors.ProviderOutcomeUnknownError('timeout'),
  new errors.ProviderOutcomeUnknownError('unreadable'),
  new errors.ServiceUnavailableError(),
  new errors.DeadlineExceededError(),
  new errors.AuthorizationInProgressError(),
  new errors.AuthorizationPendingError(1),
  new errors.IdempotentRequestInProgressError(),
  new errors.StateConflictError(),
];

describe('the catalogue of error answers', () => {
  it('covers every error class the domain declares', () => {
    const classes = Object.values(errors as Record<string, unknown>).filter(
      (value): value is typeof errors.ApiError =>
        typeof value === 'function' && value.prototype instanceof errors.ApiError,
    );
    const covered = new Set(EVERY_ERROR.map((error) => error.constructor));

    expect(classes.filter((errorClass) => !covered.has(errorClass as never)).map((c) => c.name)).toEqual([
      // 400: its message names the field, so it is not a fixed answer.
      'BadRequestError',
    ]);
  });

  it.each(EVERY_ERROR.map((error) => [error.message, error] as const))(
    'holds %s with the status, and Retry-After, the error answers with',
    (message, error) => {
      const { statusCode, headers } = toErrorResponse(error, 'req-1');

      if (message === 'Not Found') return expect(statusCode).toBe(404);
      const spec = ERROR_ANSWERS[message as keyof typeof ERROR_ANSWERS];
      expect(spec?.status).toBe(statusCode);
      expect('retryAfter' in spec).toBe(headers?.['retry-after'] !== undefined);
    },
  );
});
