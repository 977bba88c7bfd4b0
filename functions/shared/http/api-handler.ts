import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { Deadline } from '../domain/deadline';
import type { Principal } from '../domain/principal';
import { parseOrBadRequest } from '../domain/validation';
import { currentDeadline } from '../invocation-scope';
import type { Services } from '../services';
import { TIME_BUDGET, type TimeBudget } from '../time-budget';
import { bodySizeLimit } from './body-limit';
import {
  apiKeyAuthentication,
  type ChainServices,
  contractResponses,
  jsonBody,
  jsonResponse,
  noBody,
} from './middlewares';
import { queryParameters } from './query-parameters';
import type { RequestContext } from './request-log';
import type { BodyOf, PathParametersOf, QueryOf, RouteDefinition } from './route-definition';
import { type ProxyHandler, withinTimeBudget } from './time-budget-wrapper';

/**
 * `S` is what the route's function is wired with (functions/<route>/services.ts): its own clients
 * and nothing more, so that its bundle holds only those. It defaults to every service (`Services`),
 * which tests build whole and hand to any route.
 */
export interface RouteRequest<R extends RouteDefinition, S extends ChainServices = Services> {
  /** The parsed body; undefined for a route that takes none (a GET). */
  body: BodyOf<R>;
  /** The parsed query string; undefined for a route that does not read it (the POSTs). */
  query: QueryOf<R>;
  /** Each of the route's path parameters, as API Gateway decoded it ('' if it gave none). */
  pathParameters: PathParametersOf<R>;
  principal: Principal;
  services: S;
  /** When the answer is due; the use case passes it to what it calls. */
  deadline: Deadline;
}

export type RouteAction<R extends RouteDefinition, S extends ChainServices = Services> = (
  request: RouteRequest<R, S>,
) => Promise<unknown>;

export interface ApiHandlerOptions<S extends ChainServices = Services> {
  /** In place of the function's own services (tests). */
  services?: () => S;
  /** The invocation's time budget; tests shorten it. */
  budget?: TimeBudget;
}

/**
 * The middy chain every route shares, inside the invocation's time budget, configured by the route's
 * entry and run with its function's own services (`processServices`, built from the environment):
 * header normalization, contract-shaped responses and errors, API-key authentication with the
 * route's roles and rate-limit budget, the body (JSON, or none), then the route's zod schemas, its one
 * domain call, and its answer's schema. middy's own early timeout stays off: it would cover the
 * handler only, while the time budget covers the whole chain.
 */
export function apiHandler<R extends RouteDefinition, S extends ChainServices>(
  route: R,
  action: RouteAction<R, S>,
  processServices: () => S,
  options: ApiHandlerOptions<S> = {},
): ProxyHandler {
  const services = options.services ?? processServices;
  const { body: bodySchema, query: querySchema, path: pathSchema } = route.request;
  const pathNames = Object.keys(pathSchema.shape);
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext>({
    timeoutEarlyInMillis: 0,
  })
    .use(httpHeaderNormalizer())
    .use(contractResponses())
    .use(apiKeyAuthentication(services, route))
    .use(bodySizeLimit())
    .use(bodySchema ? jsonBody() : noBody())
    .handler(async (event, context) => {
      const deadline = currentDeadline();
      if (!context.principal) throw new Error('authentication middleware did not run');
      if (!deadline) throw new Error('the handler runs outside its time budget');
      // API Gateway always fills the route's parameters; an event without them names no resource.
      const given = event.pathParameters ?? {};
      const pathParameters = Object.fromEntries(pathNames.map((name) => [name, given[name] ?? '']));
      const result = await action({
        pathParameters: pathParameters as PathParametersOf<R>,
        principal: context.principal,
        services: services(),
        deadline,
        body: (bodySchema ? parseOrBadRequest(bodySchema, event.body) : undefined) as BodyOf<R>,
        query: (querySchema
          ? parseOrBadRequest(querySchema, queryParameters(event))
          : undefined) as QueryOf<R>,
      });
      // An answer that does not fit its schema is our bug: a 500 that shows nothing of it.
      return jsonResponse(200, route.answer.schema.parse(result));
    });
  return withinTimeBudget(chain, options.budget ?? TIME_BUDGET, route.id);
}
