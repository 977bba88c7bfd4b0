import { ProviderRejectedError } from '../../../functions/shared/domain/errors';
import type { PaymentConsentLimits } from '../../../functions/shared/domain/ports';
import type { IntentType } from '../../../functions/shared/domain/schemas';
import { QuartzClient } from '../../../functions/shared/provider/quartz-client';
import { QuartzProvider } from '../../../functions/shared/provider/quartz-provider';
import { FakeQuartz } from '../../support/fake-quartz';
import { bankAccount, LIVE_ISSUER, TEST_ISSUER } from '../../support/fixtures';

/** What the provider adapter asks the bank for, per intent type, and what it accepts back. */
describe('QuartzProvider', () => {
  const setup = () => {
    const quartz = new FakeQuartz();
    const client = (issuer: string) =>
      new QuartzClient({
        issuer,
        clientId: 'client',
        redirectUri: 'https://app.example.com/callback',
        clientSecret: async () => 'secret',
        fetch: quartz.fetch,
      });
    const provider = new QuartzProvider({ live: client(LIVE_ISSUER), test: client(TEST_ISSUER) });
    return { quartz, provider };
  };

  const account = bankAccount({ accountNumber: '12-3456-7890123-00', providerAccountId: 'acc-alice-1' });
  const limits: PaymentConsentLimits = { name: 'Groceries', period: 'weekly', totalAmount: '50000' };
  const consentWithLimits = {
    type: 'enduring_payment_consent',
    account_number: '12-3456-7890123-00',
    account_id: 'acc-alice-1',
    name: 'Groceries',
    period: 'weekly',
    totalAmount: '50000',
  };
  const tokens = (authorizationDetails?: unknown[]) =>
    FakeQuartz.answer(200, {
      access_token: 'access-token-1',
      token_type: 'Bearer',
      scope: 'payments',
      ...(authorizationDetails ? { authorization_details: authorizationDetails } : {}),
    });
  const failureOf = (call: Promise<unknown>): Promise<unknown> =>
    call.then(
      () => new Error('expected the call to fail'),
      (error: unknown) => error,
    );
  const signal = () => AbortSignal.timeout(10_000);
  /** The later page's type names, which the adapter maps already (the intent's schema may not know them yet). */
  const laterType = (name: string): IntentType => name as IntentType;

  describe('the authorization request', () => {
    const detailsOf = (authorizationUrl: string): unknown =>
      JSON.parse(new URL(authorizationUrl).searchParams.get('authorization_details') ?? 'null');

    it("carries a payment consent's limits in its authorization detail", async () => {
      // Arrange
      const { provider } = setup();

      // Act
      const { authorizationUrl } = await provider.beginAuthorization({
        test: false,
        type: 'quartz-payment',
        state: 'state-1',
        bankAccount: account,
        limits,
      });

      // Assert
      expect(new URL(authorizationUrl).searchParams.get('scope')).toBe('openid payments');
      expect(detailsOf(authorizationUrl)).toEqual([consentWithLimits]);
    });

    it('names only the bank account of a payment consent without limits, as before', async () => {
      // Arrange
      const { provider } = setup();

      // Act
      const { authorizationUrl } = await provider.beginAuthorization({
        test: true,
        type: 'quartz-payment',
        state: 'state-2',
        bankAccount: bankAccount({ accountNumber: '12-3456-7890123-01' }),
      });

      // Assert
      expect(authorizationUrl.startsWith(`${TEST_ISSUER}/auth?`)).toBe(true);
      expect(detailsOf(authorizationUrl)).toEqual([
        { type: 'enduring_payment_consent', account_number: '12-3456-7890123-01' },
      ]);
    });

    it('sends no authorization details for account information', async () => {
      // Arrange
      const { provider } = setup();

      // Act
      const { authorizationUrl } = await provider.beginAuthorization({
        test: false,
        type: 'quartz-accounts',
        state: 'state-3',
      });

      // Assert
      expect(new URL(authorizationUrl).searchParams.get('scope')).toBe('openid accounts');
      expect(new URL(authorizationUrl).searchParams.has('authorization_details')).toBe(false);
    });
  });

  describe('the redeemed grant of a payment consent with limits', () => {
    const redeem = (provider: QuartzProvider) =>
      provider.redeemCode({
        test: false,
        type: 'quartz-payment',
        code: 'code-1',
        codeVerifier: 'verifier',
        bankAccount: account,
        limits,
        signal: signal(),
      });

    it('is accepted when it carries the limits back unchanged', async () => {
      // Arrange
      const { quartz, provider } = setup();
      quartz.token = tokens([consentWithLimits]);

      // Act
      const grant = await redeem(provider);

      // Assert
      expect(grant).toEqual({ accessToken: 'access-token-1', authorizationDetails: [consentWithLimits] });
    });

    it.each([
      ['a changed amount', [{ ...consentWithLimits, totalAmount: '5000000' }]],
      ['a changed period', [{ ...consentWithLimits, period: 'monthly' }]],
      ['a dropped name', [{ ...consentWithLimits, name: undefined }]],
      ['another account', [{ ...consentWithLimits, account_number: '12-3456-7890123-02' }]],
      ['no authorization details at all', undefined],
    ])('fails like a refused code with %s', async (_case, granted) => {
      // Arrange
      const { quartz, provider } = setup();
      quartz.token = tokens(granted);

      // Act
      const failure = await failureOf(redeem(provider));

      // Assert
      expect(failure).toBeInstanceOf(ProviderRejectedError);
      expect(failure).toMatchObject({ providerError: 'authorization_details_mismatch' });
    });

    it('refuses limits the bank added to a consent that asked for none', async () => {
      // Arrange
      const { quartz, provider } = setup();
      quartz.token = tokens([{ ...consentWithLimits, name: undefined }]);

      // Act
      const failure = await failureOf(
        provider.redeemCode({
          test: false,
          type: 'quartz-payment',
          code: 'code-1',
          codeVerifier: 'verifier',
          bankAccount: account,
          limits: { period: 'daily' },
          signal: signal(),
        }),
      );

      // Assert
      expect(failure).toMatchObject({ providerError: 'authorization_details_mismatch' });
    });
  });

  describe('the decoupled flow', () => {
    it("starts with the intent type's scope, the binding message and the payment consent's limits", async () => {
      // Arrange
      const { quartz, provider } = setup();

      // Act
      const started = await provider.startDecoupledAuthorization({
        test: true,
        type: laterType('enduring-payment-consent'),
        loginHint: 'carol',
        bindingMessage: 'ABC-123',
        bankAccount: account,
        limits,
      });

      // Assert
      expect(started).toEqual({ authReqId: 'auth-req-1', expiresInSeconds: 120, intervalSeconds: 2 });
      const [request] = quartz.requestsTo('/backchannel');
      expect(request?.url).toBe(`${TEST_ISSUER}/backchannel`);
      const form = new URLSearchParams(request?.body);
      expect(form.get('scope')).toBe('openid payments');
      expect(form.get('login_hint')).toBe('carol');
      expect(form.get('binding_message')).toBe('ABC-123');
      expect(JSON.parse(form.get('authorization_details') ?? 'null')).toEqual([consentWithLimits]);
    });

    it("asks for account information under the later page's type name too", async () => {
      // Arrange
      const { quartz, provider } = setup();

      // Act
      await provider.startDecoupledAuthorization({
        test: false,
        type: laterType('account-information-consent'),
        loginHint: 'alice',
      });

      // Assert
      const form = new URLSearchParams(quartz.requestsTo('/backchannel')[0]?.body);
      expect(form.get('scope')).toBe('openid accounts');
      expect(form.has('authorization_details')).toBe(false);
    });

    const poll = (provider: QuartzProvider) =>
      provider.pollDecoupledAuthorization({
        test: false,
        type: 'quartz-payment',
        authReqId: 'auth-req-1',
        intervalSeconds: 2,
        bankAccount: account,
        limits,
        signal: signal(),
      });

    it('answers an approval whose grant carries the limits back unchanged', async () => {
      // Arrange
      const { quartz, provider } = setup();
      quartz.token = tokens([consentWithLimits]);

      // Act
      const outcome = await poll(provider);

      // Assert
      expect(outcome).toEqual({
        status: 'approved',
        accessToken: 'access-token-1',
        authorizationDetails: [consentWithLimits],
      });
    });

    it('refuses an approval whose grant changed the limits', async () => {
      // Arrange
      const { quartz, provider } = setup();
      quartz.token = tokens([{ ...consentWithLimits, totalAmount: '1' }]);

      // Act
      const failure = await failureOf(poll(provider));

      // Assert
      expect(failure).toMatchObject({ providerError: 'authorization_details_mismatch' });
    });

    it('passes a pending request through with its interval', async () => {
      // Arrange
      const { quartz, provider } = setup();
      quartz.token = FakeQuartz.rejected('authorization_pending');

      // Act
      const outcome = await poll(provider);

      // Assert
      expect(outcome).toEqual({ status: 'pending', intervalSeconds: 2 });
    });
  });
});
