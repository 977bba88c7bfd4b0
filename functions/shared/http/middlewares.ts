import type middy from '@middy/core';
import jsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { authenticateApiKey, requireRole } from '../domain/authenticate';
import type { Clock } from '../domain/clock';
import { BadRequestError } from '../domain/errors';
import type { ApiKeyStore, RateLimitStore } from '../domain/ports';
import { enforceRateLimit } from '../domain/rate-limit';
import type { ApiKeyRole } from '../domain/schemas';
import { toErrorResponse } from './error-response';
import { type RequestContext, requestIdOf } from './request-log';

/** What the chain every route shares needs, whatever else its function uses. */
export interface ChainServices {
  apiKeys: ApiKeyStore;
  rateLimits: RateLimitStore;
  clock: Clock;
}

type ApiMiddleware = middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, RequestContext>;

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  // An intent carries its authorization URL (with state and PKCE challenge): never cached.
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** Every answer, success or error, carries X-Request-Id; errors take the contract's shape. */
export function contractResponses(): ApiMiddleware {
  return {
    after: (request) => {
      if (!request.response) return;
      request.response.headers = {
        ...request.response.headers,
        'x-request-id': requestIdOf(request.event, request.context),
      };
    },
    onError: (request) => {
      const requestId = requestIdOf(request.event, request.context);
      request.response = toErrorResponse(request.error, requestId);
    },
  };
}

/**
 * X-Api-Key → key record → principal (401), the route's roles (403), then the account's rate limit
 * for this operation (429). Runs before the body is read, so these answers win over 400; a key that
 * may not call the operation never spends the owner's budget.
 */
export function apiKeyAuthentication(
  services: () => ChainServices,
  route: { rateLimitBudget: string; roles: readonly ApiKeyRole[] },
): ApiMiddleware {
  return {
    before: async (request) => {
      const secret = request.event.headers?.['x-api-key'];
      const principal = await authenticateApiKey(services().apiKeys, secret);
      requireRole(principal, route.roles);
      await enforceRateLimit(services(), principal.accountId, route.rateLimitBudget);
      request.context.principal = principal;
    },
  };
}

/**
 * middy's JSON parser (prototype-pollution safe, base64 aware), with its 415 and 422 answers
 * turned into the 400s the contract allows.
 */
export function jsonBody(): ApiMiddleware {
  const parser = jsonBodyParser();
  return {
    before: async (request) => {
      try {
        await parser.before?.(request as never);
      } catch (error) {
        const statusCode = (error as { statusCode?: number }).statusCode;
        if (statusCode === 415) throw new BadRequestError('Content-Type must be application/json');
        if (statusCode !== undefined && statusCode < 500)
          throw new BadRequestError('body must be valid JSON');
        throw error;
      }
    },
  };
}

/** For an operation that takes no body (GET): any body is a 400, as an unknown field would be. */
export function noBody(): ApiMiddleware {
  return {
    before: (request) => {
      const { body } = request.event;
      if (body !== null && body !== undefined && body !== '')
        throw new BadRequestError('body is not allowed');
    },
  };
}
