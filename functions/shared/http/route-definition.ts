import type * as z from 'zod/mini';
import type { ApiKeyRole } from '../domain/schemas';
import type { ItemKind, TableIndex } from '../repository/item-kinds';
import type { ErrorMessage } from './error-answers';

/**
 * What a function does with the table, in the service's terms: the kinds of item it reads by key,
 * puts, updates, and queries (within one partition of the table, or of an index). The stack derives
 * the function's IAM statements from it (lib/route-access.ts). The API key lookup and the rate-limit
 * counter of the shared chain are not listed: they follow from `roles` and `rateLimitBudget`.
 */
export interface TableAccess {
  get?: readonly ItemKind[];
  /** Read by key in batches (BatchGetItem), within the same partitions. */
  batchGet?: readonly ItemKind[];
  put?: readonly ItemKind[];
  update?: readonly ItemKind[];
  query?: readonly { items: ItemKind; index?: TableIndex }[];
}

/** The request's parts, each a zod schema: the one source of validation, types and the OpenAPI document. */
export interface RouteRequestSchemas {
  /** The `{name}` segments of the path, each a string (API Gateway hands them over as such). */
  path: z.ZodMiniObject<Record<string, z.ZodMiniString>>;
  /** Strict: an unknown parameter is a 400 naming it. Absent: the route does not read its query string. */
  query?: z.ZodMiniObject;
  /** The JSON body. Absent: any body is a 400 (a GET). */
  body?: z.ZodMiniType;
}

/**
 * One route: everything the rest of the project derives from it (the stack's function, method and
 * grants, the local API, the SAM event, the OpenAPI document, the tests). One per handler folder,
 * in `functions/<folder>/route.ts`, so a handler's bundle holds its own route's schemas only;
 * functions/routes.ts collects them.
 */
export interface RouteDefinition {
  /** Stable name; the CDK construct id of the route's function is `${id}Function`, its OpenAPI operationId the same. */
  id: string;
  method: 'GET' | 'POST';
  /** API Gateway resource path; `{name}` segments are path parameters. */
  path: string;
  /** Folder under functions/ holding `handler.ts` (exports `handler`) and this `route.ts`. */
  handlerDir: string;
  /** One line for the reference: what the operation does. */
  summary: string;
  /** The rules a schema cannot say (conditional fields, paging, idempotency), in Markdown. */
  description: string;
  /** The rate-limit budget the operation counts against (200 a minute per account each). */
  rateLimitBudget: string;
  /** The API key roles that may call it; any other is a 403 before the budget is spent. */
  roles: readonly ApiKeyRole[];
  /** Its function's access to the table, beyond the shared chain's. */
  table: TableAccess;
  /** Only a function that redeems codes at the token endpoint reads the Quartz client secrets. */
  readsQuartzClientSecrets: boolean;
  /** Only a function that answers by page reads the secret page keys are signed with. */
  signsPageKeys: boolean;
  request: RouteRequestSchemas;
  /** The 200 answer: its body is parsed through `schema` before it leaves. */
  answer: { description: string; schema: z.ZodMiniType };
  /** What a 400 of this route may say, beyond the shared ones (a missing or malformed field). */
  badRequest: string;
  /** Its own error answers (by message), beyond EVERY_ROUTE_ERRORS. */
  errors: readonly ErrorMessage[];
  /**
   * A request that the local stack's demo account can send: the SAM event of the route
   * (`events/<id>.json`) and the OpenAPI document's example are built from it.
   */
  example: {
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
    body?: Record<string, unknown>;
  };
}

/** Keeps a route entry's literal types (its schemas, its id) while checking it is a whole entry. */
export const defineRoute = <const R extends RouteDefinition>(route: R): R => route;

type Parsed<S> = S extends z.ZodMiniType ? z.infer<S> : undefined;

export type BodyOf<R extends RouteDefinition> = Parsed<R['request']['body']>;
export type QueryOf<R extends RouteDefinition> = Parsed<R['request']['query']>;
export type PathParametersOf<R extends RouteDefinition> = z.infer<R['request']['path']>;
