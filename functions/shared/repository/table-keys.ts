import { createHash } from 'node:crypto';

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
 * The first global secondary index: an account's items in time order. Only intents carry its keys
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

/**
 * The second global secondary index: the intents that may still expire, by when (docs/expiry.md).
 * Sparse: an intent carries its keys from create until it is authorized, fails or expires, and the
 * write that ends it removes them, so the index holds only intents that are still `created`. The
 * partition is one of a few shards (`EXPIRING#0`…), chosen by the intent id, so that every create
 * does not write one hot partition of the index; the sort key `<expiresAt>#<id>` orders each shard
 * by expiry (ISO 8601 timestamps of one length sort as text). It projects the keys only: the sweeper
 * needs the id, and its write checks the intent itself.
 */
export const EXPIRY_INDEX = {
  indexName: 'gsi2',
  partitionKey: 'gsi2pk',
  sortKey: 'gsi2sk',
} as const;

/** The prefix of the index's partitions; the sweeper's IAM grant is scoped by it. */
export const EXPIRY_PARTITION_PREFIX = 'EXPIRING#';
export const EXPIRY_SHARDS = 4;

export const expiryPartition = (shard: number): string => `${EXPIRY_PARTITION_PREFIX}${shard}`;

/** The shard of an intent: from a hash of its id, so shards fill evenly whatever the ids look like. */
export const expiryShardOf = (intentId: string): number =>
  (createHash('sha256').update(intentId).digest()[0] ?? 0) % EXPIRY_SHARDS;

/** The index keys an intent is written with while it may still expire. */
export const intentExpiryKey = (intent: { id: string; expiresAt: string }) => ({
  [EXPIRY_INDEX.partitionKey]: expiryPartition(expiryShardOf(intent.id)),
  [EXPIRY_INDEX.sortKey]: `${intent.expiresAt}#${intent.id}`,
});

/**
 * The upper bound of the sort keys of intents due at `now`: every `<expiresAt>#<id>` with
 * `expiresAt <= now` sorts below it (`#` is the character before `$`), every later one above.
 */
export const dueBefore = (now: string): string => `${now}$`;

/** Drops the table's own attributes before an item is parsed into a domain model. */
export function withoutTableAttributes(item: Record<string, unknown>): Record<string, unknown> {
  const {
    pk: _pk,
    sk: _sk,
    entity: _entity,
    [ACCOUNT_TIMELINE_INDEX.partitionKey]: _gsi1pk,
    [ACCOUNT_TIMELINE_INDEX.sortKey]: _gsi1sk,
    [EXPIRY_INDEX.partitionKey]: _gsi2pk,
    [EXPIRY_INDEX.sortKey]: _gsi2sk,
    ...rest
  } = item;
  return rest;
}

/** The intent id of an intent's table key. */
export const intentIdOf = (pk: string): string => pk.slice(KEY_PREFIXES.intent.length);

/** The table's key attributes, shared by the CDK stack and the local stack so they cannot drift. */
export const TABLE_KEY_SCHEMA = { partitionKey: 'pk', sortKey: 'sk' } as const;
