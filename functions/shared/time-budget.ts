/**
 * The one definition of time for an invocation. Every timing of the service derives from
 * `functionTimeoutMs`: the stack's function timeout, the local API's, the authorize claim lease,
 * the request budgets of DynamoDB and the bank, and the moment the chain answers early. A unit
 * test fails if they drift apart (test/unit/shared/time-budget.test.ts).
 */
export interface TimeBudget {
  /** API Gateway gives up on a REST integration after 29 s and answers 504 itself. */
  readonly apiGatewayTimeoutMs: number;
  /** The Lambda function's timeout; below API Gateway's, so a slow dependency ends in our own answer. */
  readonly functionTimeoutMs: number;
  /**
   * The chain answers this long before Lambda's deadline: room to serialize the answer and log the
   * request line, however the work inside went.
   */
  readonly answerMarginMs: number;
  /**
   * Kept back from the token request for the write that saves the grant right after it: once the bank
   * has redeemed the code, that write is what makes a retry safe, so it must never be starved.
   */
  readonly grantSaveReserveMs: number;
  /**
   * Below this much time for the token request the code is not sent at all (a retry can still use it),
   * rather than sent with too little time to hear the answer.
   */
  readonly minTokenRequestMs: number;
  /** One attempt of one DynamoDB request; the SDK retries within the invocation's remaining time. */
  readonly dynamoAttemptTimeoutMs: number;
  readonly dynamoMaxAttempts: number;
  /** Discovery and the accounts resource (the token request has its own, larger budget). */
  readonly providerRequestTimeoutMs: number;
  /**
   * How long an authorize claim stays live. Nothing of an invocation runs after its function timeout
   * (Lambda stops it, and the chain aborts its outbound calls at the answer), so one timeout plus a
   * margin for clock skew between hosts guarantees that a running owner is never overtaken.
   */
  readonly claimLeaseMs: number;
  /** How long a caller that lost the claim race waits for the winner's outcome. */
  readonly waitForWinnerMs: number;
  readonly pollIntervalMs: number;
  /**
   * How long a create holds its idempotency key before another call may take the key over. As for
   * the authorize claim, one timeout plus the clock-skew margin: a running create is never overtaken.
   */
  readonly idempotencyLeaseMs: number;
  /**
   * How long a create waits for a running create with the same idempotency key before answering a
   * retryable 503: as long as one provider request (a slow discovery) may hold the first one up.
   */
  readonly waitForIdempotentRequestMs: number;
  /**
   * How often the expiry sweeper runs in AWS: EventBridge's finest schedule. Each run is one
   * invocation of `functionTimeoutMs` at most, so a run ends before the next begins.
   */
  readonly expirySweepIntervalMs: number;
  /**
   * The sweeper starts no new page of due intents with less time than this left: what one page's
   * writes need, each with all its attempts, so a run never leaves writes cut off at its deadline.
   */
  readonly expirySweepReserveMs: number;
}

const FUNCTION_TIMEOUT_MS = 20_000;
const CLOCK_SKEW_MARGIN_MS = 5_000;

export const TIME_BUDGET: TimeBudget = {
  apiGatewayTimeoutMs: 29_000,
  functionTimeoutMs: FUNCTION_TIMEOUT_MS,
  answerMarginMs: 1_000,
  grantSaveReserveMs: 4_000,
  minTokenRequestMs: 2_000,
  dynamoAttemptTimeoutMs: 2_000,
  dynamoMaxAttempts: 3,
  providerRequestTimeoutMs: 5_000,
  claimLeaseMs: FUNCTION_TIMEOUT_MS + CLOCK_SKEW_MARGIN_MS,
  waitForWinnerMs: 5_000,
  pollIntervalMs: 200,
  idempotencyLeaseMs: FUNCTION_TIMEOUT_MS + CLOCK_SKEW_MARGIN_MS,
  waitForIdempotentRequestMs: 5_000,
  expirySweepIntervalMs: 60_000,
  expirySweepReserveMs: 6_000,
};

/**
 * How often the local stack runs the same sweeper (`npm start -- --expiry-sweep-interval <seconds>`
 * changes it): a few seconds, so that an intent with a short lifetime is swept while one waits.
 */
export const LOCAL_EXPIRY_SWEEP_INTERVAL_MS = 5_000;

/**
 * The latest moment, after an intent's lifetime ends, by which its PKCE verifier, state and any
 * token are gone from the table although nobody calls (docs/expiry.md): an authorization that
 * claimed the intent just before the end may hold it one lease longer; the sweep that frees it
 * starts at most one interval after that and writes within one run.
 */
export const expiryBoundMs = (budget: TimeBudget, sweepIntervalMs = budget.expirySweepIntervalMs): number =>
  budget.claimLeaseMs + sweepIntervalMs + budget.functionTimeoutMs;
