import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';
import { timestamp } from './clock';
import { sha256Hex } from './hashing';
import type { ApiKeyAdminStore, ApiKeyStore } from './ports';
import { type ApiKey, type ApiKeyRole, apiKeySchema } from './schemas';

/** A new API key secret: 256 random bits, URL-safe. Only its SHA-256 is ever stored. */
const newSecret = (): string => randomBytes(32).toString('base64url');

/**
 * Creates an API key for an account. The secret is returned once and only its SHA-256 is stored;
 * a lost secret can only be replaced (rotated).
 */
export async function issueApiKey(
  deps: { apiKeys: ApiKeyStore; clock: Clock },
  request: { accountId: string; name: string; role: ApiKeyRole; createdBy: string },
): Promise<{ secret: string; key: ApiKey }> {
  const secret = newSecret();
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

export class ApiKeyNotFoundError extends Error {
  constructor(
    readonly accountId: string,
    readonly keyName: string,
  ) {
    super(`Account ${accountId} has no API key named "${keyName}".`);
    this.name = 'ApiKeyNotFoundError';
  }
}

interface AdminDeps {
  apiKeys: ApiKeyAdminStore;
  clock: Clock;
}

async function existingKey(deps: AdminDeps, accountId: string, name: string): Promise<ApiKey> {
  const key = await deps.apiKeys.findByName(accountId, name);
  if (!key) throw new ApiKeyNotFoundError(accountId, name);
  return key;
}

/** Disables a key: requests with its secret answer 401 from then on. Disabling twice is harmless. */
export async function disableApiKey(
  deps: AdminDeps,
  request: { accountId: string; name: string; updatedBy: string },
): Promise<ApiKey> {
  const key = await existingKey(deps, request.accountId, request.name);
  await deps.apiKeys.setEnabled(key, false, timestamp(deps.clock), request.updatedBy);
  return { ...key, enabled: false };
}

/**
 * Replaces a key's secret: the name, role and account stay, the old secret stops working and the new
 * one is returned once.
 */
export async function rotateApiKey(
  deps: AdminDeps,
  request: { accountId: string; name: string; updatedBy: string },
): Promise<{ secret: string; key: ApiKey }> {
  const current = await existingKey(deps, request.accountId, request.name);
  const secret = newSecret();
  const key = apiKeySchema.parse({
    ...current,
    enabled: true,
    secretHash: sha256Hex(secret),
    createdAt: timestamp(deps.clock),
    createdBy: request.updatedBy,
  });
  await deps.apiKeys.replace(current, key);
  return { secret, key };
}
