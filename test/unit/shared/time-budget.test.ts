import {
  API_KEY_CACHE_BUDGET,
  apiKeyCacheBudget,
  expiryBoundMs,
  LOCAL_EXPIRY_SWEEP_INTERVAL_MS,
  TIME_BUDGET,
} from '../../../functions/shared/time-budget';
import { FUNCTION_TIMEOUT_SECONDS } from '../../../lib/service-function';

/** Every timing derives from one budget; these are the relations that keep an answer before each deadline. */
describe('the time budget of one invocation', () => {
  const budget = TIME_BUDGET;

  it('ends the function before API Gateway gives up, so a slow dependency ends in our own answer', () => {
    expect(budget.functionTimeoutMs).toBeLessThan(budget.apiGatewayTimeoutMs);
    expect(FUNCTION_TIMEOUT_SECONDS * 1_000).toBe(budget.functionTimeoutMs);
  });

  it('keeps a claim live for longer than any invocation runs, so a running owner is never overtaken', () => {
    expect(budget.claimLeaseMs).toBeGreaterThan(budget.functionTimeoutMs);
  });

  it('leaves the token request most of the invocation after the grant-save reserve and the answer margin', () => {
    const tokenBudgetAtStart = budget.functionTimeoutMs - budget.answerMarginMs - budget.grantSaveReserveMs;
    // A bank that answers after 8 s must still end `authorized`.
    expect(tokenBudgetAtStart).toBeGreaterThan(8_000 + budget.minTokenRequestMs);
    expect(budget.minTokenRequestMs).toBeGreaterThan(0);
  });

  it('lets the grant be saved within its reserve, at least one DynamoDB attempt and a retry', () => {
    expect(budget.grantSaveReserveMs).toBeGreaterThanOrEqual(2 * budget.dynamoAttemptTimeoutMs);
  });

  it('keeps single requests and the wait for a winner well inside one invocation', () => {
    const answerWindow = budget.functionTimeoutMs - budget.answerMarginMs;
    expect(budget.providerRequestTimeoutMs).toBeLessThan(answerWindow);
    expect(budget.dynamoAttemptTimeoutMs * budget.dynamoMaxAttempts).toBeLessThan(answerWindow);
    expect(budget.waitForWinnerMs).toBeLessThan(answerWindow);
    expect(budget.pollIntervalMs).toBeLessThan(budget.waitForWinnerMs);
  });

  it('holds an idempotency key longer than any create runs, and waits for a running one well inside the answer', () => {
    expect(budget.idempotencyLeaseMs).toBeGreaterThan(budget.functionTimeoutMs);
    expect(budget.waitForIdempotentRequestMs).toBeGreaterThanOrEqual(budget.providerRequestTimeoutMs);
    expect(budget.waitForIdempotentRequestMs).toBeLessThan(budget.functionTimeoutMs - budget.answerMarginMs);
    expect(budget.pollIntervalMs).toBeLessThan(budget.waitForIdempotentRequestMs);
  });

  it('ends each expiry sweep before the next starts, with room for a page of writes in every run', () => {
    expect(budget.functionTimeoutMs).toBeLessThan(budget.expirySweepIntervalMs);
    expect(budget.expirySweepReserveMs).toBeGreaterThanOrEqual(
      budget.dynamoAttemptTimeoutMs * budget.dynamoMaxAttempts,
    );
    expect(budget.expirySweepReserveMs).toBeLessThan(budget.functionTimeoutMs - budget.answerMarginMs);
    expect(LOCAL_EXPIRY_SWEEP_INTERVAL_MS).toBeLessThan(budget.expirySweepIntervalMs);
  });

  it('bounds how long an ended intent keeps its secrets: one lease, one schedule interval and one run', () => {
    expect(expiryBoundMs(budget)).toBe(
      budget.claimLeaseMs + budget.expirySweepIntervalMs + budget.functionTimeoutMs,
    );
    // docs/expiry.md and the README state it as 105 seconds after the lifetime ends.
    expect(expiryBoundMs(budget)).toBe(105_000);
  });
});

describe('the API-key cache budget', () => {
  it('lets a disabled or rotated key work at most a minute after the change (docs/performance-auth-and-rate-limit.md)', () => {
    expect(API_KEY_CACHE_BUDGET.revocationBoundMs).toBe(60_000);
  });

  it('forgets an unknown secret sooner than a known key, and never later than the bound a configuration chose', () => {
    expect(API_KEY_CACHE_BUDGET.unknownSecretTtlMs).toBeGreaterThan(0);
    expect(API_KEY_CACHE_BUDGET.unknownSecretTtlMs).toBeLessThan(API_KEY_CACHE_BUDGET.revocationBoundMs);
    expect(apiKeyCacheBudget(2_000)).toEqual({ revocationBoundMs: 2_000, unknownSecretTtlMs: 2_000 });
    expect(apiKeyCacheBudget(0)).toEqual({ revocationBoundMs: 0, unknownSecretTtlMs: 0 });
  });
});
