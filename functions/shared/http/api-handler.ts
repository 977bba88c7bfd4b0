import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type * as z from 'zod';
import type { Principal } from '../domain/principal';
import { parseOrBadRequest } from '../domain/validation';
import { type Services, servicesFromEnvironment } from '../services';
import {
  type ApiContext,
  apiKeyAuthentication,
  contractResponses,
  jsonBody,
  jsonResponse,
} from './middlewares';

export interface RouteRequest<Body> {
  body: Body;
  pathParameters: Record<string, string | undefined>;
  principal: Principal;
  services: Services;
}

export type RouteAction<Body> = (request: RouteRequest<Body>) => Promise<unknown>;

export interface ApiHandlerOptions {
  services?: () => Services;
  /** middy answers a timeout error this long before Lambda would kill the invocation. */
  timeoutEarlyInMillis?: number;
}

/**
 * The middy chain every route shares: header normalization, contract-shaped responses and errors,
 * API-key authentication, JSON parsing, then the route's zod schema and its one domain call.
 */
export interface Operation<Schema extends z.ZodType> {
  /** The rate-limit budget the operation counts against (200 a minute per account each). */
  rateLimitBudget: string;
  bodySchema: Schema;
  action: RouteAction<z.infer<Schema>>;
}

export function apiHandler<Schema extends z.ZodType>(
  { rateLimitBudget, bodySchema, action }: Operation<Schema>,
  options: ApiHandlerOptions = {},
) {
  const services = options.services ?? servicesFromEnvironment;
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, ApiContext>({
    timeoutEarlyInMillis: options.timeoutEarlyInMillis ?? 500,
  })
    .use(httpHeaderNormalizer())
    .use(contractResponses())
    .use(apiKeyAuthentication(services, rateLimitBudget))
    .use(jsonBody())
    .handler(async (event, context) => {
      if (!context.principal) throw new Error('authentication middleware did not run');
      const result = await action({
        body: parseOrBadRequest(bodySchema, event.body),
        pathParameters: event.pathParameters ?? {},
        principal: context.principal,
        services: services(),
      });
      return jsonResponse(200, result);
    });
}
