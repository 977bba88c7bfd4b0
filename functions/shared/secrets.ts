import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretSource } from './config';

/**
 * Returns a getter that reads the secret once per process and keeps it; a failed read is not kept,
 * so the next invocation tries again.
 */
export function cachedSecret(
  source: SecretSource,
  client: () => SecretsManagerClient,
): () => Promise<string> {
  let value: Promise<string> | undefined;
  return () => {
    value ??= read(source, client).catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}

async function read(source: SecretSource, client: () => SecretsManagerClient): Promise<string> {
  if (!source) throw new Error('No Quartz client secret is configured for this function');
  if ('value' in source) return source.value;
  const { SecretString } = await client().send(new GetSecretValueCommand({ SecretId: source.secretArn }));
  if (!SecretString) throw new Error('The Quartz client secret is empty');
  return SecretString;
}
