import * as z from 'zod/mini';

/** The reason phrase the contract's error body carries in `error`, by status. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export interface ErrorAnswerSpec {
  status: 401 | 403 | 404 | 429 | 500 | 502 | 503 | 504;
  /** When the answer is given, for the reference documentation. */
  when: string;
  /** The answer carries `Retry-After` (seconds): a retry after that long is safe. */
  retryAfter?: true;
}

/**
 * Every error answer the functions give, by its `message` (a documented code, or the contract's fixed
 * sentence), except the 400s, whose message names the field and so is not a fixed value. The error
 * classes (domain/errors.ts) produce exactly these: a unit test builds each class and checks it is
 * here. Routes name the ones of their own (`errors` in their entry); `EVERY_ROUTE_ERRORS` are
 * answered by any route, from the shared chain.
 */
export const ERROR_ANSWERS = {
  'Missing authentication': { status: 401, when: 'The request has no X-Api-Key header.' },
  'Invalid authentication': { status: 401, when: 'The X-Api-Key is unknown or disabled.' },
  Forbidden: {
    status: 403,
    when: "The resource does not exist, is another account's, or the key's role may not call the operation. The same answer for all three.",
  },
  LIVENESS_MISMATCH: {
    status: 403,
    when: "The Bank Account's `test` flag differs from the intent's.",
  },
  AUTHORIZATION_FAILED: {
    status: 403,
    when: 'The bank refused the authorization (the code was invalid, expired, reused, the user denied, or a decoupled request expired unanswered), the bank granted other limits than asked, or the intent already failed or expired.',
  },
  ALREADY_AUTHORIZED: { status: 403, when: 'The intent was already authorized with another code.' },
  AUTHORIZATION_PENDING: {
    status: 403,
    when: "A decoupled intent: the user has not completed the steps to authorize the consent at the bank yet. Poll again after `Retry-After` seconds (the bank's interval).",
    retryAfter: true,
  },
  RATE_LIMIT_EXCEEDED: {
    status: 429,
    when: "The account spent this operation's budget of 200 requests for the current minute.",
    retryAfter: true,
  },
  'Internal Server Error': {
    status: 500,
    when: 'An unexpected failure; the body says nothing of its cause.',
  },
  PROVIDER_UNAVAILABLE: {
    status: 502,
    when: 'The bank could not be reached, or answered an error before anything was redeemed; nothing changed, a retry is safe.',
    retryAfter: true,
  },
  PROVIDER_ERROR: {
    status: 502,
    when: 'The code reached the bank, but its answer could not be read; a retry with the same code completes the intent unless the bank redeemed the code.',
    retryAfter: true,
  },
  PROVIDER_TIMEOUT: {
    status: 504,
    when: 'The code reached the bank, but no answer came in time; a retry with the same code completes the intent unless the bank redeemed the code.',
    retryAfter: true,
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    when: 'A dependency of the service (the table, the secret store) failed before anything changed; a retry is safe.',
    retryAfter: true,
  },
  SERVICE_TIMEOUT: {
    status: 503,
    when: 'The request could not be completed in time; a retry is safe.',
    retryAfter: true,
  },
  CONCURRENT_UPDATE: {
    status: 503,
    when: 'A concurrent request changed the resource first; a retry is safe.',
    retryAfter: true,
  },
  AUTHORIZATION_IN_PROGRESS: {
    status: 503,
    when: 'Another request is authorizing the same intent; retrying shortly answers its outcome.',
    retryAfter: true,
  },
  IDEMPOTENT_REQUEST_IN_PROGRESS: {
    status: 503,
    when: 'A create with the same idempotencyKey is still running; retrying shortly answers its intent.',
    retryAfter: true,
  },
} as const satisfies Record<string, ErrorAnswerSpec>;
export type ErrorMessage = keyof typeof ERROR_ANSWERS;

/** Answered by any route: the key (401, 403 for the role), the budget (429), and the service's own failures. */
export const EVERY_ROUTE_ERRORS = [
  'Missing authentication',
  'Invalid authentication',
  'Forbidden',
  'RATE_LIMIT_EXCEEDED',
  'Internal Server Error',
  'SERVICE_UNAVAILABLE',
  'SERVICE_TIMEOUT',
] as const satisfies readonly ErrorMessage[];

/** The 404 of an unknown route or method: not an operation's answer, the API's. */
export const NOT_FOUND_MESSAGE = 'Not Found';

/**
 * The contract's error body for one status, its `message` one of `messages` (any text when none
 * are given: a 400 names the field in a sentence).
 */
export function errorBodySchema(status: number, messages?: readonly string[]) {
  const error = REASON_PHRASES[status];
  if (!error) throw new Error(`no reason phrase for status ${status}`);
  const [first, ...rest] = messages ?? [];
  return z.strictObject({
    statusCode: z.literal(status),
    error: z.literal(error),
    message:
      first === undefined
        ? z
            .string()
            .check(z.minLength(1))
            .check(z.meta({ description: 'What is wrong, naming the field.' }))
        : z.enum([first, ...rest]),
    reason: z
      .optional(z.string())
      .check(z.meta({ description: 'A human sentence; clients must not branch on it.' })),
    requestId: z
      .optional(z.string())
      .check(z.meta({ description: 'The request id, as the X-Request-Id header carries it.' })),
  });
}
