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

/**
 * How long a container (a Lambda execution environment; a handler bundle of the local API) answers
 * from memory what it read about API keys, instead of reading the key on every request
 * (docs/performance-auth-and-rate-limit.md).
 */
export interface ApiKeyCacheBudget {
  /**
   * The revocation bound. A key's record, read strongly consistently, is used at most this long from
   * the moment the read began: a key disabled, or rotated away, stops working in every container at
   * most this long after the change (a re-enabled one works again as late). Zero: no caching.
   */
  readonly revocationBoundMs: number;
  /**
   * A secret that no key has is answered 401 from memory this long (never longer than the bound), so
   * a client repeating a wrong secret costs one read per container per period, not one per request.
   * Short, though harmless to a new key: its record is written before its secret is handed out.
   */
  readonly unknownSecretTtlMs: number;
}

export const API_KEY_CACHE_BUDGET: ApiKeyCacheBudget = {
  revocationBoundMs: 60_000,
  unknownSecretTtlMs: 10_000,
};

/**
 * The most a deployment or a local stack may set the bound to (API_KEY_REVOCATION_BOUND_SECONDS):
 * shorter is always allowed, down to no caching at all; longer would break what the docs promise.
 */
export const MAX_API_KEY_REVOCATION_BOUND_MS = API_KEY_CACHE_BUDGET.revocationBoundMs;

/** The budget with the bound a configuration chose (the unknown-secret period never outlives it). */
export const apiKeyCacheBudget = (revocationBoundMs: number): ApiKeyCacheBudget => ({
  revocationBoundMs,
  unknownSecretTtlMs: Math.min(API_KEY_CACHE_BUDGET.unknownSecretTtlMs, revocationBoundMs),
});

/**
 * The budget of the function that publishes the table's changes as events (functions/publish-events).
 * It answers no caller: Lambda feeds it batches of the table's change stream and retries what it
 * hands back, so its one rule is to hand back, before its timeout, every change it could not publish.
 */
export interface PublisherBudget {
  /** The publisher function's timeout. */
  readonly functionTimeoutMs: number;
  /** One PutEvents attempt (connection and answer); the SDK makes up to `putEventsMaxAttempts`. */
  readonly putEventsAttemptTimeoutMs: number;
  readonly putEventsMaxAttempts: number;
  /**
   * No PutEvents request starts with less time left than this: all its attempts and the SDK's
   * backoff between them. The changes it would have carried are handed back to be delivered again.
   */
  readonly putEventsReserveMs: number;
  /**
   * DynamoDB keeps a change in the stream this long (fixed by DynamoDB); a change not published by
   * then is gone from the stream.
   */
  readonly streamRetentionMs: number;
  /**
   * How old a change may grow, retried, before Lambda gives up on it and names it in the
   * dead-letter queue: well inside the stream's retention, so that what the queue names can still be
   * read from the stream and published by hand.
   */
  readonly maxRecordAgeMs: number;
}

const PUT_EVENTS_ATTEMPT_TIMEOUT_MS = 2_000;
const PUT_EVENTS_MAX_ATTEMPTS = 3;
const HOUR_MS = 3_600_000;

export const PUBLISHER_BUDGET: PublisherBudget = {
  functionTimeoutMs: 30_000,
  putEventsAttemptTimeoutMs: PUT_EVENTS_ATTEMPT_TIMEOUT_MS,
  putEventsMaxAttempts: PUT_EVENTS_MAX_ATTEMPTS,
  // The SDK's backoff between two attempts stays well under half a second.
  putEventsReserveMs: PUT_EVENTS_MAX_ATTEMPTS * PUT_EVENTS_ATTEMPT_TIMEOUT_MS + 1_000,
  streamRetentionMs: 24 * HOUR_MS,
  maxRecordAgeMs: 6 * HOUR_MS,
};
