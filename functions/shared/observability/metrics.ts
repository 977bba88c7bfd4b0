/**
 * The names of the service's own metrics, read by both sides: the functions emit under them
 * (record-outcome.ts) and the stack's alarms and dashboard watch them (lib/), so that an alarm can
 * never watch a metric nobody emits. Plain constants: the stack imports this without Powertools.
 */

/** Also the logger's service name; Powertools adds it to every metric as the `service` dimension. */
export const SERVICE_NAME = 'bank-account-connection-intents';

export const METRICS_NAMESPACE = 'BankAccountConnectionIntents';

export const METRIC_DIMENSIONS = {
  service: 'service',
  /** The route id of functions/routes.ts (`CreateIntent`, `AuthorizeIntent`). */
  route: 'route',
  /** The answer's code (the contract's `message`, e.g. `AUTHORIZATION_FAILED`); on `Failed` only. */
  reason: 'reason',
} as const;

/**
 * One value per answer of a function, each 0 or 1, all with the `service` and `route` dimensions:
 * the Sum of one over a period counts those answers, its Average is their share of all answers.
 */
export const OUTCOME_METRICS = {
  /** Always 1: every answer, whatever it was. */
  requests: 'Requests',
  /** A 2xx answer: the intent was created (CreateIntent) or authorized (AuthorizeIntent). */
  succeeded: 'Succeeded',
  /** Any other answer. Also emitted once more with the `reason` dimension: failures by reason. */
  failed: 'Failed',
  /** The bank could not be reached or did not answer usably (codes in BANK_UNAVAILABLE_CODES). */
  bankUnavailable: 'BankUnavailable',
  /** 503 AUTHORIZATION_IN_PROGRESS: a concurrent call held the intent. */
  authorizationInProgress: 'AuthorizationInProgress',
  /** 429 RATE_LIMIT_EXCEEDED from the function (the gateway's own throttling never reaches it). */
  rateLimited: 'RateLimited',
} as const;

export type OutcomeMetric = (typeof OUTCOME_METRICS)[keyof typeof OUTCOME_METRICS];

/** The answers' codes that mean "the bank is unavailable": unreachable, silent, or unreadable. */
export const BANK_UNAVAILABLE_CODES: readonly string[] = [
  'PROVIDER_UNAVAILABLE',
  'PROVIDER_TIMEOUT',
  'PROVIDER_ERROR',
];

/** The `route` of an answer of a chain built without a route (never the case in Lambda). */
export const UNKNOWN_ROUTE = 'unknown';
