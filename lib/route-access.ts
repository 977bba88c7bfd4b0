import { ROUTES } from '../functions/routes';

export type RouteId = (typeof ROUTES)[number]['id'];

/** What one route's function may do, and nothing more. */
export interface RouteAccess {
  /** DynamoDB actions on the service table (no index access: every read is a key lookup). */
  tableActions: readonly `dynamodb:${string}`[];
  /** Only a function that redeems codes at the token endpoint needs the Quartz client secrets. */
  readsQuartzClientSecrets: boolean;
}

/**
 * Least privilege per route, from the DynamoDB commands its code path sends. Kept beside the route
 * table rather than in it, because functions/ knows nothing of IAM.
 */
export const ROUTE_ACCESS: Readonly<Record<RouteId, RouteAccess>> = {
  // API key and bank account lookups, the account's rate-limit counter (a conditional update), then
  // one conditional put of the new intent. Building the authorization URL needs only the client id.
  CreateIntent: {
    tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    readsQuartzClientSecrets: false,
  },
  // Claim and finish the intent (conditional updates), put the connected bank accounts and their
  // uniqueness items, mark a bank account's payment consent.
  AuthorizeIntent: {
    tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
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
