import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { timestamp } from './clock';
import { sha256Hex } from './hashing';
import type { ApiKeyStore } from './ports';
import { type ApiKey, type ApiKeyRole, apiKeySchema } from './schemas';

/**
 * Creates an API key for an account. The secret is returned once and only its SHA-256 is stored;
 * a lost secret can only be replaced by a new key.
 */
export async function issueApiKey(
  deps: { apiKeys: ApiKeyStore; clock: Clock },
  request: { accountId: string; name: string; role: ApiKeyRole; createdBy: string },
): Promise<{ secret: string; key: ApiKey }> {
  const secret = randomBytes(32).toString('base64url');
  const key = apiKeySchema.parse({
    accountId: request.accountId,
    name: request.name,
    role: request.role,
    enabled: true,
    secretHash: sha256Hex(secret),
    createdAt: timestamp(deps.clock),
    createdBy: request.createdBy,
  });
  await deps.apiKeys.create(key);
  return { secret, key };
}
