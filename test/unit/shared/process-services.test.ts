import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { buildAuthorizeIntentServices } from '../../../functions/authorize/services';
import { buildCreateIntentServices } from '../../../functions/create/services';
import { buildGetBankAccountServices } from '../../../functions/get-bank-account/services';
import { buildGetIntentServices } from '../../../functions/get-intent/services';
import { buildListBankAccountsServices } from '../../../functions/list-bank-accounts/services';
import { buildListIntentsServices } from '../../../functions/list-intents/services';
import { servicesOfProcess } from '../../../functions/shared/wiring/process-services';
import { eventually } from '../../support/eventually';
import { FakeQuartz } from '../../support/fake-quartz';

const TABLE = { TABLE_NAME: 'intents' };
const QUARTZ = {
  QUARTZ_LIVE_ISSUER: 'https://live.quartz.test',
  QUARTZ_LIVE_CLIENT_ID: 'live',
  QUARTZ_LIVE_REDIRECT_URI: 'https://app.test/callback',
  QUARTZ_TEST_ISSUER: 'https://sandbox.quartz.test',
  QUARTZ_TEST_CLIENT_ID: 'test',
  QUARTZ_TEST_REDIRECT_URI: 'https://app.test/callback',
};

describe('servicesOfProcess', () => {
  it('builds the services as the module loads (the cold start), once for the life of the process', () => {
    const build = jest.fn(() => ({ built: true }));

    const services = servicesOfProcess(build);

    expect(build).toHaveBeenCalledTimes(1);
    expect(services()).toBe(services());
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('leaves a build that fails at load to the first request, which builds again and fails with the reason', () => {
    let environmentComplete = false;
    const build = jest.fn(() => {
      if (!environmentComplete)
        throw new Error('Invalid configuration, check these environment variables: X');
      return { built: true };
    });

    const services = servicesOfProcess(build);
    expect(() => services()).toThrow('check these environment variables: X');
    environmentComplete = true;

    expect(services()).toEqual({ built: true });
    expect(build).toHaveBeenCalledTimes(3);
  });
});

describe('each function builds its own services from its own variables', () => {
  // No request is sent: the services are only built.
  const overrides = {
    dynamo: DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    ),
  };

  it('the read routes need the table alone (the page-key secret too, for the one that answers by page)', () => {
    expect(Object.keys(buildGetIntentServices(TABLE, overrides)).sort()).toEqual([
      'apiKeys',
      'clock',
      'intents',
      'rateLimits',
    ]);
    expect(Object.keys(buildGetBankAccountServices(TABLE, overrides)).sort()).toEqual([
      'apiKeys',
      'bankAccounts',
      'clock',
      'rateLimits',
    ]);
    expect(Object.keys(buildListBankAccountsServices(TABLE, overrides)).sort()).toEqual([
      'apiKeys',
      'bankAccounts',
      'clock',
      'rateLimits',
    ]);
    const listIntents = buildListIntentsServices({ ...TABLE, PAGE_KEY_SECRET: 'p'.repeat(32) }, overrides);
    expect(Object.keys(listIntents).sort()).toEqual([
      'apiKeys',
      'clock',
      'intents',
      'pageKeys',
      'rateLimits',
    ]);
  });

  it('create and authorize need the Quartz settings as well, and name the missing ones', () => {
    const fetch = new FakeQuartz().fetch;
    expect(() => buildCreateIntentServices(TABLE, { ...overrides, fetch })).toThrow('QUARTZ_LIVE_ISSUER');
    expect(() => buildAuthorizeIntentServices(TABLE, { ...overrides, fetch })).toThrow(
      'QUARTZ_TEST_CLIENT_ID',
    );

    expect(buildCreateIntentServices({ ...TABLE, ...QUARTZ }, { ...overrides, fetch })).toMatchObject({
      intentLifetimeMs: 3_600_000,
      provider: expect.any(Object),
    });
    expect(buildAuthorizeIntentServices({ ...TABLE, ...QUARTZ }, { ...overrides, fetch })).toMatchObject({
      provider: expect.any(Object),
    });
  });

  it.each([
    ['create', buildCreateIntentServices],
    ['authorize', buildAuthorizeIntentServices],
  ])(
    '%s starts discovering both Quartz configurations as it is built, before any request',
    async (_, build) => {
      const quartz = new FakeQuartz();

      build({ ...TABLE, ...QUARTZ }, { ...overrides, fetch: quartz.fetch });

      await eventually(() => quartz.requests.length === 2, 10);
      expect(quartz.requests.map((request) => request.url).sort()).toEqual([
        `${QUARTZ.QUARTZ_LIVE_ISSUER}/.well-known/openid-configuration`,
        `${QUARTZ.QUARTZ_TEST_ISSUER}/.well-known/openid-configuration`,
      ]);
    },
  );

  it('only authorize reads the client secrets during the cold start; create reads one on its first decoupled start', async () => {
    const secretsManager = mockClient(SecretsManagerClient);
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'client-secret' });
    const inSecretsManager = {
      ...QUARTZ,
      QUARTZ_LIVE_CLIENT_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:live',
      QUARTZ_TEST_CLIENT_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:1:secret:test',
    };
    const fetch = new FakeQuartz().fetch;
    try {
      buildCreateIntentServices({ ...TABLE, ...inSecretsManager }, { ...overrides, fetch });
      // Discovery is under way; had create started a secret read, it would have been sent by now.
      await new Promise((resolve) => setImmediate(resolve));
      expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);

      buildAuthorizeIntentServices({ ...TABLE, ...inSecretsManager }, { ...overrides, fetch });
      await eventually(() => secretsManager.commandCalls(GetSecretValueCommand).length === 2, 10);
      expect(
        secretsManager
          .commandCalls(GetSecretValueCommand)
          .map((call) => call.args[0].input.SecretId)
          .sort(),
      ).toEqual([
        inSecretsManager.QUARTZ_LIVE_CLIENT_SECRET_ARN,
        inSecretsManager.QUARTZ_TEST_CLIENT_SECRET_ARN,
      ]);
    } finally {
      secretsManager.restore();
    }
  });
});
