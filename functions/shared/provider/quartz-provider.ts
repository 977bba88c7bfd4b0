import type { AuthorizationRequest, OpenBankingProvider } from '../domain/ports';
import type { IntentType, ProviderAccount } from '../domain/schemas';
import type { QuartzClient } from './quartz-client';

/** What each intent type asks for, and the scope the grant must then hold. */
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
                type: 'enduring_payment_consent',
                account_number: bankAccount.accountNumber,
                ...(bankAccount.providerAccountId ? { account_id: bankAccount.providerAccountId } : {}),
              },
            ],
          }
        : {}),
    });
  }

  redeemCode(request: {
    test: boolean;
    type: IntentType;
    code: string;
    codeVerifier: string;
  }): Promise<{ accessToken: string }> {
    return this.clientFor(request.test).redeemCode(
      request.code,
      request.codeVerifier,
      SCOPES[request.type].required,
    );
  }

  listSelectedAccounts(request: { test: boolean; accessToken: string }): Promise<ProviderAccount[]> {
    return this.clientFor(request.test).listSelectedAccounts(request.accessToken);
  }

  private clientFor(test: boolean): QuartzClient {
    return test ? this.clients.test : this.clients.live;
  }
}
