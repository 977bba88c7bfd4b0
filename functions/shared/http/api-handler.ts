import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from 'zod';
import type { Deadline } from '../domain/deadline';
import type { Principal } from '../domain/principal';
import { parseOrBadRequest } from '../domain/validation';
import { currentDeadline } from '../invocation-scope';
import { type Services, servicesFromEnvironment } from '../services';
import { TIME_BUDGET, type TimeBudget } from '../time-budget';
import { bodySizeLimit } from './body-limit';
import { apiKeyAuthentication, contractResponses, jsonBody, jsonResponse, noBody } from './middlewares';
import { queryParameters } from './query-parameters';
import type { RequestContext } from './request-log';
import { type ProxyHandler, withinTimeBudget } from './time-budget-wrapper';

export interface RouteRequest<Body, Query = undefined> {
  body: Body;
  /** The parsed query string; undefined for operations that take a body (they ignore it). */
  query: Query;
  pathParameters: Record<string, string | undefined>;
  principal: Principal;
  services: Services;
  /** When the answer is due; the use case passes it to what it calls. */
  deadline: Deadline;
}

export type RouteAction<Body, Query = undefined> = (request: RouteRequest<Body, Query>) => Promise<unknown>;

export interface ApiHandlerOptions {
  services?: () => Services;
  /** The invocation's time budget; tests shorten it. */
  budget?: TimeBudget;
}

interface OperationBase {
  /** The rate-limit budget the operation counts against (200 a minute per account each). */
  rateLimitBudget: string;
  /** The zod schema of the operation's answer: every answer is parsed through it before it leaves. */
  responseSchema: z.ZodType;
}

/** An operation that takes a JSON body (the POST routes); its query string is not read. */
export interface BodyOperation<Body> extends OperationBase {
  bodySchema: z.ZodType<Body>;
  action: RouteAction<Body>;
}

/**
 * An operation that takes no body (the GET routes): a body is refused, and the query string is
 * parsed by its strict schema, so an unknown parameter is a 400 naming it.
 */
export interface QueryOperation<Query> extends OperationBase {
  querySchema: z.ZodType<Query>;
  action: RouteAction<undefined, Query>;
}

/**
 * The middy chain every route shares, inside the invocation's time budget: header normalization,
 * contract-shaped responses and errors, API-key authentication, the body (JSON, or none), then the
 * route's zod schemas, its one domain call, and its answer's schema. middy's own early timeout stays
 * off: it would cover the handler only, while the time budget covers the whole chain.
 */
export function apiHandler<Body>(operation: BodyOperation<Body>, options?: ApiHandlerOptions): ProxyHandler;
export function apiHandler<Query>(
  operation: QueryOperation<Query>,
  options?: ApiHandlerOptions,
): ProxyHandler;
export function apiHandler<Body, Query>(
  operation: BodyOperation<Body> | QueryOperation<Query>,
  options: ApiHandlerOptions = {},
): ProxyHandler {
  const services = options.services ?? servicesFromEnvironment;
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext>({
    timeoutEarlyInMillis: 0,
  })
    .use(httpHeaderNormalizer())
    .use(contractResponses())
    .use(apiKeyAuthentication(services, operation.rateLimitBudget))
    .use(bodySizeLimit())
    .use('bodySchema' in operation ? jsonBody() : noBody())
    .handler(async (event, context) => {
      const deadline = currentDeadline();
      if (!context.principal) throw new Error('authentication middleware did not run');
      if (!deadline) throw new Error('the handler runs outside its time budget');
      const shared = {
        pathParameters: event.pathParameters ?? {},
        principal: context.principal,
        services: services(),
        deadline,
      };
      const result =
        'bodySchema' in operation
          ? await operation.action({
              ...shared,
              body: parseOrBadRequest(operation.bodySchema, event.body),
              query: undefined,
            })
          : await operation.action({
              ...shared,
              body: undefined,
              query: parseOrBadRequest(operation.querySchema, queryParameters(event)),
            });
      // An answer that does not fit its schema is our bug: a 500 that shows nothing of it.
      return jsonResponse(200, operation.responseSchema.parse(result));
    });
  return withinTimeBudget(chain, options.budget ?? TIME_BUDGET);
}
