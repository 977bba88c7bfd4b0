import type { TimeBudget } from '../time-budget';
import { TIME_BUDGET } from '../time-budget';
import { requireAccountOwner } from './authenticate';
import { boundStateOf } from './bound-state';
import { timestamp } from './clock';
import { type Deadline, requestSignal } from './deadline';
import {
  AuthorizationInProgressError,
  AuthorizationPendingError,
  BadRequestError,
  BusinessRuleError,
  DeadlineExceededError,
  ForbiddenError,
  ProviderRejectedError,
  StateConflictError,
} from './errors';
import { codeHash, isCodeHashOf } from './hashing';
import { ID_PATTERN, newId } from './ids';
import { EXPIRED, EXPIRY_CRN, hasLiveClaim, isDueForExpiry } from './intent-expiry';
import type { IntentDependencies, RedeemRequest } from './ports';
import type { Principal } from './principal';
import {
  type AuthorizeIntentBody,
  type ConnectionIntent,
  consentKindOf,
  type IntentClaim,
  type IntentGrant,
  paymentConsentLimits,
} from './schemas';

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
 * Authorizes an intent, exactly once and crash-safe without transactions (see the design notes):
 * read → claim → redeem → save grant → materialize → finish, each step one conditional write. A
 * redirect intent is authorized with the code the bank returned; a decoupled one is polled (no code):
 * its bank is asked once per claim whether the user approved, and an approval is saved as a code's
 * grant is. A call that dies after any step leaves a state from which the next call finishes the
 * job, and nothing is redeemed twice once the grant is saved. An intent past its lifetime cannot be
 * claimed; unless a claim taken in time is still live (that call may finish), the call expires it
 * and answers AUTHORIZATION_FAILED.
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
  let intent = await readOwned(deps, principal, intentId);
  const code = await checkRequestFitsIntent(deps, intent, body);
  // A loser of the claim race waits for the winner, but never past its own answer.
  const waitUntil =
    deps.clock.now().getTime() +
    Math.min(timing.waitForWinnerMs, deadline.remainingMs() - timing.pollIntervalMs);
  const run: ClaimedRun = { deps, principal, deadline, timing, code };

  for (;;) {
    if (isSettledFor(intent, code)) return;

    const now = deps.clock.now().getTime();
    if (isDueForExpiry(intent, now)) {
      // Its lifetime is over and nobody holds it: expire it now rather than wait for the sweeper.
      if (await tryExpire(deps, intentId, now)) throw expiredError();
    } else {
      throwIfPollTooSoon(intent, now);
      if (!hasLiveClaim(intent, now)) {
        // The claim names its holder and lease only: what the holder redeems is not read by
        // anyone, and every byte of the intent counts (docs/performance-authorize-floor.md).
        const claim: IntentClaim = { id: newId(), expiresAt: now + timing.claimLeaseMs };
        const claimed = await tryClaim(deps, intentId, claim, now);
        if (claimed) return runClaimed(run, claimed, claim.id);
      }
    }
    // Lost a race (a claim, an expiry), or another call holds the intent: read it again shortly.
    if (deps.clock.now().getTime() >= waitUntil) throw new AuthorizationInProgressError();
    await deps.sleep(timing.pollIntervalMs);
    intent = await readOwned(deps, principal, intentId);
  }
}

async function readOwned(
  deps: IntentDependencies,
  principal: Principal,
  intentId: string,
): Promise<ConnectionIntent> {
  const intent = await deps.intents.get(intentId);
  if (!intent || intent.accountId !== principal.accountId) throw new ForbiddenError();
  return intent;
}

/**
 * The request must suit the intent's flow, and what the bank returned with a code must be this
 * intent's: its `state`, and the issuer it was sent to (RFC 9207). Checked before anything is
 * claimed or redeemed, so a code meant for another intent, or from another bank, changes nothing.
 * Answers the code to redeem (none for a decoupled intent's poll).
 */
async function checkRequestFitsIntent(
  deps: IntentDependencies,
  intent: ConnectionIntent,
  body: AuthorizeIntentBody,
): Promise<string | undefined> {
  const decoupled = intent.flow === 'decoupled';
  if (decoupled && body.code !== undefined) {
    throw new BadRequestError('code is not allowed for a decoupled intent: poll authorize without it');
  }
  if (!decoupled && body.code === undefined) throw new BadRequestError('code is required');
  if (body.state !== undefined && !isStateOf(intent, body.state)) {
    throw new BadRequestError('state does not match this intent');
  }
  if (body.iss !== undefined && body.iss !== (await deps.provider.issuer(intent.test === true))) {
    throw new BadRequestError('iss is not the issuer this intent was sent to');
  }
  return body.code;
}

/**
 * The state sent with the intent's authorization request (boundStateOf). Where none can be known
 * any more, every state still names its intent (`<intent id>.<random>`), so a state of another
 * intent is told apart. A decoupled intent sent no state at all.
 */
function isStateOf(intent: ConnectionIntent, state: string): boolean {
  if (intent.flow === 'decoupled') return false;
  const bound = boundStateOf(intent);
  if (bound !== undefined) return bound === state;
  return state.startsWith(`${intent.id}.`);
}

/**
 * A decoupled intent's bank is polled no sooner than its interval allows (it would answer `slow_down`
 * and raise the interval for good), and only by one call at a time: a poll that finds the next one
 * not yet due, or another call polling, is answered pending at once.
 */
function throwIfPollTooSoon(intent: ConnectionIntent, now: number): void {
  const { backchannel } = intent;
  if (!backchannel) return;
  if (backchannel.pollAfter > now) {
    throw new AuthorizationPendingError(Math.max(1, Math.ceil((backchannel.pollAfter - now) / 1000)));
  }
  if (hasLiveClaim(intent, now)) throw new AuthorizationPendingError(backchannel.intervalSeconds);
}

/**
 * True when the intent is already authorized with this code (for a poll, `code` undefined: at all);
 * throws for the other final states. A decoupled intent has no code: once authorized, any poll of
 * it is answered 200.
 */
function isSettledFor(intent: ConnectionIntent, code: string | undefined): boolean {
  switch (intent.status) {
    case 'authorized':
      if (code === undefined) return true;
      if (intent.authorizedCodeHash !== undefined && isCodeHashOf(intent.authorizedCodeHash, code)) {
        return true;
      }
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
  /** The code to redeem; none when a decoupled intent is polled. */
  code: string | undefined;
}

async function runClaimed(run: ClaimedRun, intent: ConnectionIntent, claimId: string): Promise<void> {
  const { deps, principal, code } = run;
  let grant: IntentGrant;
  let bankAccountIds: string[] | undefined;
  try {
    // A saved grant means an earlier call redeemed a code and stopped short: continue from it.
    grant =
      intent.grant ??
      (intent.flow === 'decoupled'
        ? await collectApproval(run, intent, claimId)
        : await redeem(run, intent, claimId));
    bankAccountIds = await materialize(run, intent, grant);
  } catch (error) {
    // The poll found the user still deciding and gave the intent up with the next poll's time.
    if (error instanceof AuthorizationPendingError) throw error;
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
  if (code !== undefined && !isCodeHashOf(grant.codeHash, code)) {
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
  const { deps, code } = run;
  if (!intent.oauth) throw new Error(`intent ${intent.id} has no PKCE verifier`);
  if (code === undefined) throw new Error(`no code to redeem for ${intent.id}`);
  const terms = await consentTerms(deps, intent);
  const signal = tokenRequestSignal(run);
  const { accessToken } = await deps.provider.redeemCode({
    test: intent.test === true,
    type: intent.type,
    code,
    codeVerifier: intent.oauth.codeVerifier,
    ...terms,
    signal,
  });
  return saveGrant(deps, intent, claimId, codeHash(code), accessToken);
}

/**
 * Asks the bank once whether the user answered a decoupled intent's request, with the budget a code's
 * redemption gets (an approval is handed out once, like a code). Still pending: the intent is given up
 * with the interval in force and the time of the next poll, and the caller is answered pending. An
 * approval is saved as a code's grant is, under the request's hash; a denial or an expiry fails the
 * intent like a refused code.
 */
async function collectApproval(
  run: ClaimedRun,
  intent: ConnectionIntent,
  claimId: string,
): Promise<IntentGrant> {
  const { deps } = run;
  const { backchannel } = intent;
  if (!backchannel) throw new Error(`decoupled intent ${intent.id} has no backchannel request`);
  const terms = await consentTerms(deps, intent);
  const signal = tokenRequestSignal(run);
  const outcome = await deps.provider.pollDecoupledAuthorization({
    test: intent.test === true,
    type: intent.type,
    authReqId: backchannel.authReqId,
    intervalSeconds: backchannel.intervalSeconds,
    ...terms,
    signal,
  });
  switch (outcome.status) {
    case 'approved':
      return saveGrant(deps, intent, claimId, codeHash(backchannel.authReqId), outcome.accessToken);
    case 'pending':
    case 'slow_down': {
      const { intervalSeconds } = outcome;
      const pollAfter = deps.clock.now().getTime() + intervalSeconds * 1000;
      await deps.intents.deferPoll(intent.id, claimId, { ...backchannel, intervalSeconds, pollAfter });
      throw new AuthorizationPendingError(intervalSeconds);
    }
    case 'denied':
    case 'expired':
      throw new ProviderRejectedError(outcome.providerError);
  }
}

/** For a payment consent, what the grant must be for: its Bank Account and its limits. */
async function consentTerms(
  deps: IntentDependencies,
  intent: ConnectionIntent,
): Promise<Pick<RedeemRequest, 'bankAccount' | 'limits'>> {
  const bankAccount = intent.bankAccountId ? await deps.bankAccounts.get(intent.bankAccountId) : undefined;
  const limits = paymentConsentLimits(intent);
  return { ...(bankAccount ? { bankAccount } : {}), ...(limits ? { limits } : {}) };
}

/**
 * The token request's whole budget: all the time the invocation can spare after keeping back what
 * saving the grant needs. With too little left nothing is sent, so a retry can still use the code.
 */
function tokenRequestSignal(run: ClaimedRun): AbortSignal {
  const tokenBudgetMs = run.deadline.remainingMs() - run.timing.grantSaveReserveMs;
  if (tokenBudgetMs < run.timing.minTokenRequestMs) throw new DeadlineExceededError();
  return requestSignal(run.deadline, tokenBudgetMs);
}

/** Saved right after the bank answered, so that a retry never redeems (or collects) again. */
async function saveGrant(
  deps: IntentDependencies,
  intent: ConnectionIntent,
  claimId: string,
  hash: string,
  accessToken: string,
): Promise<IntentGrant> {
  // Only the accounts flow needs the token afterwards; a payment consent keeps none at rest.
  const grant: IntentGrant =
    consentKindOf(intent.type) === 'account-information'
      ? { codeHash: hash, accessToken }
      : { codeHash: hash };
  await deps.intents.saveGrant(intent.id, claimId, grant);
  return grant;
}

/** Creates what the grant stands for; for the accounts flow, answers the ids of its Bank Accounts. */
async function materialize(
  run: ClaimedRun,
  intent: ConnectionIntent,
  grant: IntentGrant,
): Promise<string[] | undefined> {
  const { deps, principal, deadline, timing } = run;
  const now = timestamp(deps.clock);
  if (consentKindOf(intent.type) === 'payment') {
    if (!intent.bankAccountId) throw new Error(`payment intent ${intent.id} has no bank account`);
    await deps.bankAccounts.markEnduringPaymentConsent(
      intent.bankAccountId,
      paymentConsentLimits(intent),
      now,
      principal.crn,
    );
    return undefined;
  }
  let accounts = grant.accounts;
  if (!accounts) {
    if (!grant.accessToken) throw new Error(`intent ${intent.id} has a grant without token or accounts`);
    // Read with the saved token and not saved again: one write fewer per authorization, and a retry
    // after a crash from here on reads them again with the same token (a read changes nothing at the
    // bank). The token leaves the table with the grant when the intent is finished.
    accounts = await deps.provider.listSelectedAccounts({
      test: intent.test === true,
      accessToken: grant.accessToken,
      signal: requestSignal(deadline, timing.providerRequestTimeoutMs),
    });
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
