import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Route } from '../functions/routes';
import { RouteNotFoundError } from '../functions/shared/domain/errors';
import { toErrorResponse } from '../functions/shared/http/error-response';
import { TIME_BUDGET } from '../functions/shared/time-budget';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<unknown>;

/** A page or endpoint of the local stack that is not part of the API (e.g. the OAuth callback page). */
export type LocalPage = (
  request: IncomingMessage,
  response: ServerResponse,
  body: string,
) => Promise<boolean>;

export interface LocalApiOptions {
  routes: readonly Route[];
  /**
   * Every route's handler by route id, already loaded: the API has no lazy path, so no request
   * waits for a bundle, and a route without a handler fails here rather than on its first call.
   */
  handlers: Readonly<Record<string, ProxyHandler>>;
  pages?: LocalPage[];
  /** The Lambda timeout the handlers see through `getRemainingTimeInMillis`. */
  timeoutMs?: number;
}

/** The local API as a server of its own (see localApiHandler). */
export function createLocalApi(options: LocalApiOptions): Server {
  return createServer(localApiHandler(options));
}

/**
 * Plays API Gateway's part on one machine: matches a request against the route table, builds the
 * REST proxy event API Gateway would send, and calls the same handler module the stack deploys.
 * Anything else answers the contract's 404, as the gateway response does in AWS. A request
 * listener, so that a server can listen (and name its port) before the handlers are loaded.
 */
export function localApiHandler(
  options: LocalApiOptions,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const matchers = options.routes.map((route) => ({ route, match: pathMatcher(route.path) }));
  const handlerOf = (route: Route): ProxyHandler => {
    const handler = options.handlers[route.id];
    if (!handler) throw new Error(`No handler loaded for route ${route.id}`);
    return handler;
  };
  for (const route of options.routes) handlerOf(route);

  return async (request, response) => {
    const requestId = randomUUID();
    try {
      const body = await readBody(request);
      const url = new URL(request.url ?? '/', 'http://local');
      for (const page of options.pages ?? []) {
        if (await page(request, response, body)) return;
      }
      const found = matchers
        .map(({ route, match }) => ({ route, pathParameters: match(url.pathname) }))
        .find(({ route, pathParameters }) => pathParameters && route.method === request.method);
      if (!found?.pathParameters) {
        send(response, toErrorResponse(new RouteNotFoundError(), requestId));
        return;
      }
      const event = proxyEvent(request, url, body, found.route, found.pathParameters, requestId);
      const handler = handlerOf(found.route);
      const result = (await handler(
        event,
        lambdaContext(found.route, requestId, options.timeoutMs ?? TIME_BUDGET.functionTimeoutMs),
      )) as APIGatewayProxyResult;
      send(response, result);
    } catch (error) {
      // The handlers answer their own errors; reaching here means the local API itself failed.
      send(response, toErrorResponse(error, requestId));
    }
  };
}

function pathMatcher(template: string): (path: string) => Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template
    .split('/')
    .map((segment) => {
      const parameter = /^\{(.+)\}$/.exec(segment);
      if (!parameter?.[1]) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(parameter[1]);
      return '([^/]+)';
    })
    .join('/');
  const regex = new RegExp(`^${pattern}/?$`);
  return (path) => {
    const match = regex.exec(path);
    if (!match) return undefined;
    return Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]));
  };
}

function proxyEvent(
  request: IncomingMessage,
  url: URL,
  body: string,
  route: Route,
  pathParameters: Record<string, string>,
  requestId: string,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] ?? '';
    const value = request.rawHeaders[i + 1] ?? '';
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query = [...url.searchParams.keys()];
  const now = new Date();
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: request.method ?? 'GET',
    headers,
    multiValueHeaders,
    queryStringParameters: query.length ? Object.fromEntries(url.searchParams) : null,
    multiValueQueryStringParameters: query.length
      ? Object.fromEntries(query.map((key) => [key, url.searchParams.getAll(key)]))
      : null,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : null,
    stageVariables: null,
    body: body.length ? body : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: {},
      domainName: url.host,
      httpMethod: request.method ?? 'GET',
      identity: {
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? null,
      },
      path: url.pathname,
      protocol: `HTTP/${request.httpVersion}`,
      requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: route.id,
      resourcePath: route.path,
      stage: 'local',
    } as APIGatewayProxyEvent['requestContext'],
  };
}

function lambdaContext(route: Route, requestId: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `${route.id}Function`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${route.id}Function`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${route.id}Function`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  response.writeHead(result.statusCode, { ...(result.headers as Record<string, string>) });
  response.end(body);
}
