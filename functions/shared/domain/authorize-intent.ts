import { requireAccountOwner } from './authenticate';
import { timestamp } from './clock';
import {
  AuthorizationInProgressError,
  BusinessRuleError,
  ForbiddenError,
  ProviderRejectedError,
  StateConflictError,
} from './errors';
import { sha256Hex } from './hashing';
import { ID_PATTERN, newId } from './ids';
import type { IntentDependencies } from './ports';
import type { Principal } from './principal';
import type { AuthorizeIntentBody, ConnectionIntent, IntentClaim, IntentGrant } from './schemas';

export interface AuthorizeTiming {
  /** How long a claim stays live: longer than one invocation may run, so a running owner is never overtaken. */
  claimLeaseMs: number;
  /** How long a caller that lost the race waits for the winner's outcome before answering a retryable 503. */
  waitForWinnerMs: number;
  pollIntervalMs: number;
}

export const DEFAULT_AUTHORIZE_TIMING: AuthorizeTiming = {
  claimLeaseMs: 60_000,
  waitForWinnerMs: 5_000,
  pollIntervalMs: 200,
};

/**
 * Authorizes an intent with the code the provider returned, exactly once and crash-safe without
 * transactions (see the design notes): read → claim → redeem → save grant → materialize → finish,
 * each step one conditional write. A call that dies after any step leaves a state from which the
 * next call with the same code finishes the job, and the code is never redeemed twice once the
 * grant is saved.
 */
export async function authorizeIntent(
  deps: IntentDependencies,
  principal: Principal,
  intentId: string,
  body: AuthorizeIntentBody,
  timing: AuthorizeTiming = DEFAULT_AUTHORIZE_TIMING,
): Promise<void> {
  requireAccountOwner(principal);
  // Not an id this service issues, so no intent of the caller's: answered before any lookup.
  if (!ID_PATTERN.test(intentId)) throw new ForbiddenError();
  const codeHash = sha256Hex(body.code);
  const waitUntil = deps.clock.now().getTime() + timing.waitForWinnerMs;

  for (;;) {
    const intent = await deps.intents.get(intentId);
    if (!intent || intent.accountId !== principal.accountId) throw new ForbiddenError();
    if (isSettledFor(intent, codeHash)) return;

    const now = deps.clock.now().getTime();
    if (!hasLiveClaim(intent, now)) {
      const claim: IntentClaim = { id: newId(), codeHash, expiresAt: now + timing.claimLeaseMs };
      const claimed = await tryClaim(deps, intentId, claim, now);
      if (claimed) return runClaimed(deps, principal, claimed, claim.id, body.code, codeHash);
    }
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
      throw new BusinessRuleError('AUTHORIZATION_FAILED', 'The provider did not authorize this intent.');
    case 'created':
      return false;
  }
}

const hasLiveClaim = (intent: ConnectionIntent, now: number): boolean =>
  intent.claim !== undefined && intent.claim.expiresAt > now;

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

async function runClaimed(
  deps: IntentDependencies,
  principal: Principal,
  intent: ConnectionIntent,
  claimId: string,
  code: string,
  codeHash: string,
): Promise<void> {
  let grant: IntentGrant;
  try {
    // A saved grant means an earlier call redeemed a code and stopped short: continue from it.
    grant = intent.grant ?? (await redeem(deps, intent, claimId, code, codeHash));
    await materialize(deps, principal, intent, claimId, grant);
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
    updatedAt: timestamp(deps.clock),
    updatedBy: principal.crn,
  });
  if (grant.codeHash !== codeHash) {
    // Another code had already been redeemed for this intent; this call only finished its work.
    throw new BusinessRuleError('ALREADY_AUTHORIZED', 'The intent was authorized with another code.');
  }
}

async function redeem(
  deps: IntentDependencies,
  intent: ConnectionIntent,
  claimId: string,
  code: string,
  codeHash: string,
): Promise<IntentGrant> {
  if (!intent.oauth) throw new Error(`intent ${intent.id} has no PKCE verifier`);
  const bankAccount = intent.bankAccountId ? await deps.bankAccounts.get(intent.bankAccountId) : undefined;
  const { accessToken } = await deps.provider.redeemCode({
    test: intent.test === true,
    type: intent.type,
    code,
    codeVerifier: intent.oauth.codeVerifier,
    ...(bankAccount ? { bankAccount } : {}),
  });
  // Only the accounts flow needs the token afterwards; a payment consent keeps none at rest.
  const grant: IntentGrant = intent.type === 'quartz-accounts' ? { codeHash, accessToken } : { codeHash };
  await deps.intents.saveGrant(intent.id, claimId, grant);
  return grant;
}

async function materialize(
  deps: IntentDependencies,
  principal: Principal,
  intent: ConnectionIntent,
  claimId: string,
  grant: IntentGrant,
): Promise<void> {
  const now = timestamp(deps.clock);
  if (intent.type === 'quartz-payment') {
    if (!intent.bankAccountId) throw new Error(`payment intent ${intent.id} has no bank account`);
    await deps.bankAccounts.markEnduringPaymentConsent(intent.bankAccountId, now, principal.crn);
    return;
  }
  let accounts = grant.accounts;
  if (!accounts) {
    if (!grant.accessToken) throw new Error(`intent ${intent.id} has a grant without token or accounts`);
    accounts = await deps.provider.listSelectedAccounts({
      test: intent.test === true,
      accessToken: grant.accessToken,
    });
    // Keep what the next steps need and drop the token: a retry never has to call the provider again.
    await deps.intents.saveGrant(intent.id, claimId, { codeHash: grant.codeHash, accounts });
  }
  await Promise.all(
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
}

async function releaseQuietly(deps: IntentDependencies, intentId: string, claimId: string): Promise<void> {
  try {
    await deps.intents.releaseClaim(intentId, claimId);
  } catch {
    // The claim's lease runs out on its own; the original error is the one worth reporting.
  }
}
