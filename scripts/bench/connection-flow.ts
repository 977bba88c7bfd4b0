import { ROUTES, type Route, type RouteId } from '../../functions/routes';

/**
 * One completed connection, the unit the cost is counted in: the client creates an intent, posts
 * the code the bank returned, then reads the intent to see what it connected.
 */
export const CONNECTION = {
  create: 'CreateIntent',
  authorize: 'AuthorizeIntent',
  read: 'GetIntent',
} as const satisfies Record<string, RouteId>;

/** The sandbox bank's user who approves and picks all three of her accounts. */
export const APPROVING_USER = 'alice';

/**
 * What a route needs from the bench to answer 200: an account of its own (create), an intent and a
 * code the bank just returned (authorize), or an account whose intents and Bank Accounts exist
 * (every read).
 */
export type Scenario = 'writer' | 'authorize' | 'reader';

export function scenarioOf(route: Route): Scenario {
  if (route.id === CONNECTION.authorize) return 'authorize';
  if (route.method === 'POST' && Object.keys(route.request.path.shape).length === 0) return 'writer';
  return 'reader';
}

export function routeById(id: RouteId): Route {
  const route = ROUTES.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`No route ${id} in the route table`);
  return route;
}
