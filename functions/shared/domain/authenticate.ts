import { ForbiddenError, UnauthorizedError } from './errors';
import { sha256Hex } from './hashing';
import type { ApiKeyStore } from './ports';
import { type Principal, principalOf } from './principal';

/** Resolves an `X-Api-Key` secret to the calling principal (401 when missing, unknown or disabled). */
export async function authenticateApiKey(store: ApiKeyStore, secret: string | undefined): Promise<Principal> {
  if (!secret) throw UnauthorizedError.missing();
  const key = await store.findBySecretHash(sha256Hex(secret));
  if (!key?.enabled) throw UnauthorizedError.invalid();
  return principalOf(key);
}

/** The roles a route admits (its entry's `roles`); any other key is as without permission (403). */
export function requireRole(principal: Principal, roles: readonly Principal['role'][]): void {
  if (!roles.includes(principal.role)) throw new ForbiddenError('This API key role may not manage intents.');
}

/** Only account owners may create or authorize intents. */
export function requireAccountOwner(principal: Principal): void {
  if (principal.role !== 'account-owner')
    throw new ForbiddenError('This API key role may not manage intents.');
}

/** An operation on an account's own collection: another account's is as missing (403 Forbidden). */
export function requireOwnAccount(principal: Principal, accountId: string): void {
  requireAccountOwner(principal);
  if (accountId !== principal.accountId) throw new ForbiddenError();
}
