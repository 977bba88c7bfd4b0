import * as z from 'zod';

/** One Quartz client registration (live or sandbox): the issuer (endpoints come from its discovery
 * document), the client id, and the redirect URI registered with Quartz, compared exactly. */
// A deployed function talks to Quartz over the internet: only https is acceptable there.
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an absolute https URL' });
const clientSettingsSchema = z.strictObject({
  issuer: httpsUrl,
  clientId: z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' }),
  redirectUri: httpsUrl,
});
const settingsSchema = z.strictObject({ live: clientSettingsSchema, test: clientSettingsSchema });

export type QuartzClientSettings = z.infer<typeof clientSettingsSchema>;
export type QuartzSettings = z.infer<typeof settingsSchema>;

/**
 * Used when there is no `quartz` context at all, so that `cdk synth` works offline. They name no real provider: a deployment sets its own, e.g. in cdk.context.json or
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

/**
 * Reads the `quartz` context value: an object from cdk.json / cdk.context.json, or a JSON string from
 * `-c quartz=…` on the command line. With no context at all the placeholders apply (offline synth);
 * a context that is given must be complete, so a typo never deploys a placeholder.
 */
export function quartzSettingsFromContext(context: unknown): QuartzSettings {
  if (context === undefined) return PLACEHOLDER_QUARTZ_SETTINGS;
  const value = typeof context === 'string' ? parseJson(context) : context;
  const parsed = settingsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = ['quartz', ...(issue?.path ?? []).map(String)].join('.');
  const problem =
    issue?.code === 'unrecognized_keys'
      ? `has unknown settings: ${issue.keys.join(', ')}`
      : issue?.code === 'invalid_type' && issue.expected === 'object'
        ? 'must be an object with issuer, clientId and redirectUri'
        : (issue?.message ?? 'is invalid');
  throw new Error(`${where} ${problem}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error('The quartz context given on the command line is not valid JSON');
  }
}
