import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Route } from '../../functions/routes';

/** The API's stage (lib/service-api.ts names it; importing it would load the CDK). */
const STAGE_NAME = 'v1';

/** An account the bench made, and what it holds that routes can name. */
export interface BenchAccount {
  accountId: string;
  apiKey: string;
  /** An intent of the account (authorized, for the read fixtures). */
  intentId?: string;
  /** The code that authorized it, or a fresh one not yet posted. */
  code?: string;
  bankAccountId?: string;
  /**
   * For authorize: another new account's approved intent, which authorize's floor redeems (a
   * code is redeemed once, and a second account keeps its Bank Accounts from colliding).
   */
  floor?: BenchAccount;
}

/**
 * Where each path parameter or body field a route names gets its value. A route with a parameter
 * not listed here stops the bench, naming it: add its source here.
 */
const VALUES: Record<string, (account: BenchAccount) => string | undefined> = {
  accountId: (account) => account.accountId,
  bankAccountConnectionIntentId: (account) => account.intentId,
  bankAccountId: (account) => account.bankAccountId,
  code: (account) => account.code,
};

function fieldValue(route: Route, name: string, account: BenchAccount): string {
  const source = VALUES[name];
  const value = source?.(account);
  if (value === undefined) {
    throw new Error(
      source
        ? `The bench account has no ${name} for ${route.id}`
        : `${route.id} names ${name}, which the bench cannot fill: add it to scripts/bench/route-requests.ts`,
    );
  }
  return value;
}

export function pathParametersOf(route: Route, account: BenchAccount): Record<string, string> {
  return Object.fromEntries(
    Object.keys(route.request.path.shape).map((name) => [name, fieldValue(route, name, account)]),
  );
}

/** The route's example body, with the fields that name the account's things filled from it. */
export function bodyOf(route: Route, account: BenchAccount): Record<string, unknown> | undefined {
  const example = route.example.body;
  if (!example) return undefined;
  return Object.fromEntries(
    Object.entries(example).map(([name, value]) => [
      name,
      name in VALUES ? fieldValue(route, name, account) : value,
    ]),
  );
}

/** A request as it goes over HTTP: to the local API, or from autocannon. */
export interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export function httpRequestOf(route: Route, account: BenchAccount): HttpRequest {
  const parameters = pathParametersOf(route, account);
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(parameters[name] ?? ''),
  );
  const query = route.example.query ? `?${new URLSearchParams(route.example.query)}` : '';
  const body = bodyOf(route, account);
  return {
    method: route.method,
    path: `${path}${query}`,
    headers: { 'x-api-key': account.apiKey, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  };
}

/** The API Gateway (REST, proxy) event of a request, as the stage hands it to the function. */
export function gatewayEvent(
  route: Pick<Route, 'id' | 'path' | 'method'>,
  request: HttpRequest,
  pathParameters: Record<string, string> | null,
): APIGatewayProxyEvent {
  const url = new URL(request.path, 'http://bench');
  const query = [...url.searchParams.keys()];
  const now = Date.now();
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: request.method,
    headers: { ...request.headers },
    multiValueHeaders: Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name, [value]]),
    ),
    queryStringParameters: query.length ? Object.fromEntries(url.searchParams) : null,
    multiValueQueryStringParameters: query.length
      ? Object.fromEntries(query.map((key) => [key, url.searchParams.getAll(key)]))
      : null,
    pathParameters: pathParameters && Object.keys(pathParameters).length ? pathParameters : null,
    stageVariables: null,
    body: request.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      httpMethod: request.method,
      path: `/${STAGE_NAME}${url.pathname}`,
      protocol: 'HTTP/1.1',
      requestId: `bench-${now}-${Math.random().toString(36).slice(2)}`,
      requestTimeEpoch: now,
      resourceId: route.id,
      resourcePath: route.path,
      stage: STAGE_NAME,
      identity: { sourceIp: '127.0.0.1', userAgent: 'bench' },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

/** The event of a route's request for an account. */
export function routeEvent(route: Route, account: BenchAccount): APIGatewayProxyEvent {
  return gatewayEvent(route, httpRequestOf(route, account), pathParametersOf(route, account));
}
