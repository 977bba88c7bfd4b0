import type { QuartzConfig } from '../config';
import { QuartzClient, type QuartzFetch } from '../provider/quartz-client';
import { secretReadAtColdStart } from './secrets-manager';

export interface QuartzClients {
  live: QuartzClient;
  test: QuartzClient;
}

/**
 * The clients of both Quartz configurations. A client secret held in Secrets Manager is read now
 * (the cold start) and read again after the bank refuses it (a rotation).
 */
export function quartzClients(
  config: { live: QuartzConfig; test: QuartzConfig },
  overrides: { fetch?: QuartzFetch } = {},
): QuartzClients {
  const client = (settings: QuartzConfig) => {
    const clientSecret = secretReadAtColdStart(settings.clientSecret);
    return new QuartzClient({
      issuer: settings.issuer,
      clientId: settings.clientId,
      redirectUri: settings.redirectUri,
      clientSecret,
      onClientAuthenticationFailure: clientSecret.reset,
      ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
    });
  };
  return { live: client(config.live), test: client(config.test) };
}
