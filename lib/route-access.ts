import { ROUTES } from '../functions/routes';
import { KEY_PREFIXES, type KeyPrefix } from '../functions/shared/repository/table-keys';

export type RouteId = (typeof ROUTES)[number]['id'];

type ItemAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:UpdateItem';

/** Item actions on the service table, limited to items whose partition key starts with a prefix. */
export interface TableGrant {
  actions: readonly ItemAction[];
  keyPrefixes: readonly KeyPrefix[];
}

/** What one route's function may do, and nothing more. */
export interface RouteAccess {
  /** No index, scan or batch access: every access is a key lookup. */
  table: readonly TableGrant[];
  /** Only a function that redeems codes at the token endpoint needs the Quartz client secrets. */
  readsQuartzClientSecrets: boolean;
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
};

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
