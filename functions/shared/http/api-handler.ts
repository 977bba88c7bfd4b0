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
import { apiKeyAuthentication, contractResponses, jsonBody, jsonResponse } from './middlewares';
import type { RequestContext } from './request-log';
import { type ProxyHandler, withinTimeBudget } from './time-budget-wrapper';

export interface RouteRequest<Body> {
  body: Body;
  pathParameters: Record<string, string | undefined>;
  principal: Principal;
  services: Services;
  /** When the answer is due; the use case passes it to what it calls. */
  deadline: Deadline;
}

export type RouteAction<Body> = (request: RouteRequest<Body>) => Promise<unknown>;

export interface ApiHandlerOptions {
  services?: () => Services;
  /** The invocation's time budget; tests shorten it. */
  budget?: TimeBudget;
}

export interface Operation<Schema extends z.ZodType> {
  /** The rate-limit budget the operation counts against (200 a minute per account each). */
  rateLimitBudget: string;
  bodySchema: Schema;
  action: RouteAction<z.infer<Schema>>;
}

/**
 * The middy chain every route shares, inside the invocation's time budget: header normalization,
 * contract-shaped responses and errors, API-key authentication, JSON parsing, then the route's zod
 * schema and its one domain call. middy's own early timeout stays off: it would cover the handler
 * only, while the time budget covers the whole chain.
 */
export function apiHandler<Schema extends z.ZodType>(
  { rateLimitBudget, bodySchema, action }: Operation<Schema>,
  options: ApiHandlerOptions = {},
): ProxyHandler {
  const services = options.services ?? servicesFromEnvironment;
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext>({
    timeoutEarlyInMillis: 0,
  })
    .use(httpHeaderNormalizer())
    .use(contractResponses())
    .use(apiKeyAuthentication(services, rateLimitBudget))
    .use(bodySizeLimit())
    .use(jsonBody())
    .handler(async (event, context) => {
      const deadline = currentDeadline();
      if (!context.principal) throw new Error('authentication middleware did not run');
      if (!deadline) throw new Error('the handler runs outside its time budget');
      const result = await action({
        body: parseOrBadRequest(bodySchema, event.body),
        pathParameters: event.pathParameters ?? {},
        principal: context.principal,
        services: services(),
        deadline,
      });
      return jsonResponse(200, result);
    });
  return withinTimeBudget(chain, options.budget ?? TIME_BUDGET);
}
