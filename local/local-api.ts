import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Route } from '../functions/routes';
import { BadRequestError, RouteNotFoundError } from '../functions/shared/domain/errors';
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
  loadHandler: (route: Route) => Promise<ProxyHandler>;
  pages?: LocalPage[];
  /** The Lambda timeout the handlers see through `getRemainingTimeInMillis`. */
  timeoutMs?: number;
}

/**
 * Plays API Gateway's part on one machine: matches a request against the route table, builds the
 * REST proxy event API Gateway would send, and calls the same handler module the stack deploys.
 * Anything else answers the contract's 404, as the gateway response does in AWS.
 */
export function createLocalApi(options: LocalApiOptions): Server {
  const matchers = options.routes.map((route) => ({ route, match: pathMatcher(route.path) }));
  const handlers = new Map<string, Promise<ProxyHandler>>();
  const handlerFor = (route: Route) => {
    let handler = handlers.get(route.id);
    if (!handler) {
      handler = options.loadHandler(route);
      handlers.set(route.id, handler);
    }
    return handler;
  };

  const server = createServer(async (request, response) => {
    const requestId = randomUUID();
    try {
      const url = requestUrl(request);
      const body = await readBody(request);
      for (const page of options.pages ?? []) {
        if (await page(request, response, body)) return;
      }
      const found = matchers
        .filter(({ route }) => route.method === request.method)
        .map(({ route, match }) => ({ route, rawParameters: match(url.pathname) }))
        .find(({ rawParameters }) => rawParameters !== undefined);
      if (!found?.rawParameters) {
        send(response, toErrorResponse(new RouteNotFoundError(), requestId));
        return;
      }
      const pathParameters = decodePathParameters(found.rawParameters);
      const event = proxyEvent(request, url, body, found.route, pathParameters, requestId);
      const handler = await handlerFor(found.route);
      const result = (await handler(
        event,
        lambdaContext(found.route, requestId, options.timeoutMs ?? TIME_BUDGET.functionTimeoutMs),
      )) as APIGatewayProxyResult;
      send(response, result);
    } catch (error) {
      // The connection broke while the body was read (the client left, or sent a body Node could not
      // parse and answered itself, below): there is no one left to answer.
      if (request.destroyed && !request.complete) return;
      // The handlers answer their own errors; reaching here means the request could not be read
      // (a contract 400, as API Gateway refuses it) or the local API itself failed.
      send(response, toErrorResponse(error, requestId));
    }
  });
  server.on('clientError', answerUnreadableRequest);
  return server;
}

/** API Gateway's payload quota (10 MB); the functions refuse far smaller bodies themselves. */
export const GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/**
 * The request target as a URL, parsed as the pages parse it. A target no URL parser accepts
 * (`//[`) is a malformed request: API Gateway refuses it with a 4xx, which the stack's gateway
 * responses turn into the contract's 400.
 */
function requestUrl(request: IncomingMessage): URL {
  try {
    return new URL(request.url ?? '/', 'http://local');
  } catch {
    throw new BadRequestError('path is not a valid URL path');
  }
}

/** Matches a path against a route template; the parameters stay percent-encoded, as sent. */
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
    return Object.fromEntries(names.map((name, index) => [name, match[index + 1] ?? '']));
  };
}

/**
 * Decodes path parameters as API Gateway does before it calls a function. A parameter that is not
 * valid percent-encoding of UTF-8 (`%`, `%E0%A4%A`, `%C3`) names no value at all, so no id: it is
 * a malformed request (400 naming the parameter), not a 5xx, which would tell the client to retry
 * what can never succeed, and not the 403 reserved for well-formed ids the service never issued.
 */
function decodePathParameters(raw: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw).map(([name, value]) => {
      try {
        return [name, decodeURIComponent(value)];
      } catch {
        throw new BadRequestError(`${name} is not valid percent-encoding`);
      }
    }),
  );
}

function proxyEvent(
  request: IncomingMessage,
  url: URL,
  body: string,
  route: Route,
  pathParameters: Record<string, string>,
  requestId: string,
): APIGatewayProxyEvent {
  const { headers, multiValueHeaders } = gatewayHeaders(request.rawHeaders);
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

/**
 * Headers as API Gateway hands them to a function: names are case-insensitive, so the repeats of a
 * header, in any spelling, become one entry under its first spelling, `headers` holding the last
 * value and `multiValueHeaders` all of them. Objects without a prototype, so that a header named
 * `constructor` or `__proto__` is just a header.
 */
function gatewayHeaders(rawHeaders: string[]): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const headers: Record<string, string> = Object.create(null);
  const multiValueHeaders: Record<string, string[]> = Object.create(null);
  const spellings = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const spelled = rawHeaders[i] ?? '';
    const value = rawHeaders[i + 1] ?? '';
    const name = spellings.get(spelled.toLowerCase()) ?? spelled;
    spellings.set(spelled.toLowerCase(), name);
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  return { headers, multiValueHeaders };
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

/**
 * The body as UTF-8 text. Above API Gateway's payload quota the rest is read and dropped (so the
 * connection stays usable) and the request is refused with the contract's 400, as the stack's
 * gateway responses answer the gateway's own 413.
 */
function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= GATEWAY_MAX_PAYLOAD_BYTES) chunks.push(chunk);
    });
    request.on('end', () => {
      if (bytes > GATEWAY_MAX_PAYLOAD_BYTES) {
        reject(new BadRequestError(`body must be at most ${GATEWAY_MAX_PAYLOAD_BYTES} bytes`));
      } else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}

/**
 * A request Node's HTTP parser cannot read (a character not allowed in a header, headers too
 * large, a broken chunked body) never reaches a route: it gets the contract's 400 with a request
 * id, as API Gateway's own refusals get it from the stack's gateway responses, not Node's bare one.
 */
function answerUnreadableRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { statusCode, headers, body } = toErrorResponse(
    new BadRequestError('request is not valid HTTP'),
    randomUUID(),
  );
  const head = [
    `HTTP/1.1 ${statusCode} Bad Request`,
    ...Object.entries(headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

function send(response: ServerResponse, result: APIGatewayProxyResult): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  response.writeHead(result.statusCode, { ...(result.headers as Record<string, string>) });
  response.end(body);
}
