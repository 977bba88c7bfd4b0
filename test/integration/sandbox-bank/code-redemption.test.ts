import { ProviderRejectedError, ProviderUnavailableError } from '../../../functions/shared/domain/errors';
import { approveAtBank } from '../../support/bank-session';
import { captureLogs } from '../../support/capture-logs';
import { bankStats, useSandboxBank } from './sandbox-bank-fixture';

/** The service's QuartzClient against the sandbox bank: the code's journey from consent to accounts. */
describe('sandbox bank: redeeming codes and reading accounts', () => {
  const sandbox = useSandboxBank();

  afterEach(() => {
    jest.restoreAllMocks();
  });

  const authorize = (scope: string, state: string) => sandbox.quartz.authorizationUrl({ scope, state });

  /** The error a call fails with, so that Act can hold the call and Assert can examine the outcome. */
  const failureOf = (call: Promise<unknown>): Promise<unknown> =>
    call.then(
      () => new Error('expected the call to fail'),
      (error: unknown) => error,
    );

  it('redeems an approved code once and lists exactly the accounts the user ticked', async () => {
    // Arrange
    const { authorizationUrl, codeVerifier } = await authorize('openid accounts', 'state-alice');
    const redirect = await approveAtBank(authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-1', 'acc-alice-3'],
    });
    const before = await bankStats(sandbox.bank.issuer);

    // Act
    const { accessToken } = await sandbox.quartz.redeemCode(redirect.code, codeVerifier, 'accounts');
    const accounts = await sandbox.quartz.listSelectedAccounts(accessToken);

    // Assert
    expect(redirect.state).toBe('state-alice');
    expect(redirect.iss).toBe(sandbox.bank.issuer);
    expect(accounts).toEqual([
      { id: 'acc-alice-1', accountNumber: '12-3456-7890123-00', accountName: 'Everyday' },
      { id: 'acc-alice-3', accountNumber: '12-3456-7890123-02', accountName: 'Bills' },
    ]);
    expect(await bankStats(sandbox.bank.issuer)).toEqual({
      tokenRequests: before.tokenRequests + 1,
      redeemedCodes: before.redeemedCodes + 1,
      collectedDecoupledRequests: before.collectedDecoupledRequests,
    });
  });

  it('refuses a code redeemed a second time with invalid_grant and revokes the first tokens', async () => {
    // Arrange
    const { authorizationUrl, codeVerifier } = await authorize('openid accounts', 'state-reuse');
    const { code } = await approveAtBank(authorizationUrl, { user: 'alice' });
    const { accessToken } = await sandbox.quartz.redeemCode(code, codeVerifier, 'accounts');

    // Act
    const secondRedemption = await failureOf(sandbox.quartz.redeemCode(code, codeVerifier, 'accounts'));
    const listingWithFirstToken = await failureOf(sandbox.quartz.listSelectedAccounts(accessToken));

    // Assert
    expect(secondRedemption).toBeInstanceOf(ProviderRejectedError);
    expect(secondRedemption).toMatchObject({ providerError: 'invalid_grant' });
    expect(listingWithFirstToken).toMatchObject({ providerError: 'invalid_token' });
  });

  it('answers access_denied for the code of a denied authorization, then invalid_grant', async () => {
    // Arrange
    const { authorizationUrl, codeVerifier } = await authorize('openid accounts', 'state-dan');
    const redirect = await approveAtBank(authorizationUrl, { user: 'dan', decision: 'deny' });
    const before = await bankStats(sandbox.bank.issuer);

    // Act
    const redemption = await failureOf(sandbox.quartz.redeemCode(redirect.code, codeVerifier, 'accounts'));
    const secondRedemption = await failureOf(
      sandbox.quartz.redeemCode(redirect.code, codeVerifier, 'accounts'),
    );

    // Assert
    expect(redirect.state).toBe('state-dan');
    expect(redemption).toBeInstanceOf(ProviderRejectedError);
    expect(redemption).toMatchObject({ providerError: 'access_denied' });
    expect(secondRedemption).toMatchObject({ providerError: 'invalid_grant' });
    expect(await bankStats(sandbox.bank.issuer)).toEqual({
      tokenRequests: before.tokenRequests + 2,
      redeemedCodes: before.redeemedCodes,
      collectedDecoupledRequests: before.collectedDecoupledRequests,
    });
  });

  it("fails olive's first redemption with an outage and lets the same code through on retry", async () => {
    // Arrange
    const logs = captureLogs();
    const { authorizationUrl, codeVerifier } = await authorize('openid accounts', 'state-olive');
    const { code } = await approveAtBank(authorizationUrl, { user: 'olive' });

    // Act
    const firstAttempt = await failureOf(sandbox.quartz.redeemCode(code, codeVerifier, 'accounts'));
    const { accessToken } = await sandbox.quartz.redeemCode(code, codeVerifier, 'accounts');

    // Assert
    expect(firstAttempt).toBeInstanceOf(ProviderUnavailableError);
    expect(await sandbox.quartz.listSelectedAccounts(accessToken)).toEqual([
      { id: 'acc-olive-1', accountNumber: '02-0100-0456789-00', accountName: 'Everyday' },
    ]);
    logs.restore();
    expect(logs.lines()).toEqual([
      expect.objectContaining({
        message: 'bank request failed',
        operation: 'token',
        cause: 'http',
        status: 503,
      }),
    ]);
    expect(logs.text()).not.toContain(code);
  });

  it("redeems other codes as usual while olive's outage is still pending", async () => {
    // Arrange
    const olive = await authorize('openid accounts', 'state-olive-pending');
    await approveAtBank(olive.authorizationUrl, { user: 'olive' });
    const alice = await authorize('openid accounts', 'state-alice-meanwhile');
    const { code } = await approveAtBank(alice.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-2'],
    });

    // Act
    const { accessToken } = await sandbox.quartz.redeemCode(code, alice.codeVerifier, 'accounts');

    // Assert
    expect(await sandbox.quartz.listSelectedAccounts(accessToken)).toEqual([
      { id: 'acc-alice-2', accountNumber: '12-3456-7890123-01', accountName: 'Savings' },
    ]);
  });

  it('rejects an unknown access token at the accounts resource', async () => {
    // Act
    const listing = await failureOf(sandbox.quartz.listSelectedAccounts('not-a-token-the-bank-issued'));

    // Assert
    expect(listing).toBeInstanceOf(ProviderRejectedError);
    expect(listing).toMatchObject({ providerError: 'invalid_token' });
  });

  it('answers 401 without a token and 403 insufficient_scope for a payments token', async () => {
    // Arrange
    const { authorizationUrl, codeVerifier } = await sandbox.quartz.authorizationUrl({
      scope: 'openid payments',
      state: 'state-payments',
      authorizationDetails: [{ type: 'enduring_payment_consent', account_number: '12-3456-7890123-01' }],
    });
    const { code } = await approveAtBank(authorizationUrl, { user: 'alice' });
    const { accessToken } = await sandbox.quartz.redeemCode(code, codeVerifier, 'payments');

    // Act
    const viaClient = await failureOf(sandbox.quartz.listSelectedAccounts(accessToken));
    const anonymous = await fetch(`${sandbox.bank.issuer}/accounts`);
    const paymentsOnly = await fetch(`${sandbox.bank.issuer}/accounts`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });

    // Assert
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="accounts"');
    expect(paymentsOnly.status).toBe(403);
    expect(paymentsOnly.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(await paymentsOnly.json()).toMatchObject({ error: 'insufficient_scope' });
    expect(viaClient).toBeInstanceOf(ProviderRejectedError);
    expect(viaClient).toMatchObject({ providerError: 'insufficient_scope' });
  });

  it('refuses a grant that lacks the scope the intent needs', async () => {
    // Arrange
    const { authorizationUrl, codeVerifier } = await sandbox.quartz.authorizationUrl({
      scope: 'openid payments',
      state: 'state-scope',
      authorizationDetails: [{ type: 'enduring_payment_consent', account_number: '12-3456-7890123-01' }],
    });
    const { code } = await approveAtBank(authorizationUrl, { user: 'alice' });

    // Act
    const failure = await failureOf(sandbox.quartz.redeemCode(code, codeVerifier, 'accounts'));

    // Assert
    expect(failure).toBeInstanceOf(ProviderRejectedError);
    expect(failure).toMatchObject({ providerError: 'insufficient_scope' });
  });
});
