import type { ApiKey, ApiKeyRole } from './schemas';

/** Who is calling: resolved from the API key, never from the request body. */
export interface Principal {
  accountId: string;
  keyName: string;
  role: ApiKeyRole;
  crn: string;
}

export const apiKeyCrn = (accountId: string, keyName: string): string =>
  `crn:${accountId}:api-key:${keyName}`;

export const principalOf = (key: ApiKey): Principal => ({
  accountId: key.accountId,
  keyName: key.name,
  role: key.role,
  crn: apiKeyCrn(key.accountId, key.name),
});
