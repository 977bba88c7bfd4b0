import { ProviderUnavailableError } from '../../../functions/shared/domain/errors';
import { QuartzClient } from '../../../functions/shared/provider/quartz-client';
import { FakeQuartz } from '../../support/fake-quartz';
import { LIVE_ISSUER } from '../../support/fixtures';

describe('QuartzClient', () => {
  const setup = () => {
    const quartz = new FakeQuartz();
    const onClientAuthenticationFailure = jest.fn();
    const client = new QuartzClient({
      issuer: LIVE_ISSUER,
      clientId: 'live-client',
      redirectUri: 'https://app.example.com/callback',
      clientSecret: async () => 'rotated-away',
      onClientAuthenticationFailure,
      fetch: quartz.fetch,
    });
    return { quartz, client, onClientAuthenticationFailure };
  };

  it('drops the cached client secret when Quartz refuses the client, and answers a retryable error', async () => {
    const { quartz, client, onClientAuthenticationFailure } = setup();
    quartz.token = FakeQuartz.rejected('invalid_client');

    await expect(client.redeemCode('code', 'verifier', 'accounts')).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );

    expect(onClientAuthenticationFailure).toHaveBeenCalledTimes(1);
  });

  it('keeps the secret when the code itself is refused', async () => {
    const { quartz, client, onClientAuthenticationFailure } = setup();
    quartz.token = FakeQuartz.rejected('invalid_grant');

    await expect(client.redeemCode('code', 'verifier', 'accounts')).rejects.toMatchObject({
      providerError: 'invalid_grant',
    });

    expect(onClientAuthenticationFailure).not.toHaveBeenCalled();
  });

  it('refuses plain http for an issuer that is not on loopback', async () => {
    const quartz = new FakeQuartz();
    const client = new QuartzClient({
      issuer: 'http://quartz.example.com',
      clientId: 'c',
      redirectUri: 'https://app.example.com/callback',
      clientSecret: async () => 's',
      fetch: quartz.fetch,
    });

    await expect(client.authorizationUrl({ scope: 'openid accounts', state: 's' })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
    expect(quartz.requests).toHaveLength(0);
  });
});
