/** What the service needs to know about one Quartz client registration (live or sandbox). */
export interface QuartzClientSettings {
  /** Issuer URL; the endpoints come from its discovery document. */
  issuer: string;
  clientId: string;
  /** The redirect URI registered with Quartz for this client, compared exactly. */
  redirectUri: string;
}

export interface QuartzSettings {
  live: QuartzClientSettings;
  test: QuartzClientSettings;
}

/**
 * Used for every value the `quartz` context leaves out, so that `cdk synth` works offline with no
 * context at all. They name no real provider: a deployment sets its own, e.g. in cdk.context.json or
 * `cdk deploy -c 'quartz={"live":{"issuer":"https://…","clientId":"…","redirectUri":"https://…"},"test":{…}}'`.
 */
export const PLACEHOLDER_QUARTZ_SETTINGS: QuartzSettings = {
  live: {
    issuer: 'https://quartz.example.com',
    clientId: 'replace-with-live-client-id',
    redirectUri: 'https://app.example.com/quartz/callback',
  },
  test: {
    issuer: 'https://sandbox.quartz.example.com',
    clientId: 'replace-with-test-client-id',
    redirectUri: 'https://app.example.com/quartz/test-callback',
  },
};

const FIELDS = ['issuer', 'clientId', 'redirectUri'] as const;
const URL_FIELDS = new Set<string>(['issuer', 'redirectUri']);

/**
 * Reads the `quartz` context value: an object from cdk.json / cdk.context.json, or a JSON string from
 * `-c quartz=…` on the command line. Fails synth on a malformed value rather than deploying functions
 * whose configuration check would fail on their first request.
 */
export function quartzSettingsFromContext(context: unknown): QuartzSettings {
  const value = typeof context === 'string' ? parseJson(context) : (context ?? {});
  if (!isRecord(value)) throw new Error('The quartz context must be an object with live and test settings');
  return {
    live: clientSettings(value.live, 'live'),
    test: clientSettings(value.test, 'test'),
  };
}

function clientSettings(value: unknown, environment: keyof QuartzSettings): QuartzClientSettings {
  const given = value ?? {};
  if (!isRecord(given)) throw new Error(`quartz.${environment} must be an object`);
  const settings = { ...PLACEHOLDER_QUARTZ_SETTINGS[environment] };
  for (const field of FIELDS) {
    const fieldValue = given[field];
    if (fieldValue === undefined) continue;
    if (typeof fieldValue !== 'string' || fieldValue.length === 0) {
      throw new Error(`quartz.${environment}.${field} must be a non-empty string`);
    }
    if (URL_FIELDS.has(field) && !URL.canParse(fieldValue)) {
      throw new Error(`quartz.${environment}.${field} must be an absolute URL`);
    }
    settings[field] = fieldValue;
  }
  return settings;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('The quartz context given on the command line is not valid JSON');
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
