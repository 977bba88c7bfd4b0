import {
  ProviderOutcomeUnknownError,
  ProviderRejectedError,
  ProviderUnavailableError,
} from '../../../functions/shared/domain/errors';
import { QuartzClient, type QuartzFetch } from '../../../functions/shared/provider/quartz-client';
import { FakeQuartz } from '../../support/fake-quartz';
import { LIVE_ISSUER } from '../../support/fixtures';

const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba';

/** The decoupled flow (OpenID CIBA, poll mode) of the service's Quartz client, against a scripted bank. */
describe('QuartzClient: decoupled authorization', () => {
  const setup = (overrides: { fetch?: QuartzFetch; timeoutMs?: number } = {}) => {
    const quartz = new FakeQuartz();
    const onClientAuthenticationFailure = jest.fn();
    const client = new QuartzClient({
      issuer: LIVE_ISSUER,
      clientId: 'live-client',
      redirectUri: 'https://app.example.com/callback',
      clientSecret: async () => 'live-secret',
      onClientAuthenticationFailure,
      fetch: overrides.fetch ?? quartz.fetch,
      ...(overrides.timeoutMs !== undefined ? { timeoutMs: overrides.timeoutMs } : {}),
    });
    return { quartz, client, onClientAuthenticationFailure };
  };

  const failureOf = (call: Promise<unknown>): Promise<unknown> =>
    call.then(
      () => new Error('expected the call to fail'),
      (error: unknown) => error,
    );

  /** client_secret_basic: each part form-encoded (RFC 6749 §2.3.1), then joined and base64-encoded. */
  const basicCredentials = (header: string | undefined): string[] =>
    Buffer.from((header ?? '').replace(/^Basic /, ''), 'base64')
      .toString('utf8')
      .split(':')
      .map(decodeURIComponent);

  /** A bank that never answers: the request ends only when its signal aborts. */
  const silentBank =
    (quartz: FakeQuartz, path: string): QuartzFetch =>
    (url, options) =>
      new URL(url).pathname === path
        ? new Promise((_resolve, reject) => {
            const { signal } = options;
            if (signal?.aborted) reject(signal.reason);
            signal?.addEventListener('abort', () => reject(signal.reason));
          })
        : quartz.fetch(url, options);

  describe('starting a request', () => {
    it('sends the login hint, scope, binding message and authorization details with client authentication', async () => {
      // Arrange
      const { quartz, client } = setup();
      const details = [{ type: 'enduring_payment_consent', account_number: '12-3456-7890123-00' }];

      // Act
      const started = await client.startDecoupled({
        loginHint: 'carol',
        scope: 'openid payments',
        bindingMessage: 'ABC-123',
        authorizationDetails: details,
      });

      // Assert
      expect(started).toEqual({ authReqId: 'auth-req-1', expiresInSeconds: 120, intervalSeconds: 2 });
      const [request] = quartz.requestsTo('/backchannel');
      expect(request?.method).toBe('POST');
      expect(basicCredentials(request?.headers.authorization)).toEqual(['live-client', 'live-secret']);
      const form = new URLSearchParams(request?.body);
      expect(Object.fromEntries(form)).toEqual({
        client_id: 'live-client',
        login_hint: 'carol',
        scope: 'openid payments',
        binding_message: 'ABC-123',
        authorization_details: JSON.stringify(details),
      });
    });

    it('sends neither binding message nor authorization details when there are none', async () => {
      // Arrange
      const { quartz, client } = setup();

      // Act
      await client.startDecoupled({ loginHint: 'alice', scope: 'openid accounts' });

      // Assert
      const form = new URLSearchParams(quartz.requestsTo('/backchannel')[0]?.body);
      expect([...form.keys()].sort()).toEqual(['client_id', 'login_hint', 'scope']);
    });

    it('waits 5 seconds between polls when the bank names no interval', async () => {
      // Arrange
      const { quartz, client } = setup();
      quartz.backchannel = FakeQuartz.answer(200, { auth_req_id: 'auth-req-2', expires_in: 60 });

      // Act
      const started = await client.startDecoupled({ loginHint: 'alice', scope: 'openid accounts' });

      // Assert
      expect(started).toEqual({ authReqId: 'auth-req-2', expiresInSeconds: 60, intervalSeconds: 5 });
    });

    it.each(['unknown_user_id', 'invalid_binding_message', 'invalid_authorization_details', 'access_denied'])(
      'is refused for good when the bank answers %s',
      async (error) => {
        // Arrange
        const { quartz, client, onClientAuthenticationFailure } = setup();
        quartz.backchannel = FakeQuartz.rejected(error);

        // Act
        const failure = await failureOf(
          client.startDecoupled({ loginHint: 'nobody', scope: 'openid accounts' }),
        );

        // Assert
        expect(failure).toBeInstanceOf(ProviderRejectedError);
        expect(failure).toMatchObject({ providerError: error });
        expect(onClientAuthenticationFailure).not.toHaveBeenCalled();
      },
    );

    it('answers a retryable error and drops the cached secret when the bank refuses the client', async () => {
      // Arrange
      const { quartz, client, onClientAuthenticationFailure } = setup();
      quartz.backchannel = FakeQuartz.answer(401, { error: 'invalid_client' });

      // Act
      const failure = await failureOf(
        client.startDecoupled({ loginHint: 'alice', scope: 'openid accounts' }),
      );

      // Assert
      expect(failure).toBeInstanceOf(ProviderUnavailableError);
      expect(onClientAuthenticationFailure).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['an outage', FakeQuartz.outage()],
      ['a refused connection', FakeQuartz.refused()],
      ['a timeout', FakeQuartz.timeout()],
      ['an answer without auth_req_id', FakeQuartz.answer(200, { expires_in: 60 })],
      ['a registration the bank does not allow', FakeQuartz.rejected('unauthorized_client')],
    ])('answers a retryable error for %s', async (_case, answer) => {
      // Arrange
      const { quartz, client } = setup();
      quartz.backchannel = answer;

      // Act
      const failure = await failureOf(
        client.startDecoupled({ loginHint: 'alice', scope: 'openid accounts' }),
      );

      // Assert
      expect(failure).toBeInstanceOf(ProviderUnavailableError);
    });

    it('gives up within its request budget when the bank does not answer', async () => {
      // Arrange
      const quartz = new FakeQuartz();
      const { client } = setup({ fetch: silentBank(quartz, '/backchannel'), timeoutMs: 50 });

      // Act
      const failure = await failureOf(
        client.startDecoupled({ loginHint: 'alice', scope: 'openid accounts' }),
      );

      // Assert
      expect(failure).toBeInstanceOf(ProviderUnavailableError);
    });

    it('sends nothing to a bank whose discovery names no backchannel endpoint', async () => {
      // Arrange
      const quartz = new FakeQuartz();
      const withoutCiba: QuartzFetch = async (url, options) => {
        const response = await quartz.fetch(url, options);
        if (!url.endsWith('/.well-known/openid-configuration')) return response;
        const { backchannel_authentication_endpoint: _dropped, ...metadata } = await response.json();
        return new Response(JSON.stringify(metadata), {
          status: 200,
          headers: { 'content-type': 'application/json' },
        });
      };
      const { client } = setup({ fetch: withoutCiba });

      // Act
      const failure = await failureOf(
        client.startDecoupled({ loginHint: 'alice', scope: 'openid accounts' }),
      );

      // Assert
      expect(failure).toBeInstanceOf(ProviderUnavailableError);
      expect(quartz.requestsTo('/backchannel')).toHaveLength(0);
    });
  });

  describe('polling a request', () => {
    it('polls the token endpoint with the CIBA grant and client authentication', async () => {
      // Arrange
      const { quartz, client } = setup();
      quartz.token = FakeQuartz.rejected('authorization_pending');

      // Act
      await client.pollDecoupled('auth-req-1', 'accounts', 2);

      // Assert
      const [request] = quartz.requestsTo('/token');
      expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
        grant_type: CIBA_GRANT_TYPE,
        auth_req_id: 'auth-req-1',
      });
      expect(basicCredentials(request?.headers.authorization)).toEqual(['live-client', 'live-secret']);
    });

    it.each([
      ['authorization_pending', { status: 'pending', intervalSeconds: 2 }],
      ['slow_down', { status: 'slow_down', intervalSeconds: 7 }],
      ['access_denied', { status: 'denied', providerError: 'access_denied' }],
      ['expired_token', { status: 'expired', providerError: 'expired_token' }],
    ])('reads %s as an outcome', async (error, outcome) => {
      // Arrange
      const { quartz, client } = setup();
      quartz.token = FakeQuartz.rejected(error);

      // Act
      const polled = await client.pollDecoupled('auth-req-1', 'accounts', 2);

      // Assert
      expect(polled).toEqual(outcome);
    });

    it('answers the tokens and the granted authorization details of an approved request', async () => {
      // Arrange
      const { quartz, client } = setup();
      const granted = [{ type: 'enduring_payment_consent', account_number: '1', period: 'daily' }];
      quartz.token = FakeQuartz.answer(200, {
        access_token: 'access-token-ciba',
        token_type: 'Bearer',
        expires_in: 600,
        scope: 'payments',
        authorization_details: granted,
      });

      // Act
      const polled = await client.pollDecoupled('auth-req-1', 'payments', 2);

      // Assert
      expect(polled).toEqual({
        status: 'approved',
        accessToken: 'access-token-ciba',
        authorizationDetails: granted,
      });
    });

    it('refuses an approval without the scope the intent needs', async () => {
      // Arrange
      const { quartz, client } = setup();
      quartz.token = FakeQuartz.answer(200, {
        access_token: 'access-token-ciba',
        token_type: 'Bearer',
        scope: 'openid',
      });

      // Act
      const failure = await failureOf(client.pollDecoupled('auth-req-1', 'accounts', 2));

      // Assert
      expect(failure).toBeInstanceOf(ProviderRejectedError);
      expect(failure).toMatchObject({ providerError: 'insufficient_scope' });
    });

    it('refuses a request the bank no longer knows, or that was collected already', async () => {
      // Arrange
      const { quartz, client } = setup();
      quartz.token = FakeQuartz.rejected('invalid_grant');

      // Act
      const failure = await failureOf(client.pollDecoupled('auth-req-1', 'accounts', 2));

      // Assert
      expect(failure).toBeInstanceOf(ProviderRejectedError);
      expect(failure).toMatchObject({ providerError: 'invalid_grant' });
    });

    it.each([
      ['an outage (5xx)', FakeQuartz.outage(), ProviderUnavailableError, 502],
      ['a refused connection', FakeQuartz.refused(), ProviderUnavailableError, 502],
      ['a timeout', FakeQuartz.timeout(), ProviderOutcomeUnknownError, 504],
      [
        'an unreadable 200',
        FakeQuartz.answer(200, { token_type: 'Bearer' }),
        ProviderOutcomeUnknownError,
        502,
      ],
    ])('classifies %s as the code redemption does', async (_case, answer, errorClass, statusCode) => {
      // Arrange
      const { quartz, client } = setup();
      quartz.token = answer;

      // Act
      const failure = await failureOf(client.pollDecoupled('auth-req-1', 'accounts', 2));

      // Assert
      expect(failure).toBeInstanceOf(errorClass);
      expect(failure).toMatchObject({ statusCode });
    });

    it('drops the cached secret when the bank refuses the client', async () => {
      // Arrange
      const { quartz, client, onClientAuthenticationFailure } = setup();
      quartz.token = FakeQuartz.answer(401, { error: 'invalid_client' });

      // Act
      const failure = await failureOf(client.pollDecoupled('auth-req-1', 'accounts', 2));

      // Assert
      expect(failure).toBeInstanceOf(ProviderUnavailableError);
      expect(onClientAuthenticationFailure).toHaveBeenCalledTimes(1);
    });

    it("stops when the caller's budget runs out: the outcome at the bank is then unknown", async () => {
      // Arrange
      const quartz = new FakeQuartz();
      const { client } = setup({ fetch: silentBank(quartz, '/token') });
      const budget = new AbortController();

      // Act
      const polling = failureOf(client.pollDecoupled('auth-req-1', 'accounts', 2, budget.signal));
      budget.abort(new DOMException('The operation timed out', 'TimeoutError'));
      const failure = await polling;

      // Assert
      expect(failure).toBeInstanceOf(ProviderOutcomeUnknownError);
      expect(failure).toMatchObject({ kind: 'timeout' });
    });
  });
});
