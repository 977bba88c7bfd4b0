import { ProviderRejectedError } from '../domain/errors';
import type { AuthorizationRequest, OpenBankingProvider, RedeemRequest } from '../domain/ports';
import type { ProviderAccount } from '../domain/schemas';
import type { QuartzClient } from './quartz-client';

/** What each intent type asks for, and the scope the grant must then hold. */
/** RFC 9396 type of the detail that names a payment consent's bank account. */
const PAYMENT_CONSENT_TYPE = 'enduring_payment_consent';

const SCOPES = {
  'quartz-accounts': { requested: 'openid accounts', required: 'accounts' },
  'quartz-payment': { requested: 'openid payments', required: 'payments' },
} as const;

/** Quartz as the domain sees it: the live or the test configuration, chosen by the intent's flag. */
export class QuartzProvider implements OpenBankingProvider {
  constructor(private readonly clients: { live: QuartzClient; test: QuartzClient }) {}

  beginAuthorization(
    request: AuthorizationRequest,
  ): Promise<{ authorizationUrl: string; codeVerifier: string }> {
    const { bankAccount } = request;
    return this.clientFor(request.test).authorizationUrl({
      scope: SCOPES[request.type].requested,
      state: request.state,
      // RFC 9396: the payment consent names the bank account it is for.
      ...(bankAccount
        ? {
            authorizationDetails: [
              {
                type: PAYMENT_CONSENT_TYPE,
                account_number: bankAccount.accountNumber,
                ...(bankAccount.providerAccountId ? { account_id: bankAccount.providerAccountId } : {}),
              },
            ],
          }
        : {}),
    });
  }

  async redeemCode(request: RedeemRequest): Promise<{ accessToken: string }> {
    const grant = await this.clientFor(request.test).redeemCode(
      request.code,
      request.codeVerifier,
      SCOPES[request.type].required,
      request.signal,
    );
    // A provider that reports what was consented to must have consented to this bank account.
    if (request.bankAccount && grant.authorizationDetails) {
      const accountNumber = request.bankAccount.accountNumber;
      const covered = grant.authorizationDetails.some(
        (detail) => detail.type === PAYMENT_CONSENT_TYPE && detail.account_number === accountNumber,
      );
      if (!covered) throw new ProviderRejectedError('authorization_details_mismatch');
    }
    return { accessToken: grant.accessToken };
  }

  listSelectedAccounts(request: {
    test: boolean;
    accessToken: string;
    signal: AbortSignal;
  }): Promise<ProviderAccount[]> {
    return this.clientFor(request.test).listSelectedAccounts(request.accessToken, request.signal);
  }

  private clientFor(test: boolean): QuartzClient {
    return test ? this.clients.test : this.clients.live;
  }
}
