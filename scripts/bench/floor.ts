import path from 'node:path';
import type { RouteDefinition } from '../../functions/shared/http/route-definition';

/**
 * The floor of a route: the least DynamoDB work that could answer it, done by a bare handler (the
 * document client and one command, bundled like the routes). A write route's floor is one
 * PutItem; a read route's is its own first read, one GetItem, or one Query where it lists.
 */
export const FLOOR_KINDS = ['put', 'get', 'query'] as const;
export type FloorKind = (typeof FLOOR_KINDS)[number];

/** The DynamoDB operation each floor makes. */
export const FLOOR_OPERATION: Record<FloorKind, string> = { put: 'PutItem', get: 'GetItem', query: 'Query' };

/** The source of each bare handler. */
export const BARE_HANDLER_SOURCES: Record<FloorKind, string> = {
  put: path.join(__dirname, 'bare-handlers', 'put.ts'),
  get: path.join(__dirname, 'bare-handlers', 'get.ts'),
  query: path.join(__dirname, 'bare-handlers', 'query.ts'),
};

/** From the route table: what a route does decides its floor (a read route that queries lists). */
export function floorOf(route: Pick<RouteDefinition, 'method' | 'table'>): FloorKind {
  if (route.method !== 'GET') return 'put';
  return route.table.query?.length ? 'query' : 'get';
}
