import type { TimeBudget } from '../time-budget';
import { TIME_BUDGET } from '../time-budget';
import { requireAccountOwner } from './authenticate';
import { timestamp } from './clock';
import { type Deadline, requestSignal } from './deadline';
import {
  AuthorizationInProgressError,
  BusinessRuleError,
  DeadlineExceededError,
  ForbiddenError,
  ProviderRejectedError,
  StateConflictError,
} from './errors';
import { sha256Hex } from './hashing';
import { ID_PATTERN, newId } from './ids';
import { EXPIRED, EXPIRY_CRN, hasLiveClaim, isDueForExpiry } from './intent-expiry';
import type { IntentDependencies } from './ports';
import type { Principal } from './principal';
import type { AuthorizeIntentBody, ConnectionIntent, IntentClaim, IntentGrant } from './schemas';

/** The parts of the invocation's time budget that authorize decides with (see time-budget.ts). */
export type AuthorizeTiming = Pick<
  TimeBudget,
  | 'claimLeaseMs'
  | 'waitForWinnerMs'
  | 'pollIntervalMs'
  | 'grantSaveReserveMs'
  | 'minTokenRequestMs'
  | 'providerRequestTimeoutMs'
>;

/**
 * Authorizes an intent with the code the provider returned, exactly once and crash-safe without
 * transactions (see the design notes): read → claim → redeem → save grant → materialize → finish,
 * each step one conditional write. A call that dies after any step leaves a state from which the
 * next call with the same code finishes the job, and the code is never redeemed twice once the
 * grant is saved. An intent past its lifetime cannot be claimed; unless a claim taken in time is
 * still live (that call may finish), the call expires it and answers AUTHORIZATION_FAILED.
 */
export async function authorizeIntent(
  deps: IntentDependencies,
  principal: Principal,
  intentId: string,
  body: AuthorizeIntentBody,
  deadline: Deadline,
  timing: AuthorizeTiming = TIME_BUDGET,
): Promise<void> {
  requireAccountOwner(principal);
  // Not an id this service issues, so no intent of the caller's: answered before any lookup.
  if (!ID_PATTERN.test(intentId)) throw new ForbiddenError();
  const codeHash = sha256Hex(body.code);
  // A loser of the claim race waits for the winner, but never past its own answer.
  const waitUntil =
    deps.clock.now().getTime() +
    Math.min(timing.waitForWinnerMs, deadline.remainingMs() - timing.pollIntervalMs);
  const run: ClaimedRun = { deps, principal, deadline, timing, code: body.code, codeHash };

  for (;;) {
    const intent = await deps.intents.get(intentId);
    if (!intent || intent.accountId !== principal.accountId) throw new ForbiddenError();
    if (isSettledFor(intent, codeHash)) return;

    const now = deps.clock.now().getTime();
    if (isDueForExpiry(intent, now)) {
      // Its lifetime is over and nobody holds it: expire it now rather than wait for the sweeper.
      if (await tryExpire(deps, intentId, now)) throw expiredError();
    } else if (!hasLiveClaim(intent, now)) {
      const claim: IntentClaim = { id: newId(), codeHash, expiresAt: now + timing.claimLeaseMs };
      const claimed = await tryClaim(deps, intentId, claim, now);
      if (claimed) return runClaimed(run, claimed, claim.id);
    }
    // Lost a race (a claim, an expiry), or another call holds the intent: read it again shortly.
    if (deps.clock.now().getTime() >= waitUntil) throw new AuthorizationInProgressError();
    await deps.sleep(timing.pollIntervalMs);
  }
}

/** True when the intent is already authorized with this code; throws for the other final states. */
function isSettledFor(intent: ConnectionIntent, codeHash: string): boolean {
  switch (intent.status) {
    case 'authorized':
      if (intent.authorizedCodeHash === codeHash) return true;
      throw new BusinessRuleError('ALREADY_AUTHORIZED', 'The intent was authorized with another code.');
    case 'failed':
      if (intent.failureReason === EXPIRED) throw expiredError();
      throw new BusinessRuleError('AUTHORIZATION_FAILED', 'The provider did not authorize this intent.');
    case 'created':
      return false;
  }
}

async function tryClaim(
  deps: IntentDependencies,
  intentId: string,
  claim: IntentClaim,
  now: number,
): Promise<ConnectionIntent | undefined> {
  try {
    return await deps.intents.claim(intentId, claim, now);
  } catch (error) {
    if (error instanceof StateConflictError) return undefined;
    throw error;
  }
}

/** True when this call expired the intent; false when a concurrent write changed it first. */
async function tryExpire(deps: IntentDependencies, intentId: string, now: number): Promise<boolean> {
  try {
    await deps.intents.expire(intentId, now, EXPIRY_CRN);
    return true;
  } catch (error) {
    if (error instanceof StateConflictError) return false;
    throw error;
  }
}

const expiredError = () =>
  new BusinessRuleError('AUTHORIZATION_FAILED', 'The intent expired before it was authorized.');

/** What one claimed run carries through its steps. */
interface ClaimedRun {
  deps: IntentDependencies;
  principal: Principal;
  deadline: Deadline;
  timing: AuthorizeTiming;
  code: string;
  codeHash: string;
}

async function runClaimed(run: ClaimedRun, intent: ConnectionIntent, claimId: string): Promise<void> {
  const { deps, principal, codeHash } = run;
  let grant: IntentGrant;
  let bankAccountIds: string[] | undefined;
  try {
    // A saved grant means an earlier call redeemed a code and stopped short: continue from it.
    grant = intent.grant ?? (await redeem(run, intent, claimId));
    bankAccountIds = await materialize(run, intent, claimId, grant);
  } catch (error) {
    if (error instanceof ProviderRejectedError) {
      await deps.intents.finish(intent.id, claimId, {
        status: 'failed',
        failureReason: error.providerError,
        updatedAt: timestamp(deps.clock),
        updatedBy: principal.crn,
      });
      throw new BusinessRuleError('AUTHORIZATION_FAILED', 'The provider rejected the authorization.');
    }
    await releaseQuietly(deps, intent.id, claimId);
    throw error;
  }
  await deps.intents.finish(intent.id, claimId, {
    status: 'authorized',
    authorizedCodeHash: grant.codeHash,
    ...(bankAccountIds ? { bankAccountIds } : {}),
    updatedAt: timestamp(deps.clock),
    updatedBy: principal.crn,
  });
  if (grant.codeHash !== codeHash) {
    // Another code had already been redeemed for this intent; this call only finished its work.
    throw new BusinessRuleError('ALREADY_AUTHORIZED', 'The intent was authorized with another code.');
  }
}

/**
 * Sends the code to the bank with all the time the invocation can spare after keeping back what
 * saving the grant needs; with too little time left the code is not sent at all, so a retry can
 * still use it. The grant is saved right after, so a retry never redeems again.
 */
async function redeem(run: ClaimedRun, intent: ConnectionIntent, claimId: string): Promise<IntentGrant> {
  const { deps, deadline, timing, code, codeHash } = run;
  if (!intent.oauth) throw new Error(`intent ${intent.id} has no PKCE verifier`);
  const bankAccount = intent.bankAccountId ? await deps.bankAccounts.get(intent.bankAccountId) : undefined;
  const tokenBudgetMs = deadline.remainingMs() - timing.grantSaveReserveMs;
  if (tokenBudgetMs < timing.minTokenRequestMs) throw new DeadlineExceededError();
  const { accessToken } = await deps.provider.redeemCode({
    test: intent.test === true,
    type: intent.type,
    code,
    codeVerifier: intent.oauth.codeVerifier,
    ...(bankAccount ? { bankAccount } : {}),
    signal: requestSignal(deadline, tokenBudgetMs),
  });
  // Only the accounts flow needs the token afterwards; a payment consent keeps none at rest.
  const grant: IntentGrant = intent.type === 'quartz-accounts' ? { codeHash, accessToken } : { codeHash };
  await deps.intents.saveGrant(intent.id, claimId, grant);
  return grant;
}

/** Creates what the grant stands for; for the accounts flow, answers the ids of its Bank Accounts. */
async function materialize(
  run: ClaimedRun,
  intent: ConnectionIntent,
  claimId: string,
  grant: IntentGrant,
): Promise<string[] | undefined> {
  const { deps, principal, deadline, timing } = run;
  const now = timestamp(deps.clock);
  if (intent.type === 'quartz-payment') {
    if (!intent.bankAccountId) throw new Error(`payment intent ${intent.id} has no bank account`);
    await deps.bankAccounts.markEnduringPaymentConsent(intent.bankAccountId, now, principal.crn);
    return undefined;
  }
  let accounts = grant.accounts;
  if (!accounts) {
    if (!grant.accessToken) throw new Error(`intent ${intent.id} has a grant without token or accounts`);
    accounts = await deps.provider.listSelectedAccounts({
      test: intent.test === true,
      accessToken: grant.accessToken,
      signal: requestSignal(deadline, timing.providerRequestTimeoutMs),
    });
    // Keep what the next steps need and drop the token: a retry never has to call the provider again.
    await deps.intents.saveGrant(intent.id, claimId, { codeHash: grant.codeHash, accounts });
  }
  const connected = await Promise.all(
    accounts.map((account) =>
      deps.bankAccounts.connect({
        id: newId(),
        accountId: intent.accountId,
        type: 'quartz',
        name: account.accountName,
        accountNumber: account.accountNumber,
        providerAccountId: account.id,
        ...(intent.test === true ? { test: true } : {}),
        createdAt: now,
        createdBy: principal.crn,
        updatedAt: now,
        updatedBy: principal.crn,
      }),
    ),
  );
  // Existing Bank Accounts included: connect answers the one that is stored.
  return connected.map((bankAccount) => bankAccount.id);
}

async function releaseQuietly(deps: IntentDependencies, intentId: string, claimId: string): Promise<void> {
  try {
    await deps.intents.releaseClaim(intentId, claimId);
  } catch {
    // The claim's lease runs out on its own; the original error is the one worth reporting.
  }
}
