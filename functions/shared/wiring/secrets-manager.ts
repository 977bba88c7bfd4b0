import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretSource } from '../config';
import { DeadlineHttpHandler } from '../deadline-http-handler';
import { traced } from '../observability/tracer';
import { type CachedSecret, cachedSecret } from '../secrets';

let processClient: SecretsManagerClient | undefined;

/** The process's one Secrets Manager client, built on first use. */
export function secretsManager(): SecretsManagerClient {
  processClient ??= traced(new SecretsManagerClient({ requestHandler: new DeadlineHttpHandler() }));
  return processClient;
}

/**
 * A secret read once per process (secrets.ts); where it lives in Secrets Manager the read starts
 * now, during the cold start, rather than inside the first request that needs it. A failed read is
 * not kept, so that request reads again.
 */
export function secretReadAtColdStart(source: SecretSource, name?: string): CachedSecret {
  const secret = cachedSecret(source, secretsManager, name);
  if (source && 'secretArn' in source) secret().catch(() => undefined);
  return secret;
}
