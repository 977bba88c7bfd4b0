import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { buildServices } from '../../../functions/shared/services';
import { FakeQuartz } from '../../support/fake-quartz';
import { testConfig } from '../../support/fixtures';
import { dynamo } from '../../support/handler-harness';

const secretsManager = mockClient(SecretsManagerClient);
const LIVE_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:1:secret:quartz-live';
const config = {
  ...testConfig,
  quartz: {
    ...testConfig.quartz,
    live: { ...testConfig.quartz.live, clientSecret: { secretArn: LIVE_SECRET_ARN } },
  },
};
/** One live redemption through the provider the services built. */
const redeemOnce = (services: ReturnType<typeof buildServices>) =>
  services.provider.redeemCode({
    test: false,
    type: 'quartz-accounts',
    code: 'c',
    codeVerifier: 'v',
    signal: AbortSignal.timeout(30_000),
  });
const flush = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => {
  secretsManager.reset();
  secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'live-secret' });
  dynamo.reset();
});

describe('buildServices', () => {
  it('reads a Secrets Manager client secret at cold start, before any authorization', async () => {
    buildServices(config, { fetch: new FakeQuartz().fetch });
    await flush();

    expect(
      secretsManager.commandCalls(GetSecretValueCommand).map((call) => call.args[0].input.SecretId),
    ).toEqual([LIVE_SECRET_ARN]);
  });

  it('reads the secret again after Quartz refuses the client (a rotated secret)', async () => {
    const quartz = new FakeQuartz();
    const services = buildServices(config, { fetch: quartz.fetch });
    const redeem = () => redeemOnce(services);
    quartz.token = FakeQuartz.rejected('invalid_client');
    await expect(redeem()).rejects.toMatchObject({ message: 'PROVIDER_UNAVAILABLE' });
    quartz.token = new FakeQuartz().token;

    await expect(redeem()).resolves.toEqual({ accessToken: 'access-token-1' });

    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('answers a retryable 503 without sending the code when Secrets Manager fails, and reads again on the retry', async () => {
    const quartz = new FakeQuartz();
    secretsManager.on(GetSecretValueCommand).rejects(new Error('InternalServiceError'));
    const services = buildServices(config, { fetch: quartz.fetch });
    const redeem = () => redeemOnce(services);

    await expect(redeem()).rejects.toMatchObject({ statusCode: 503, message: 'SERVICE_UNAVAILABLE' });
    expect(quartz.requestsTo('/token')).toHaveLength(0);

    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'live-secret' });
    await expect(redeem()).resolves.toEqual({ accessToken: 'access-token-1' });
    expect(quartz.requestsTo('/token')).toHaveLength(1);
  });
});

describe('buildServices: the page-key secret', () => {
  const PAGE_KEY_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:1:secret:page-key';
  const scope = { listing: 'intents', accountId: 'B4u4WZCu3joZFVWT3XjWW3', query: {} };
  const position = { createdAt: '2022-03-31T02:56:29.713Z', id: '3KVjuKW2CZCJeJVqPxwkX7' };

  it('is read from Secrets Manager at cold start, once', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'p'.repeat(64) });
    const services = buildServices(
      { ...testConfig, pageKeySecret: { secretArn: PAGE_KEY_SECRET_ARN } },
      { fetch: new FakeQuartz().fetch },
    );
    await flush();

    await services.pageKeys.issue(scope, position);
    await services.pageKeys.issue(scope, position);

    const reads = secretsManager
      .commandCalls(GetSecretValueCommand)
      .map((call) => call.args[0].input.SecretId);
    expect(reads.filter((id) => id === PAGE_KEY_SECRET_ARN)).toHaveLength(1);
  });

  it('answers a retryable 503 when it cannot be read, and reads again next time', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: PAGE_KEY_SECRET_ARN })
      .rejectsOnce(new Error('InternalServiceError'))
      .rejectsOnce(new Error('InternalServiceError'))
      .resolves({ SecretString: 'p'.repeat(64) });
    const services = buildServices(
      { ...testConfig, pageKeySecret: { secretArn: PAGE_KEY_SECRET_ARN } },
      { fetch: new FakeQuartz().fetch },
    );
    await flush();

    await expect(services.pageKeys.issue(scope, position)).rejects.toMatchObject({
      statusCode: 503,
      message: 'SERVICE_UNAVAILABLE',
    });
    await expect(services.pageKeys.issue(scope, position)).resolves.toEqual(expect.any(String));
  });
});
