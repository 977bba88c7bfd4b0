import { requireAccountOwner } from './authenticate';
import { BusinessRuleError, ForbiddenError } from './errors';
import { ID_PATTERN, newId } from './ids';
import { expiresAtFor } from './intent-expiry';
import type { IntentDependencies } from './ports';
import type { Principal } from './principal';
import type { BankAccount, ConnectionIntent, CreateIntentBody } from './schemas';

export interface CreateDependencies
  extends Pick<IntentDependencies, 'intents' | 'bankAccounts' | 'provider' | 'clock'> {
  /** How long a new intent may be authorized (configuration; see docs/expiry.md). */
  intentLifetimeMs: number;
}

export async function createIntent(
  deps: CreateDependencies,
  principal: Principal,
  body: CreateIntentBody,
): Promise<ConnectionIntent> {
  const intent = await prepareIntent(deps, principal, body, newId());
  await deps.intents.create(intent);
  return intent;
}

/** Only an account owner creates intents, and only for its own account. */
export function requireCreateAllowed(principal: Principal, body: CreateIntentBody): void {
  requireAccountOwner(principal);
  if (body.accountId !== principal.accountId) throw new ForbiddenError();
}

/**
 * Everything of a create but the write: the checks, and the authorization request at the bank for
 * an intent of the given id. Nothing is stored, so a failure here leaves no trace.
 */
export async function prepareIntent(
  deps: Omit<CreateDependencies, 'intents'>,
  principal: Principal,
  body: CreateIntentBody,
  id: string,
): Promise<ConnectionIntent> {
  requireCreateAllowed(principal, body);
  const test = body.test === true;
  const bankAccount = body.bankAccountId
    ? await paymentBankAccount(deps, principal, body.bankAccountId, test)
    : undefined;

  // The state carries the intent id so the redirect target can tell which intent came back;
  // the random half makes it unguessable.
  const state = `${id}.${newId()}`;
  const { authorizationUrl, codeVerifier } = await deps.provider.beginAuthorization({
    test,
    type: body.type,
    state,
    ...(bankAccount ? { bankAccount } : {}),
  });
  const createdAt = deps.clock.now();
  const now = createdAt.toISOString();
  const intent: ConnectionIntent = {
    id,
    accountId: principal.accountId,
    type: body.type,
    status: 'created',
    createdAt: now,
    createdBy: principal.crn,
    updatedAt: now,
    updatedBy: principal.crn,
    authorizationUrl,
    ...(test ? { test: true } : {}),
    ...(bankAccount ? { bankAccountId: bankAccount.id } : {}),
    expiresAt: expiresAtFor(createdAt.getTime(), deps.intentLifetimeMs),
    oauth: { state, codeVerifier },
  };
  return intent;
}

async function paymentBankAccount(
  deps: Pick<CreateDependencies, 'bankAccounts'>,
  principal: Principal,
  bankAccountId: string,
  test: boolean,
): Promise<BankAccount> {
  if (!ID_PATTERN.test(bankAccountId)) throw new ForbiddenError();
  const bankAccount = await deps.bankAccounts.get(bankAccountId);
  if (!bankAccount || bankAccount.accountId !== principal.accountId) throw new ForbiddenError();
  if ((bankAccount.test === true) !== test) {
    throw new BusinessRuleError(
      'LIVENESS_MISMATCH',
      test
        ? 'A test intent can only be associated with a test Bank Account.'
        : 'A live intent cannot be associated with a test Bank Account.',
    );
  }
  return bankAccount;
}
