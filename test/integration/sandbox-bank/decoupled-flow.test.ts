import { ProviderRejectedError } from '../../../functions/shared/domain/errors';
import type { DecoupledAuthorizationStarted } from '../../../functions/shared/domain/ports';
import { QuartzProvider } from '../../../functions/shared/provider/quartz-provider';
import { finalOutcome, POLL_BUDGET_MS, pollUntilAnswered } from '../../support/decoupled-polls';
import { bankAccount } from '../../support/fixtures';
import { useSandboxBank } from './sandbox-bank-fixture';

const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba';

/**
 * The decoupled flow (OpenID CIBA, poll mode) between the service's Quartz client and a real sandbox
 * bank: the test users who answer by themselves (carol, dan, erin), the bank's poll pacing, and a payment
 * consent's limits from the request to the token response.
 */
describe('sandbox bank: the decoupled flow', () => {
  const sandbox = useSandboxBank();

  const start = (loginHint: string, scope = 'openid accounts', bindingMessage?: string) =>
    sandbox.quartz.startDecoupled({
      loginHint,
      scope,
      ...(bindingMessage !== undefined ? { bindingMessage } : {}),
    });
  const pollerFor =
    (started: DecoupledAuthorizationStarted, requiredScope = 'accounts') =>
    (intervalSeconds: number) =>
      sandbox.quartz.pollDecoupled(
        started.authReqId,
        requiredScope,
        intervalSeconds,
        AbortSignal.timeout(POLL_BUDGET_MS),
      );
  const failureOf = (call: Promise<unknown>): Promise<unknown> =>
    call.then(
      () => new Error('expected the call to fail'),
      (error: unknown) => error,
    );

  it('publishes its backchannel endpoint, poll mode and the CIBA grant', async () => {
    // Act
    const response = await fetch(`${sandbox.bank.issuer}/.well-known/openid-configuration`);
    const metadata = await response.json();

    // Assert
    expect(metadata).toMatchObject({
      backchannel_authentication_endpoint: `${sandbox.bank.issuer}/backchannel`,
      backchannel_token_delivery_modes_supported: ['poll'],
    });
    expect(metadata.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', CIBA_GRANT_TYPE]),
    );
  });

  it('hands out tokens once carol approves by herself, about 3 seconds after the start, then never again', async () => {
    // Arrange
    const startedAt = Date.now();
    const started = await start('carol', 'openid accounts', 'CAROL-1');

    // Act
    const outcomes = await pollUntilAnswered(started, pollerFor(started));
    const answeredAfterMs = Date.now() - startedAt;
    const outcome = finalOutcome(outcomes);
    const accessToken = outcome.status === 'approved' ? outcome.accessToken : '';
    const accounts = await sandbox.quartz.listSelectedAccounts(accessToken);
    const secondCollection = await failureOf(pollerFor(started)(started.intervalSeconds));
    const listingAfterIt = await failureOf(sandbox.quartz.listSelectedAccounts(accessToken));

    // Assert
    expect(started).toEqual({ authReqId: expect.any(String), expiresInSeconds: 300, intervalSeconds: 1 });
    expect(outcome).toEqual({ status: 'approved', accessToken: expect.any(String) });
    expect(outcomes.slice(0, -1).every((polled) => polled.status === 'pending')).toBe(true);
    expect(answeredAfterMs).toBeGreaterThanOrEqual(3_000);
    expect(accounts).toEqual([
      { id: 'acc-carol-1', accountNumber: '01-0234-0567890-00', accountName: 'Everyday' },
      { id: 'acc-carol-2', accountNumber: '01-0234-0567890-25', accountName: 'Online Saver' },
    ]);
    // The approval was collected: a second poll is refused, and revokes what the first one got (as a
    // code redeemed twice does).
    expect(secondCollection).toBeInstanceOf(ProviderRejectedError);
    expect(secondCollection).toMatchObject({ providerError: 'invalid_grant' });
    expect(listingAfterIt).toMatchObject({ providerError: 'invalid_token' });
  });

  it('answers access_denied once dan denies by himself', async () => {
    // Arrange
    const started = await start('dan');

    // Act
    const outcomes = await pollUntilAnswered(started, pollerFor(started));

    // Assert
    expect(finalOutcome(outcomes)).toEqual({ status: 'denied', providerError: 'access_denied' });
  });

  it("answers expired_token once erin's request has run out its stated 30 seconds unanswered", async () => {
    // Arrange
    const startedAt = Date.now();
    const started = await start('erin');

    // Act
    const outcomes = await pollUntilAnswered(started, pollerFor(started));
    const expiredAfterMs = Date.now() - startedAt;

    // Assert
    expect(started.expiresInSeconds).toBe(30);
    expect(finalOutcome(outcomes)).toEqual({ status: 'expired', providerError: 'expired_token' });
    expect(outcomes.slice(0, -1).every((polled) => polled.status === 'pending')).toBe(true);
    // The bank counts whole seconds, so the request may end up to one second before 30 s are out.
    expect(expiredAfterMs).toBeGreaterThanOrEqual(29_000);
  });

  it('answers slow_down to a poll sooner than the interval, and raises the interval by 5 seconds each time', async () => {
    // Arrange: alice answers only in the banking app, so her request stays pending.
    const started = await start('alice');
    const poll = pollerFor(started);

    // Act
    const first = await poll(started.intervalSeconds);
    const tooSoon = await poll(started.intervalSeconds);
    const tooSoonAgain = await poll(tooSoon.status === 'slow_down' ? tooSoon.intervalSeconds : 0);

    // Assert
    expect(first).toEqual({ status: 'pending', intervalSeconds: 1 });
    expect(tooSoon).toEqual({ status: 'slow_down', intervalSeconds: 6 });
    expect(tooSoonAgain).toEqual({ status: 'slow_down', intervalSeconds: 11 });
  });

  it('lets the first poll come at once, and a poll after the interval pass as pending', async () => {
    // Arrange
    const started = await start('alice');
    const poll = pollerFor(started);
    const first = await poll(started.intervalSeconds);
    const firstAnsweredAt = Date.now();

    // Act: wait out the interval, measured from the first poll's answer.
    await new Promise((resolve) => setTimeout(resolve, started.intervalSeconds * 1000));
    const second = await poll(started.intervalSeconds);

    // Assert
    expect(first).toEqual({ status: 'pending', intervalSeconds: 1 });
    expect(Date.now() - firstAnsweredAt).toBeGreaterThanOrEqual(1_000);
    expect(second).toEqual({ status: 'pending', intervalSeconds: 1 });
  });

  it("carries a payment consent's limits from the request to the token response unchanged", async () => {
    // Arrange
    const provider = new QuartzProvider({ live: sandbox.quartz, test: sandbox.quartz });
    const account = bankAccount({ accountNumber: '01-0234-0567890-00', providerAccountId: 'acc-carol-1' });
    const limits = { name: 'Weekly groceries', period: 'weekly', totalAmount: '123456' } as const;
    const started = await provider.startDecoupledAuthorization({
      test: true,
      type: 'quartz-payment',
      loginHint: 'carol',
      bindingMessage: 'PAY-42',
      bankAccount: account,
      limits,
    });

    // Act
    const outcomes = await pollUntilAnswered(started, (intervalSeconds) =>
      provider.pollDecoupledAuthorization({
        test: true,
        type: 'quartz-payment',
        authReqId: started.authReqId,
        intervalSeconds,
        bankAccount: account,
        limits,
        signal: AbortSignal.timeout(POLL_BUDGET_MS),
      }),
    );

    // Assert
    expect(finalOutcome(outcomes)).toEqual({
      status: 'approved',
      accessToken: expect.any(String),
      authorizationDetails: [
        {
          type: 'enduring_payment_consent',
          account_number: '01-0234-0567890-00',
          account_id: 'acc-carol-1',
          name: 'Weekly groceries',
          period: 'weekly',
          totalAmount: '123456',
        },
      ],
    });
  });

  it.each([
    ['an unknown user', { loginHint: 'nobody' }, 'unknown_user_id'],
    [
      'a binding message with a line break',
      { loginHint: 'alice', bindingMessage: 'A\nB' },
      'invalid_binding_message',
    ],
    [
      'an amount with a leading zero',
      {
        loginHint: 'alice',
        authorizationDetails: [
          { type: 'enduring_payment_consent', account_number: '12-3456-7890123-00', totalAmount: '050000' },
        ],
      },
      'invalid_authorization_details',
    ],
    [
      'a period the bank does not know',
      {
        loginHint: 'alice',
        authorizationDetails: [
          { type: 'enduring_payment_consent', account_number: '12-3456-7890123-00', period: 'hourly' },
        ],
      },
      'invalid_authorization_details',
    ],
  ])('refuses to start a request with %s', async (_case, request, error) => {
    // Act
    const failure = await failureOf(sandbox.quartz.startDecoupled({ scope: 'openid payments', ...request }));

    // Assert
    expect(failure).toBeInstanceOf(ProviderRejectedError);
    expect(failure).toMatchObject({ providerError: error });
  });
});
