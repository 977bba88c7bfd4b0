import { ACCOUNT_TIMELINE_INDEX, KEY_PREFIXES, type KeyPrefix } from './table-keys';

/**
 * The kinds of item the table holds, in the service's own words, and the partition each lives in.
 * A route says which kinds it reads, writes and queries (functions/<route>/route.ts); the stack turns
 * that into IAM statements limited to those partitions (`dynamodb:LeadingKeys`), so a route's
 * permissions are written once, in the terms its code uses.
 */
export const ITEM_KINDS = {
  intent: { partitionPrefix: KEY_PREFIXES.intent },
  bankAccount: { partitionPrefix: KEY_PREFIXES.bankAccount },
  /** Uniqueness of a bank account number within an account; lists an account's Bank Accounts. */
  bankAccountNumber: { partitionPrefix: KEY_PREFIXES.account },
  apiKey: { partitionPrefix: KEY_PREFIXES.apiKey },
  /** Uniqueness of an API key name within an account. */
  apiKeyName: { partitionPrefix: KEY_PREFIXES.account },
  rateLimitCounter: { partitionPrefix: KEY_PREFIXES.rateLimit },
  idempotencyRecord: { partitionPrefix: KEY_PREFIXES.idempotency },
} as const satisfies Record<string, { partitionPrefix: KeyPrefix }>;
export type ItemKind = keyof typeof ITEM_KINDS;

/**
 * The table's indexes by the service's name for them: the index's own name, the prefix of its
 * partition key (what `dynamodb:LeadingKeys` is matched with on a query of the index), and the kinds
 * of item it holds (a sparse index holds only the items that carry its keys).
 */
export const TABLE_INDEXES = {
  accountTimeline: {
    indexName: ACCOUNT_TIMELINE_INDEX.indexName,
    partitionPrefix: KEY_PREFIXES.account,
    holds: ['intent'],
  },
} as const satisfies Record<string, { indexName: string; partitionPrefix: KeyPrefix; holds: ItemKind[] }>;
export type TableIndex = keyof typeof TABLE_INDEXES;
