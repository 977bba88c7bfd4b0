import { ProviderRejectedError } from '../domain/errors';
import type {
  AuthorizationRequest,
  DecoupledAuthorizationRequest,
  DecoupledAuthorizationStarted,
  DecoupledPollOutcome,
  DecoupledPollRequest,
  GrantedAuthorizationDetail,
  OpenBankingProvider,
  PaymentConsentLimits,
  RedeemRequest,
} from '../domain/ports';
import type { BankAccount, IntentType, ProviderAccount } from '../domain/schemas';
import type { QuartzClient } from './quartz-client';

/** RFC 9396 type of the detail that names a payment consent's bank account and its limits. */
const PAYMENT_CONSENT_TYPE = 'enduring_payment_consent';

/** The members of a payment consent's limits, as they travel in its authorization detail. */
const LIMIT_MEMBERS = [
  'name',
  'period',
  'totalAmount',
] as const satisfies readonly (keyof PaymentConsentLimits)[];

/** What each intent type asks for, and the scope the grant must then hold. */
const ACCOUNT_INFORMATION = { requested: 'openid accounts', required: 'accounts' } as const;
const PAYMENT_CONSENT = { requested: 'openid payments', required: 'payments' } as const;

/** By the seed's type names and the later page's, which name the same two kinds of consent. */
const SCOPES: Readonly<Record<string, { requested: string; required: string }>> = {
  'quartz-accounts': ACCOUNT_INFORMATION,
  'account-information-consent': ACCOUNT_INFORMATION,
  'quartz-payment': PAYMENT_CONSENT,
  'enduring-payment-consent': PAYMENT_CONSENT,
};

/** The part of a request that says what a payment consent is for. */
interface PaymentConsentTerms {
  bankAccount?: BankAccount;
  limits?: PaymentConsentLimits;
}

/** Quartz as the domain sees it: the live or the test configuration, chosen by the intent's flag. */
export class QuartzProvider implements OpenBankingProvider {
  constructor(private readonly clients: { live: QuartzClient; test: QuartzClient }) {}

  issuer(test: boolean): Promise<string> {
    return this.clientFor(test).issuer();
  }

  beginAuthorization(
    request: AuthorizationRequest,
  ): Promise<{ authorizationUrl: string; codeVerifier: string }> {
    const authorizationDetails = paymentConsentDetails(request);
    return this.clientFor(request.test).authorizationUrl({
      scope: scopesFor(request.type).requested,
      state: request.state,
      ...(authorizationDetails ? { authorizationDetails } : {}),
    });
  }

  async redeemCode(
    request: RedeemRequest,
  ): Promise<{ accessToken: string; authorizationDetails?: readonly GrantedAuthorizationDetail[] }> {
    const grant = await this.clientFor(request.test).redeemCode(
      request.code,
      request.codeVerifier,
      scopesFor(request.type).required,
      request.signal,
    );
    checkGrantedTerms(request, grant.authorizationDetails);
    return grant;
  }

  listSelectedAccounts(request: {
    test: boolean;
    accessToken: string;
    signal: AbortSignal;
  }): Promise<ProviderAccount[]> {
    return this.clientFor(request.test).listSelectedAccounts(request.accessToken, request.signal);
  }

  startDecoupledAuthorization(
    request: DecoupledAuthorizationRequest,
  ): Promise<DecoupledAuthorizationStarted> {
    const authorizationDetails = paymentConsentDetails(request);
    return this.clientFor(request.test).startDecoupled(
      {
        loginHint: request.loginHint,
        scope: scopesFor(request.type).requested,
        ...(request.bindingMessage !== undefined ? { bindingMessage: request.bindingMessage } : {}),
        ...(authorizationDetails ? { authorizationDetails } : {}),
      },
      request.signal,
    );
  }

  async pollDecoupledAuthorization(request: DecoupledPollRequest): Promise<DecoupledPollOutcome> {
    const outcome = await this.clientFor(request.test).pollDecoupled(
      request.authReqId,
      scopesFor(request.type).required,
      request.intervalSeconds,
      request.signal,
    );
    if (outcome.status === 'approved') checkGrantedTerms(request, outcome.authorizationDetails);
    return outcome;
  }

  private clientFor(test: boolean): QuartzClient {
    return test ? this.clients.test : this.clients.live;
  }
}

function scopesFor(type: IntentType): { requested: string; required: string } {
  const scopes = SCOPES[type];
  if (!scopes) throw new Error(`no Quartz scopes for intent type ${type}`);
  return scopes;
}

/**
 * RFC 9396: a payment consent names its bank account (the number, and the bank's own id where known)
 * and carries its limits, which the bank shows to the user.
 */
function paymentConsentDetails(terms: PaymentConsentTerms): Record<string, unknown>[] | undefined {
  const { bankAccount, limits } = terms;
  if (!bankAccount) return undefined;
  return [
    {
      type: PAYMENT_CONSENT_TYPE,
      account_number: bankAccount.accountNumber,
      ...(bankAccount.providerAccountId ? { account_id: bankAccount.providerAccountId } : {}),
      ...(limits?.name !== undefined ? { name: limits.name } : {}),
      ...(limits ? { period: limits.period } : {}),
      ...(limits?.totalAmount !== undefined ? { totalAmount: limits.totalAmount } : {}),
    },
  ];
}

/**
 * A payment consent's grant must be for the intent's bank account: a provider that reports what was
 * consented to must name it. With limits, the grant must report them and carry them back unchanged
 * (none added, none dropped, none altered); otherwise the authorization fails like a refused code.
 */
function checkGrantedTerms(
  terms: PaymentConsentTerms,
  granted: readonly GrantedAuthorizationDetail[] | undefined,
): void {
  const { bankAccount, limits } = terms;
  if (!bankAccount) return;
  if (!granted) {
    if (limits) throw new ProviderRejectedError('authorization_details_mismatch');
    return;
  }
  const requested = paymentConsentDetails(terms)?.[0] ?? {};
  const covered = granted.some(
    (detail) =>
      detail.type === PAYMENT_CONSENT_TYPE &&
      detail.account_number === bankAccount.accountNumber &&
      (!limits || LIMIT_MEMBERS.every((member) => detail[member] === requested[member])),
  );
  if (!covered) throw new ProviderRejectedError('authorization_details_mismatch');
}
