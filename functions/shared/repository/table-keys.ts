/**
 * One table, generic `pk`/`sk` keys with typed prefixes: every access is a key lookup, or a key-range
 * query within one partition (an account's Bank Accounts, an account's intents through the index).
 */
export interface TableKey {
  pk: string;
  sk: string;
}

/**
 * The partition key prefixes, one per kind of item. IAM grants are scoped by them
 * (`dynamodb:LeadingKeys`), so a function can only touch the kinds of item it works with.
 */
export const KEY_PREFIXES = {
  intent: 'INTENT#',
  bankAccount: 'BANK_ACCOUNT#',
  account: 'ACCOUNT#',
  apiKey: 'API_KEY#',
  rateLimit: 'RATE_LIMIT#',
  idempotency: 'IDEMPOTENCY#',
} as const;
export type KeyPrefix = (typeof KEY_PREFIXES)[keyof typeof KEY_PREFIXES];

export const intentKey = (id: string): TableKey => ({ pk: `${KEY_PREFIXES.intent}${id}`, sk: 'INTENT' });

export const bankAccountKey = (id: string): TableKey => ({
  pk: `${KEY_PREFIXES.bankAccount}${id}`,
  sk: 'BANK_ACCOUNT',
});

export const BANK_ACCOUNT_NUMBER_SORT_PREFIX = 'BANK_ACCOUNT_NUMBER#';

/** Uniqueness of a bank account number within an account and liveness; holds the bank account id. */
export const bankAccountNumberKey = (accountId: string, test: boolean, accountNumber: string): TableKey => ({
  pk: `${KEY_PREFIXES.account}${accountId}`,
  sk: `${BANK_ACCOUNT_NUMBER_SORT_PREFIX}${test ? 'test' : 'live'}#${accountNumber}`,
});

export const apiKeyKey = (secretHash: string): TableKey => ({
  pk: `${KEY_PREFIXES.apiKey}${secretHash}`,
  sk: 'API_KEY',
});

export const API_KEY_NAME_SORT_PREFIX = 'API_KEY_NAME#';

/** Uniqueness of an API key name within an account; holds the key's secret hash. */
export const apiKeyNameKey = (accountId: string, name: string): TableKey => ({
  pk: `${KEY_PREFIXES.account}${accountId}`,
  sk: `${API_KEY_NAME_SORT_PREFIX}${name}`,
});

/** One counter per account, budget (operation) and minute window. */
export const rateLimitKey = (accountId: string, budget: string, windowStart: number): TableKey => ({
  pk: `${KEY_PREFIXES.rateLimit}${accountId}#${budget}`,
  sk: `WINDOW#${windowStart}`,
});

/**
 * One record per idempotency key of create, under the account it is scoped to. The sort key holds
 * the client's key as sent (printable ASCII, at most 255 characters).
 */
export const idempotencyRecordKey = (accountId: string, key: string): TableKey => ({
  pk: `${KEY_PREFIXES.idempotency}${accountId}`,
  sk: `KEY#${key}`,
});

/** Epoch seconds after which DynamoDB may delete an item (rate-limit counters, idempotency records). */
export const TIME_TO_LIVE_ATTRIBUTE = 'ttl';

/**
 * The one global secondary index: an account's items in time order. Only intents carry its keys
 * (a sparse index), `gsi1pk` the account and `gsi1sk` `INTENT#<createdAt>#<id>`, so a query on one
 * account's partition reads its intents newest first with `ScanIndexForward: false`; ISO 8601
 * timestamps with milliseconds sort as text, and the id breaks ties within a millisecond.
 */
export const ACCOUNT_TIMELINE_INDEX = {
  indexName: 'gsi1',
  partitionKey: 'gsi1pk',
  sortKey: 'gsi1sk',
} as const;

export const INTENT_TIMELINE_PREFIX = 'INTENT#';

/** The index keys an intent is written with, so that it is listed under its account. */
export const intentTimelineKey = (intent: { accountId: string; createdAt: string; id: string }) => ({
  [ACCOUNT_TIMELINE_INDEX.partitionKey]: accountTimelinePartition(intent.accountId),
  [ACCOUNT_TIMELINE_INDEX.sortKey]: `${INTENT_TIMELINE_PREFIX}${intent.createdAt}#${intent.id}`,
});

/** Under the account prefix, so an IAM grant on the index is scoped like one on the account's items. */
export const accountTimelinePartition = (accountId: string): string => `${KEY_PREFIXES.account}${accountId}`;

/** Drops the table's own attributes before an item is parsed into a domain model. */
export function withoutTableAttributes(item: Record<string, unknown>): Record<string, unknown> {
  const {
    pk: _pk,
    sk: _sk,
    entity: _entity,
    [ACCOUNT_TIMELINE_INDEX.partitionKey]: _gsi1pk,
    [ACCOUNT_TIMELINE_INDEX.sortKey]: _gsi1sk,
    ...rest
  } = item;
  return rest;
}

/** The table's key attributes, shared by the CDK stack and the local stack so they cannot drift. */
export const TABLE_KEY_SCHEMA = { partitionKey: 'pk', sortKey: 'sk' } as const;
