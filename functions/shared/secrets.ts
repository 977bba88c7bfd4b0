import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretSource } from './config';

/**
 * A getter that reads the secret once per process and keeps it; a failed read is not kept,
 * so the next invocation tries again.
 */
export interface CachedSecret {
  (): Promise<string>;
  /** Forgets the value, so the next call reads the secret again (after a rotation). */
  reset(): void;
}

/** `name` says which secret in the errors (a Quartz client secret unless told). */
export function cachedSecret(
  source: SecretSource,
  client: () => SecretsManagerClient,
  name = 'Quartz client secret',
): CachedSecret {
  let value: Promise<string> | undefined;
  const get = () => {
    value ??= read(source, client, name).catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
  return Object.assign(get, {
    reset: () => {
      value = undefined;
    },
  });
}

async function read(source: SecretSource, client: () => SecretsManagerClient, name: string): Promise<string> {
  if (!source) throw new Error(`No ${name} is configured for this function`);
  if ('value' in source) return source.value;
  const { SecretString } = await client().send(new GetSecretValueCommand({ SecretId: source.secretArn }));
  if (!SecretString) throw new Error(`The ${name} is empty`);
  return SecretString;
}
