import { BankingAppSession } from '../../support/banking-app-session';
import { finalOutcome, POLL_BUDGET_MS, pollUntilAnswered } from '../../support/decoupled-polls';
import { useSandboxBank } from './sandbox-bank-fixture';

/** The sandbox bank's banking app: where a user sees their decoupled requests and answers them. */
describe('sandbox bank: the banking app', () => {
  const sandbox = useSandboxBank();

  const limitsDetail = {
    type: 'enduring_payment_consent',
    account_number: '12-3456-7890123-00',
    name: 'Groceries',
    period: 'daily',
    totalAmount: '50000',
  };
  const startFor = (loginHint: string, bindingMessage: string, payment = false) =>
    sandbox.quartz.startDecoupled({
      loginHint,
      scope: payment ? 'openid payments' : 'openid accounts',
      bindingMessage,
      ...(payment ? { authorizationDetails: [limitsDetail] } : {}),
    });
  const pollOnce = (authReqId: string, requiredScope = 'accounts') =>
    sandbox.quartz.pollDecoupled(authReqId, requiredScope, 1, AbortSignal.timeout(POLL_BUDGET_MS));

  it('shows the waiting request with its binding message, scope and limits, and approving it hands out tokens', async () => {
    // Arrange
    const started = await startFor('alice', 'APP-1', true);
    const app = new BankingAppSession(sandbox.bank.issuer);
    const list = await app.signIn('alice');
    const request = BankingAppSession.requestWith(list, 'APP-1');

    // Act
    const afterApproval = await app.decide(request.id, 'approve');
    const outcome = await pollOnce(started.authReqId, 'payments');

    // Assert
    expect(list.status).toBe(200);
    expect(list.html).toContain('Alice Example');
    expect(request.html).toContain('<code>payments</code>');
    expect(request.html).toContain('<dd data-testid="consent-name">Groceries</dd>');
    expect(request.html).toContain('<dd data-testid="consent-amount">NZD 500.00</dd>');
    expect(request.html).toContain('<dd data-testid="consent-period">per day</dd>');
    expect(request.html).toContain('<dd>12-3456-7890123-00</dd>');
    expect(request.html).toContain('<dd>Everyday</dd>');
    expect(afterApproval.html).toContain('You approved the request.');
    expect(BankingAppSession.requests(afterApproval)).toEqual([]);
    expect(outcome).toEqual({
      status: 'approved',
      accessToken: expect.any(String),
      authorizationDetails: [limitsDetail],
    });
  });

  it('shares every account of the user when an approved request asked for accounts', async () => {
    // Arrange
    const started = await startFor('alice', 'APP-ACCOUNTS');
    const app = new BankingAppSession(sandbox.bank.issuer);
    const request = BankingAppSession.requestWith(await app.signIn('alice'), 'APP-ACCOUNTS');

    // Act
    await app.decide(request.id, 'approve');
    const outcome = await pollOnce(started.authReqId);

    // Assert
    expect(request.html).toContain('Approving shares all your accounts');
    const accessToken = outcome.status === 'approved' ? outcome.accessToken : '';
    expect(await sandbox.quartz.listSelectedAccounts(accessToken)).toHaveLength(3);
  });

  it('denies a request, which the client then hears as access_denied', async () => {
    // Arrange
    const started = await startFor('alice', 'APP-DENY');
    const app = new BankingAppSession(sandbox.bank.issuer);
    const request = BankingAppSession.requestWith(await app.signIn('alice'), 'APP-DENY');

    // Act
    const afterDenial = await app.decide(request.id, 'deny');
    const outcomes = await pollUntilAnswered(started, (intervalSeconds) =>
      sandbox.quartz.pollDecoupled(
        started.authReqId,
        'accounts',
        intervalSeconds,
        AbortSignal.timeout(POLL_BUDGET_MS),
      ),
    );

    // Assert
    expect(afterDenial.html).toContain('You denied the request.');
    expect(finalOutcome(outcomes)).toEqual({ status: 'denied', providerError: 'access_denied' });
  });

  it('answers a request once: a second decision changes nothing', async () => {
    // Arrange
    const started = await startFor('alice', 'APP-TWICE');
    const app = new BankingAppSession(sandbox.bank.issuer);
    const request = BankingAppSession.requestWith(await app.signIn('alice'), 'APP-TWICE');
    await app.decide(request.id, 'deny');

    // Act
    const secondDecision = await app.decide(request.id, 'approve');
    const outcome = await pollOnce(started.authReqId);

    // Assert
    expect(secondDecision.html).toContain('That request was already answered or has expired.');
    expect(outcome).toEqual({ status: 'denied', providerError: 'access_denied' });
  });

  it("neither shows nor lets another user answer someone else's request", async () => {
    // Arrange
    const started = await startFor('alice', 'APP-MINE');
    const alice = new BankingAppSession(sandbox.bank.issuer);
    const request = BankingAppSession.requestWith(await alice.signIn('alice'), 'APP-MINE');
    const olive = new BankingAppSession(sandbox.bank.issuer);
    const oliveList = await olive.signIn('olive');

    // Act
    const oliveDecision = await olive.decide(request.id, 'approve');
    const outcome = await pollOnce(started.authReqId);

    // Assert
    expect(BankingAppSession.requests(oliveList)).toEqual([]);
    expect(oliveList.html).toContain('No requests are waiting for you.');
    expect(oliveDecision.html).toContain('That request was already answered or has expired.');
    expect(outcome).toEqual({ status: 'pending', intervalSeconds: 1 });
  });

  it('keeps a user with a wrong password on the sign-in page, and asks who signs in without a session', async () => {
    // Arrange
    const app = new BankingAppSession(sandbox.bank.issuer);

    // Act
    const refused = await app.signIn('alice', 'not-the-password');
    const page = await app.page();

    // Assert
    expect(refused.status).toBe(401);
    expect(refused.html).toContain('Unknown username or wrong password.');
    expect(page.html).toContain('Sign in to your banking app');
    for (const user of ['carol', 'dan', 'erin']) expect(page.html).toContain(`<code>${user}</code>`);
  });

  it('escapes request values on its pages', async () => {
    // Arrange
    await sandbox.quartz.startDecoupled({
      loginHint: 'alice',
      scope: 'openid payments',
      bindingMessage: 'ESC-1',
      authorizationDetails: [{ ...limitsDetail, name: '<script>alert(1)</script>' }],
    });
    const app = new BankingAppSession(sandbox.bank.issuer);

    // Act
    const request = BankingAppSession.requestWith(await app.signIn('alice'), 'ESC-1');

    // Assert
    expect(request.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(request.html).not.toContain('<script>');
  });
});
