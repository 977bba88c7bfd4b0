/**
 * One table, generic `pk`/`sk` keys with typed prefixes: every access is a key lookup.
 * A later GSI (`gsi1pk` = account, `gsi1sk` = createdAt) can list an account's intents.
 */
export interface TableKey {
  pk: string;
  sk: string;
}

export const intentKey = (id: string): TableKey => ({ pk: `INTENT#${id}`, sk: 'INTENT' });

export const bankAccountKey = (id: string): TableKey => ({ pk: `BANK_ACCOUNT#${id}`, sk: 'BANK_ACCOUNT' });

/** Uniqueness of a bank account number within an account and liveness; holds the bank account id. */
export const bankAccountNumberKey = (accountId: string, test: boolean, accountNumber: string): TableKey => ({
  pk: `ACCOUNT#${accountId}`,
  sk: `BANK_ACCOUNT_NUMBER#${test ? 'test' : 'live'}#${accountNumber}`,
});

export const apiKeyKey = (secretHash: string): TableKey => ({ pk: `API_KEY#${secretHash}`, sk: 'API_KEY' });

/** Uniqueness of an API key name within an account. */
export const apiKeyNameKey = (accountId: string, name: string): TableKey => ({
  pk: `ACCOUNT#${accountId}`,
  sk: `API_KEY_NAME#${name}`,
});

/** One counter per account and minute window. */
export const rateLimitKey = (accountId: string, windowStart: number): TableKey => ({
  pk: `RATE_LIMIT#${accountId}`,
  sk: `WINDOW#${windowStart}`,
});

/** Epoch seconds after which DynamoDB may delete an item (used by the rate-limit counters). */
export const TIME_TO_LIVE_ATTRIBUTE = 'ttl';

/** Drops the table's own attributes before an item is parsed into a domain model. */
export function withoutTableAttributes(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest;
}

/** The table's key attributes, shared by the CDK stack and the local stack so they cannot drift. */
export const TABLE_KEY_SCHEMA = { partitionKey: 'pk', sortKey: 'sk' } as const;
