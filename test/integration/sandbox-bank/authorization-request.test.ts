import { QuartzProvider } from '../../../functions/shared/provider/quartz-provider';
import { approveAtBank, BankSession } from '../../support/bank-session';
import { bankAccount as paymentAccount } from '../../support/fixtures';
import { CLIENT_ID, quartzClient, REDIRECT_URI, useSandboxBank } from './sandbox-bank-fixture';

/** What the sandbox bank accepts at its authorization endpoint, and the pages a user goes through. */
describe('sandbox bank: authorization requests and pages', () => {
  const sandbox = useSandboxBank();

  const accountsRequest = (state = 'state-1') =>
    sandbox.quartz.authorizationUrl({ scope: 'openid accounts', state });
  const paymentRequest = (accountNumber: string) =>
    sandbox.quartz.authorizationUrl({
      scope: 'openid payments',
      state: 'state-payment',
      authorizationDetails: [{ type: 'enduring_payment_consent', account_number: accountNumber }],
    });
  const failureOf = (call: Promise<unknown>): Promise<unknown> =>
    call.then(
      () => new Error('expected the call to fail'),
      (error: unknown) => error,
    );

  it('publishes a discovery document for a loopback issuer with PKCE S256 and client_secret_basic only', async () => {
    // Act
    const response = await fetch(`${sandbox.bank.issuer}/.well-known/openid-configuration`);
    const metadata = await response.json();

    // Assert
    expect(sandbox.bank.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(metadata).toMatchObject({
      issuer: sandbox.bank.issuer,
      authorization_endpoint: `${sandbox.bank.issuer}/auth`,
      token_endpoint: `${sandbox.bank.issuer}/token`,
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      authorization_details_types_supported: ['enduring_payment_consent'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'accounts', 'payments']));
  });

  it('refuses an unregistered redirect_uri on its own page, without redirecting to it', async () => {
    // Arrange
    const stranger = quartzClient(sandbox.bank.issuer, { redirectUri: 'http://127.0.0.1:9/not-registered' });
    const { authorizationUrl } = await stranger.authorizationUrl({ scope: 'openid accounts', state: 's' });

    // Act
    const response = await fetch(authorizationUrl, { redirect: 'manual' });

    // Assert
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_uri');
  });

  it('answers a request without PKCE with invalid_request at the redirect_uri', async () => {
    // Arrange
    const { authorizationUrl } = await accountsRequest('state-no-pkce');
    const withoutPkce = new URL(authorizationUrl);
    withoutPkce.searchParams.delete('code_challenge');
    withoutPkce.searchParams.delete('code_challenge_method');

    // Act
    const response = await fetch(withoutPkce, { redirect: 'manual' });

    // Assert
    const location = new URL(response.headers.get('location') ?? '');
    expect(response.status).toBe(303);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('state')).toBe('state-no-pkce');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('shows a labelled login form and the test users with their password', async () => {
    // Arrange
    const { authorizationUrl } = await accountsRequest();

    // Act
    const step = await new BankSession().navigate(authorizationUrl);

    // Assert
    const html = 'page' in step ? step.page.html : '';
    expect(html).toContain('<label for="username">Username</label>');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('<button type="submit" class="primary">Sign in</button>');
    expect(html).toContain('<code>sandbox</code>');
    for (const user of ['alice', 'dan', 'olive']) expect(html).toContain(`<code>${user}</code>`);
  });

  it('keeps a user with a wrong password on the login page', async () => {
    // Arrange
    const { authorizationUrl } = await accountsRequest();

    // Act
    const failure = await failureOf(new BankSession().signIn(authorizationUrl, 'alice', 'not-the-password'));

    // Assert
    expect(failure).toEqual(expect.objectContaining({ message: expect.stringContaining('HTTP 401') }));
    expect(failure).toEqual(
      expect.objectContaining({ message: expect.stringContaining('Unknown username or wrong password') }),
    );
  });

  it('shows the client, the scopes and the accounts on the consent page, and wants one ticked to approve', async () => {
    // Arrange
    const { authorizationUrl } = await accountsRequest();
    const session = new BankSession();
    const consent = await session.signIn(authorizationUrl, 'alice');

    // Act
    const approvalWithoutAccounts = await failureOf(session.decide(consent, { accounts: [] }));

    // Assert
    expect(consent.html).toContain(CLIENT_ID);
    expect(consent.html).toContain('<code>accounts</code>');
    for (const id of ['acc-alice-1', 'acc-alice-2', 'acc-alice-3'])
      expect(consent.html).toContain(`value="${id}"`);
    expect(approvalWithoutAccounts).toEqual(
      expect.objectContaining({ message: expect.stringContaining('Choose at least one account') }),
    );
  });

  it('shows the account named in authorization_details on a payment consent', async () => {
    // Arrange
    const { authorizationUrl, codeVerifier } = await paymentRequest('12-3456-7890123-01');
    const session = new BankSession();

    // Act
    const consent = await session.signIn(authorizationUrl, 'alice');
    const redirect = await session.decide(consent, { decision: 'approve' });

    // Assert
    expect(consent.html).toContain('<dd>12-3456-7890123-01</dd>');
    expect(consent.html).toContain('<dd>Savings</dd>');
    expect(consent.html).toContain('enduring_payment_consent');
    expect(consent.html).not.toContain('type="checkbox"');
    const grant = await sandbox.quartz.redeemCode(redirect.code, codeVerifier, 'payments');
    expect(grant.accessToken).toEqual(expect.any(String));
    // RFC 9396: the token response says what was consented to, so the service can check it.
    expect(grant.authorizationDetails).toEqual([
      expect.objectContaining({ type: 'enduring_payment_consent', account_number: '12-3456-7890123-01' }),
    ]);
  });

  it("shows a payment consent's limits on the consent page and returns them unchanged in the token response", async () => {
    // Arrange
    const provider = new QuartzProvider({ live: sandbox.quartz, test: sandbox.quartz });
    const bankAccount = paymentAccount({ accountNumber: '12-3456-7890123-02' });
    const limits = { name: 'Power bill', period: 'fortnightly', totalAmount: '123456' } as const;
    const { authorizationUrl, codeVerifier } = await provider.beginAuthorization({
      test: true,
      type: 'quartz-payment',
      state: 'state-limits',
      bankAccount,
      limits,
    });
    const session = new BankSession();

    // Act
    const consent = await session.signIn(authorizationUrl, 'alice');
    const redirect = await session.decide(consent, { decision: 'approve' });
    const grant = await provider.redeemCode({
      test: true,
      type: 'quartz-payment',
      code: redirect.code,
      codeVerifier,
      bankAccount,
      limits,
      signal: AbortSignal.timeout(30_000),
    });

    // Assert
    expect(consent.html).toContain('<dd data-testid="consent-name">Power bill</dd>');
    expect(consent.html).toContain('<dd data-testid="consent-amount">NZD 1,234.56</dd>');
    expect(consent.html).toContain('<dd data-testid="consent-period">per fortnight</dd>');
    expect(consent.html).toContain('up to <strong>NZD 1,234.56</strong> per fortnight');
    expect(grant.authorizationDetails).toEqual([
      {
        type: 'enduring_payment_consent',
        account_number: '12-3456-7890123-02',
        name: 'Power bill',
        period: 'fortnightly',
        totalAmount: '123456',
      },
    ]);
  });

  it.each([
    ['a negative amount', { totalAmount: '-5' }],
    ['an amount of 13 digits', { totalAmount: '1234567890123' }],
    ['a period the bank does not know', { period: 'hourly' }],
    ['an empty name', { name: '' }],
  ])('refuses a payment consent with %s', async (_case, limit) => {
    // Arrange
    const { authorizationUrl } = await sandbox.quartz.authorizationUrl({
      scope: 'openid payments',
      state: 'state-bad-limits',
      authorizationDetails: [
        { type: 'enduring_payment_consent', account_number: '12-3456-7890123-00', ...limit },
      ],
    });

    // Act
    const step = await new BankSession().navigate(authorizationUrl);

    // Assert
    expect(step).toEqual({ leftBankTo: expect.stringContaining('error=invalid_authorization_details') });
  });

  it('escapes request values on its pages', async () => {
    // Arrange
    const { authorizationUrl } = await paymentRequest('<script>alert(1)</script>');
    const withOddScope = new URL(authorizationUrl);
    withOddScope.searchParams.set('scope', 'openid payments <b>bold</b>');

    // Act
    const consent = await new BankSession().signIn(withOddScope.href, 'alice');

    // Assert
    expect(consent.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(consent.html).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(consent.html).not.toContain('<script>');
    expect(consent.html).not.toContain('<b>bold</b>');
  });

  it('refuses an authorization_details type it does not know', async () => {
    // Arrange
    const { authorizationUrl } = await sandbox.quartz.authorizationUrl({
      scope: 'openid payments',
      state: 'state-rar',
      authorizationDetails: [{ type: 'one_off_payment', account_number: '12-3456-7890123-00' }],
    });

    // Act
    const step = await new BankSession().navigate(authorizationUrl);

    // Assert
    expect(step).toEqual({ leftBankTo: expect.stringContaining('error=invalid_authorization_details') });
  });

  it('asks who signs in on every authorization, and a new user does not void the last code', async () => {
    // Arrange
    const session = new BankSession();
    const first = await accountsRequest('state-first');
    const aliceRedirect = await session.decide(await session.signIn(first.authorizationUrl, 'alice'));
    const second = await accountsRequest('state-second');

    // Act
    const consentAsDan = await session.signIn(second.authorizationUrl, 'dan');
    const aliceTokens = await sandbox.quartz.redeemCode(aliceRedirect.code, first.codeVerifier, 'accounts');

    // Assert
    expect(consentAsDan.html).toContain('Dan Decliner');
    expect(consentAsDan.html).toContain('value="acc-dan-1"');
    expect(await sandbox.quartz.listSelectedAccounts(aliceTokens.accessToken)).toHaveLength(3);
  });

  it('returns the state and the issuer with the code', async () => {
    // Arrange
    const { authorizationUrl } = await accountsRequest('state-echo');

    // Act
    const redirect = await approveAtBank(authorizationUrl, { user: 'alice' });

    // Assert
    expect(redirect).toEqual({
      code: expect.any(String),
      state: 'state-echo',
      iss: sandbox.bank.issuer,
      redirectUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:9\/quartz\/callback\?code=/),
    });
  });
});
