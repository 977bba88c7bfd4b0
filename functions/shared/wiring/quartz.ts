import { loadQuartzConfig, type QuartzConfig } from '../config';
import { QuartzClient, type QuartzFetch } from '../provider/quartz-client';
import { QuartzProvider } from '../provider/quartz-provider';
import { cachedSecret } from '../secrets';
import { secretReadAtColdStart, secretsManager } from './secrets-manager';

export interface QuartzClients {
  live: QuartzClient;
  test: QuartzClient;
}

export interface QuartzClientOptions {
  fetch?: QuartzFetch;
  /**
   * Whether a client secret held in Secrets Manager is read during the cold start. Authorize sends
   * the secret on every success, so it reads it then; create sends it only to start a decoupled
   * authorization, so it reads it on the first one rather than on every cold start.
   */
  readSecretsAtColdStart: boolean;
}

/**
 * The clients of both Quartz configurations. A client secret is read once per process, and read
 * again after the bank refuses it (a rotation).
 */
export function quartzClients(
  config: { live: QuartzConfig; test: QuartzConfig },
  options: QuartzClientOptions,
): QuartzClients {
  const client = (settings: QuartzConfig) => {
    const clientSecret = options.readSecretsAtColdStart
      ? secretReadAtColdStart(settings.clientSecret)
      : cachedSecret(settings.clientSecret, secretsManager);
    return new QuartzClient({
      issuer: settings.issuer,
      clientId: settings.clientId,
      redirectUri: settings.redirectUri,
      clientSecret,
      onClientAuthenticationFailure: clientSecret.reset,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
  };
  return { live: client(config.live), test: client(config.test) };
}

/**
 * The bank, from the function's Quartz variables, with the discovery of both configurations started
 * now: in Lambda that is the init phase (see servicesOfProcess), so the first request finds the
 * endpoints known or on their way instead of fetching them on its own clock.
 */
export function quartzProviderDiscovering(
  env: NodeJS.ProcessEnv,
  options: QuartzClientOptions,
): QuartzProvider {
  const quartz = quartzClients(loadQuartzConfig(env), options);
  quartz.live.startDiscovery();
  quartz.test.startDiscovery();
  return new QuartzProvider(quartz);
}
