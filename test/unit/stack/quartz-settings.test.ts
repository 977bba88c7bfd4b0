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

  it('keeps the placeholder for each value left out', () => {
    const settings = quartzSettingsFromContext({ live: { clientId: 'only-the-id' } });

    expect(settings.live).toEqual({ ...PLACEHOLDER_QUARTZ_SETTINGS.live, clientId: 'only-the-id' });
    expect(settings.test).toEqual(PLACEHOLDER_QUARTZ_SETTINGS.test);
  });

  it('keeps the placeholders absolute URLs, as the functions require', () => {
    for (const settings of Object.values(PLACEHOLDER_QUARTZ_SETTINGS)) {
      expect(URL.canParse(settings.issuer)).toBe(true);
      expect(URL.canParse(settings.redirectUri)).toBe(true);
    }
  });

  it.each([
    ['{"live":', 'not valid JSON'],
    [[], 'must be an object'],
    [{ live: 'https://live.quartz.test' }, 'quartz.live must be an object'],
    [{ test: { issuer: 'sandbox.quartz.test' } }, 'quartz.test.issuer must be an absolute URL'],
    [{ live: { redirectUri: '/callback' } }, 'quartz.live.redirectUri must be an absolute URL'],
    [{ live: { clientId: '' } }, 'quartz.live.clientId must be a non-empty string'],
    [{ test: { clientId: 42 } }, 'quartz.test.clientId must be a non-empty string'],
  ])('fails synth for %j', (context, message) => {
    expect(() => quartzSettingsFromContext(context)).toThrow(message);
  });
});
