import path from 'node:path';
import type { RouteDefinition } from '../../functions/shared/http/route-definition';

/**
 * The floor of a route: the least DynamoDB work that could answer it, done by a bare handler (the
 * document client and its commands, bundled like the routes). A write route's floor is one
 * PutItem; a read route's is its own first read, one GetItem, or one Query where it lists.
 * Authorize's is the exactly-once sequence of docs/performance-authorize-floor.md, with the same
 * bank round trips as the route.
 */
export const FLOOR_KINDS = ['put', 'get', 'query', 'authorize'] as const;
export type FloorKind = (typeof FLOOR_KINDS)[number];
/** The floors that replay one read of the route's own. */
export type ReadFloorKind = Extract<FloorKind, 'get' | 'query'>;

/** The DynamoDB operation each read floor makes. */
export const FLOOR_OPERATION: Record<ReadFloorKind, string> = { get: 'GetItem', query: 'Query' };

/** The source of each bare handler. */
export const BARE_HANDLER_SOURCES: Record<FloorKind, string> = {
  put: path.join(__dirname, 'bare-handlers', 'put.ts'),
  get: path.join(__dirname, 'bare-handlers', 'get.ts'),
  query: path.join(__dirname, 'bare-handlers', 'query.ts'),
  authorize: path.join(__dirname, 'bare-handlers', 'authorize.ts'),
};

/**
 * From the route table: what a route does decides its floor (a read route that queries lists);
 * the connection's authorize has a floor of its own.
 */
export function floorOf(route: Pick<RouteDefinition, 'method' | 'table'>, authorizes: boolean): FloorKind {
  if (authorizes) return 'authorize';
  if (route.method !== 'GET') return 'put';
  return route.table.query?.length ? 'query' : 'get';
}
