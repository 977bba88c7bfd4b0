import { ROUTES } from '../functions/routes';
import {
  ACCOUNT_TIMELINE_INDEX,
  KEY_PREFIXES,
  type KeyPrefix,
} from '../functions/shared/repository/table-keys';

export type RouteId = (typeof ROUTES)[number]['id'];

type TableAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem' | 'dynamodb:Query';

/**
 * Actions on the service table, or on one of its indexes, limited to the partitions whose key starts
 * with a prefix (on an index, its own partition key: the account).
 */
export interface TableGrant {
  actions: readonly TableAction[];
  keyPrefixes: readonly KeyPrefix[];
  /** The index the actions are for; absent for the table itself. */
  index?: string;
}

/** What one route's function may do, and nothing more. */
export interface RouteAccess {
  /** No scan or batch access: every access is a key lookup or a query within one partition. */
  table: readonly TableGrant[];
  /** Only a function that redeems codes at the token endpoint needs the Quartz client secrets. */
  readsQuartzClientSecrets: boolean;
  /** Only a function that answers by page needs the secret page keys are signed with. */
  signsPageKeys?: boolean;
}

const { intent, bankAccount, account, apiKey, rateLimit, idempotency } = KEY_PREFIXES;

/**
 * Least privilege per route, from the DynamoDB commands its code path sends and the kinds of item
 * they touch. Kept beside the route table rather than in it, because functions/ knows nothing of IAM.
 */
export const ROUTE_ACCESS: Readonly<Record<RouteId, RouteAccess>> = {
  // Reads the API key and a payment's bank account, counts the request, puts the new intent.
  // With an idempotency key: reads, claims and completes its record, and reads the intent bound to
  // it. Building the authorization URL needs only the client id, not the secret.
  CreateIntent: {
    table: [
      { actions: ['dynamodb:GetItem'], keyPrefixes: [apiKey, bankAccount, intent, idempotency] },
      { actions: ['dynamodb:PutItem'], keyPrefixes: [intent, idempotency] },
      { actions: ['dynamodb:UpdateItem'], keyPrefixes: [rateLimit, idempotency] },
    ],
    readsQuartzClientSecrets: false,
  },
  // Reads the API key and the intent, counts the request, claims/saves/finishes the intent, puts the
  // connected bank accounts and their number items (under the account), marks a payment consent.
  AuthorizeIntent: {
    table: [
      { actions: ['dynamodb:GetItem'], keyPrefixes: [apiKey, intent, bankAccount, account] },
      { actions: ['dynamodb:PutItem'], keyPrefixes: [bankAccount, account] },
      { actions: ['dynamodb:UpdateItem'], keyPrefixes: [intent, bankAccount, rateLimit] },
    ],
    readsQuartzClientSecrets: true,
  },
  // Reads the API key and the intent, counts the request.
  GetIntent: {
    table: [
      { actions: ['dynamodb:GetItem'], keyPrefixes: [apiKey, intent] },
      { actions: ['dynamodb:UpdateItem'], keyPrefixes: [rateLimit] },
    ],
    readsQuartzClientSecrets: false,
  },
  // Reads the API key, counts the request, queries the account's partition of the index of intents
  // (which holds intents only), and signs the next page's key.
  ListIntents: {
    table: [
      { actions: ['dynamodb:GetItem'], keyPrefixes: [apiKey] },
      { actions: ['dynamodb:UpdateItem'], keyPrefixes: [rateLimit] },
      { actions: ['dynamodb:Query'], keyPrefixes: [account], index: ACCOUNT_TIMELINE_INDEX.indexName },
    ],
    readsQuartzClientSecrets: false,
    signsPageKeys: true,
  },
  // Reads the API key and the bank account, counts the request.
  GetBankAccount: {
    table: [
      { actions: ['dynamodb:GetItem'], keyPrefixes: [apiKey, bankAccount] },
      { actions: ['dynamodb:UpdateItem'], keyPrefixes: [rateLimit] },
    ],
    readsQuartzClientSecrets: false,
  },
  // Reads the API key, counts the request, queries the account's partition for its bank account
  // number items, then reads each bank account.
  ListBankAccounts: {
    table: [
      { actions: ['dynamodb:GetItem'], keyPrefixes: [apiKey, bankAccount] },
      { actions: ['dynamodb:UpdateItem'], keyPrefixes: [rateLimit] },
      { actions: ['dynamodb:Query'], keyPrefixes: [account] },
    ],
    readsQuartzClientSecrets: false,
  },
};

/** The ARN a grant is for: the table's, or its index's (`<table ARN>/index/<name>`). */
export const grantResourceArn = (tableArn: string, grant: TableGrant): string =>
  grant.index ? `${tableArn}/index/${grant.index}` : tableArn;

/**
 * The access of one route; fails synth for a route added to the route table without deciding its
 * permissions here, and for an entry whose route no longer exists.
 */
export function routeAccess(routeId: string): RouteAccess {
  const routeIds = new Set<string>(ROUTES.map((route) => route.id));
  const stale = Object.keys(ROUTE_ACCESS).filter((id) => !routeIds.has(id));
  if (stale.length > 0) {
    throw new Error(
      `lib/route-access.ts names routes that functions/routes.ts no longer has: ${stale.join(', ')}`,
    );
  }
  if (!Object.hasOwn(ROUTE_ACCESS, routeId)) {
    throw new Error(
      `Route ${routeId} has no entry in lib/route-access.ts: give it its least-privilege access`,
    );
  }
  return ROUTE_ACCESS[routeId as RouteId];
}
