import { requireAccountOwner } from './authenticate';
import { timestamp } from './clock';
import { BusinessRuleError, ForbiddenError } from './errors';
import { ID_PATTERN, newId } from './ids';
import type { IntentDependencies } from './ports';
import type { Principal } from './principal';
import type { BankAccount, ConnectionIntent, CreateIntentBody } from './schemas';

export async function createIntent(
  deps: Pick<IntentDependencies, 'intents' | 'bankAccounts' | 'provider' | 'clock'>,
  principal: Principal,
  body: CreateIntentBody,
): Promise<ConnectionIntent> {
  requireAccountOwner(principal);
  if (body.accountId !== principal.accountId) throw new ForbiddenError();
  const test = body.test === true;
  const bankAccount = body.bankAccountId
    ? await paymentBankAccount(deps, principal, body.bankAccountId, test)
    : undefined;

  const id = newId();
  // The state carries the intent id so the redirect target can tell which intent came back;
  // the random half makes it unguessable.
  const state = `${id}.${newId()}`;
  const { authorizationUrl, codeVerifier } = await deps.provider.beginAuthorization({
    test,
    type: body.type,
    state,
    ...(bankAccount ? { bankAccount } : {}),
  });
  const now = timestamp(deps.clock);
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
    oauth: { state, codeVerifier },
  };
  await deps.intents.create(intent);
  return intent;
}

async function paymentBankAccount(
  deps: Pick<IntentDependencies, 'bankAccounts'>,
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
