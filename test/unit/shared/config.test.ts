import { loadConfig, loadPublisherConfig, loadSweeperConfig } from '../../../functions/shared/config';
import { API_KEY_CACHE_BUDGET } from '../../../functions/shared/time-budget';

const complete = {
  TABLE_NAME: 'intents',
  QUARTZ_LIVE_ISSUER: 'https://quartz.example.com',
  QUARTZ_LIVE_CLIENT_ID: 'live',
  QUARTZ_LIVE_REDIRECT_URI: 'https://app.example.com/cb',
  QUARTZ_LIVE_CLIENT_SECRET_ARN: 'arn:live',
  QUARTZ_TEST_ISSUER: 'https://sandbox.quartz.example.com',
  QUARTZ_TEST_CLIENT_ID: 'test',
  QUARTZ_TEST_REDIRECT_URI: 'https://app.example.com/test-cb',
  QUARTZ_TEST_CLIENT_SECRET: 'plain',
};

describe('loadConfig', () => {
  it('reads both Quartz configurations and where their secrets come from', () => {
    const config = loadConfig(complete);

    expect(config.tableName).toBe('intents');
    expect(config.quartz.live).toEqual({
      issuer: 'https://quartz.example.com',
      clientId: 'live',
      redirectUri: 'https://app.example.com/cb',
      clientSecret: { secretArn: 'arn:live' },
    });
    expect(config.quartz.test.clientSecret).toEqual({ value: 'plain' });
  });

  it('names every missing or malformed variable', () => {
    const { TABLE_NAME: _table, ...rest } = complete;

    expect(() => loadConfig({ ...rest, QUARTZ_TEST_ISSUER: 'not a url' })).toThrow(
      'Invalid configuration, check these environment variables: TABLE_NAME, QUARTZ_TEST_ISSUER',
    );
  });

  it('treats an empty variable as unset, so a blank secret ARN falls back to the plain secret', () => {
    const config = loadConfig({ ...complete, QUARTZ_TEST_CLIENT_SECRET_ARN: '' });

    expect(config.quartz.test.clientSecret).toEqual({ value: 'plain' });
  });

  it('reads where the page-key secret comes from, where the function has one', () => {
    expect(loadConfig(complete).pageKeySecret).toBeUndefined();
    expect(loadConfig({ ...complete, PAGE_KEY_SECRET_ARN: 'arn:page' }).pageKeySecret).toEqual({
      secretArn: 'arn:page',
    });
    expect(loadConfig({ ...complete, PAGE_KEY_SECRET: 'k'.repeat(32) }).pageKeySecret).toEqual({
      value: 'k'.repeat(32),
    });
  });

  it('refuses a plain page-key secret too short to be a key', () => {
    expect(() => loadConfig({ ...complete, PAGE_KEY_SECRET: 'short' })).toThrow('PAGE_KEY_SECRET');
  });

  it('gives an intent an hour to live unless INTENT_LIFETIME_SECONDS says otherwise', () => {
    expect(loadConfig(complete).intentLifetimeSeconds).toBe(3_600);
    expect(loadConfig({ ...complete, INTENT_LIFETIME_SECONDS: '5' }).intentLifetimeSeconds).toBe(5);
    expect(loadConfig({ ...complete, INTENT_LIFETIME_SECONDS: '86400' }).intentLifetimeSeconds).toBe(86_400);
    expect(loadConfig({ ...complete, INTENT_LIFETIME_SECONDS: '' }).intentLifetimeSeconds).toBe(3_600);
  });

  it.each(['0', '-5', '1.5', 'an hour', '86401'])('refuses an intent lifetime of %s seconds', (value) => {
    expect(() => loadConfig({ ...complete, INTENT_LIFETIME_SECONDS: value })).toThrow(
      'Invalid configuration, check these environment variables: INTENT_LIFETIME_SECONDS',
    );
  });
});

describe('loadConfig: the API-key revocation bound', () => {
  it('is the budget bound unless API_KEY_REVOCATION_BOUND_SECONDS shortens it, down to no caching', () => {
    expect(loadConfig(complete).apiKeyRevocationBoundMs).toBe(API_KEY_CACHE_BUDGET.revocationBoundMs);
    expect(loadConfig({ ...complete, API_KEY_REVOCATION_BOUND_SECONDS: '5' }).apiKeyRevocationBoundMs).toBe(
      5_000,
    );
    expect(loadConfig({ ...complete, API_KEY_REVOCATION_BOUND_SECONDS: '0' }).apiKeyRevocationBoundMs).toBe(
      0,
    );
  });

  it.each(['-1', '1.5', 'a minute', String(API_KEY_CACHE_BUDGET.revocationBoundMs / 1_000 + 1)])(
    'refuses a bound of %s seconds',
    (value) => {
      expect(() => loadConfig({ ...complete, API_KEY_REVOCATION_BOUND_SECONDS: value })).toThrow(
        'Invalid configuration, check these environment variables: API_KEY_REVOCATION_BOUND_SECONDS',
      );
    },
  );
});

describe('loadSweeperConfig', () => {
  it('needs the table name only, not the bank', () => {
    expect(loadSweeperConfig({ TABLE_NAME: 'intents' })).toEqual({ tableName: 'intents' });
    expect(() => loadSweeperConfig({})).toThrow('TABLE_NAME');
  });
});

describe('loadPublisherConfig', () => {
  it('reads the event bus, and needs nothing of the Quartz settings', () => {
    expect(loadPublisherConfig({ EVENT_BUS_NAME: 'intents-events' })).toEqual({
      eventBusName: 'intents-events',
    });
  });

  it('names a missing or empty bus', () => {
    for (const env of [{}, { EVENT_BUS_NAME: '' }]) {
      expect(() => loadPublisherConfig(env)).toThrow(
        'Invalid configuration, check these environment variables: EVENT_BUS_NAME',
      );
    }
  });
});
