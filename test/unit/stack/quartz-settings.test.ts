import { PLACEHOLDER_QUARTZ_SETTINGS, quartzSettingsFromContext } from '../../../lib/quartz-settings';

const LIVE = {
  issuer: 'https://live.quartz.test',
  clientId: 'live-client-id',
  redirectUri: 'https://app.test/quartz/callback',
};
const TEST = {
  issuer: 'https://sandbox.quartz.test',
  clientId: 'test-client-id',
  redirectUri: 'https://app.test/quartz/test-callback',
};

describe('quartz settings from CDK context', () => {
  it('falls back to the placeholders when there is no context', () => {
    expect(quartzSettingsFromContext(undefined)).toEqual(PLACEHOLDER_QUARTZ_SETTINGS);
  });

  it('takes an object, as cdk.json or cdk.context.json give it', () => {
    expect(quartzSettingsFromContext({ live: LIVE, test: TEST })).toEqual({ live: LIVE, test: TEST });
  });

  it('takes a JSON string, as `-c quartz=…` gives it', () => {
    expect(quartzSettingsFromContext(JSON.stringify({ live: LIVE, test: TEST }))).toEqual({
      live: LIVE,
      test: TEST,
    });
  });

  it('refuses a partial context rather than deploying placeholders', () => {
    expect(() => quartzSettingsFromContext({ live: { clientId: 'only-the-id' }, test: TEST })).toThrow(
      'quartz.live.issuer must be an absolute https URL',
    );
  });

  it('refuses a misspelt setting', () => {
    expect(() =>
      quartzSettingsFromContext({ live: { ...LIVE, redirectURI: LIVE.redirectUri }, test: TEST }),
    ).toThrow('quartz.live has unknown settings: redirectURI');
  });

  it('keeps the placeholders absolute URLs, as the functions require', () => {
    for (const settings of Object.values(PLACEHOLDER_QUARTZ_SETTINGS)) {
      expect(URL.canParse(settings.issuer)).toBe(true);
      expect(URL.canParse(settings.redirectUri)).toBe(true);
    }
  });

  it.each([
    ['{"live":', 'not valid JSON'],
    [[], 'quartz must be an object with issuer, clientId and redirectUri'],
    [
      { live: 'https://live.quartz.test', test: TEST },
      'quartz.live must be an object with issuer, clientId and redirectUri',
    ],
    [
      { live: LIVE, test: { ...TEST, issuer: 'sandbox.quartz.test' } },
      'quartz.test.issuer must be an absolute https URL',
    ],
    [
      { live: { ...LIVE, redirectUri: '/callback' }, test: TEST },
      'quartz.live.redirectUri must be an absolute https URL',
    ],
    [{ live: { ...LIVE, clientId: '' }, test: TEST }, 'quartz.live.clientId must be a non-empty string'],
    [{ live: LIVE, test: { ...TEST, clientId: 42 } }, 'quartz.test.clientId must be a non-empty string'],
    [{ live: LIVE }, 'quartz.test must be an object with issuer, clientId and redirectUri'],
  ])('fails synth for %j', (context, message) => {
    expect(() => quartzSettingsFromContext(context)).toThrow(message);
  });
});
