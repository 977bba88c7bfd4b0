import { requireAccountOwner } from './authenticate';
import { BadRequestError, BusinessRuleError, ForbiddenError, ProviderRejectedError } from './errors';
import { ID_PATTERN, newId } from './ids';
import { expiresAtFor } from './intent-expiry';
import type { IntentDependencies } from './ports';
import type { Principal } from './principal';
import {
  type BankAccount,
  type ConnectionIntent,
  type CreateIntentBody,
  isPaymentType,
  type PaymentConsentLimits,
  paymentConsentLimits,
} from './schemas';

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
  // A payment consent always has a period (daily unless chosen); its other limits where given.
  const terms = isPaymentType(body.type)
    ? { name: body.name, period: body.period ?? 'daily', totalAmount: body.totalAmount }
    : {};
  const limits = paymentConsentLimits({ type: body.type, ...terms });
  const request = { test, type: body.type, bankAccount, limits };
  const authorization =
    body.loginHint === undefined
      ? await redirectAuthorization(deps, request, id)
      : await decoupledAuthorization(deps, request, body.loginHint);

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
    ...(test ? { test: true } : {}),
    ...(bankAccount ? { bankAccountId: bankAccount.id } : {}),
    ...(limits ?? {}),
    expiresAt: expiresAtFor(createdAt.getTime(), deps.intentLifetimeMs),
    ...authorization,
  };
  return intent;
}

/** What both flows send the bank: the kind of consent and, for a payment consent, its terms. */
interface ConsentRequest {
  test: boolean;
  type: CreateIntentBody['type'];
  bankAccount: BankAccount | undefined;
  limits: PaymentConsentLimits | undefined;
}

type Authorization = Pick<ConnectionIntent, 'authorizationUrl' | 'oauth' | 'flow' | 'backchannel'>;

/** The redirect flow: the URL the user is sent to, and the PKCE verifier that stays here. */
async function redirectAuthorization(
  deps: Pick<CreateDependencies, 'provider'>,
  request: ConsentRequest,
  id: string,
): Promise<Authorization> {
  // The state carries the intent id so the redirect target can tell which intent came back;
  // the random half makes it unguessable.
  const state = `${id}.${newId()}`;
  const { authorizationUrl, codeVerifier } = await deps.provider.beginAuthorization({
    test: request.test,
    type: request.type,
    state,
    ...(request.bankAccount ? { bankAccount: request.bankAccount } : {}),
    ...(request.limits ? { limits: request.limits } : {}),
  });
  return { authorizationUrl, oauth: { state, codeVerifier } };
}

/**
 * The decoupled flow (OpenID CIBA, poll mode): the bank asks the user on a device of theirs, so
 * there is no URL to open; `authorizationUrl` names the bank that asks (its issuer identifier). The
 * first poll may come at once: the bank answers pending and its interval paces the next ones.
 */
async function decoupledAuthorization(
  deps: Pick<CreateDependencies, 'provider' | 'clock'>,
  request: ConsentRequest,
  loginHint: string,
): Promise<Authorization> {
  const issuer = await deps.provider.issuer(request.test);
  try {
    const started = await deps.provider.startDecoupledAuthorization({
      test: request.test,
      type: request.type,
      loginHint,
      ...(request.bankAccount ? { bankAccount: request.bankAccount } : {}),
      ...(request.limits ? { limits: request.limits } : {}),
    });
    return {
      authorizationUrl: issuer,
      flow: 'decoupled',
      backchannel: {
        authReqId: started.authReqId,
        intervalSeconds: started.intervalSeconds,
        pollAfter: deps.clock.now().getTime(),
      },
    };
  } catch (error) {
    // The bank refused the request itself: for a valid request, that is the user it was asked about.
    if (error instanceof ProviderRejectedError) {
      throw new BadRequestError(`loginHint was refused by the bank (${error.providerError})`);
    }
    throw error;
  }
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
