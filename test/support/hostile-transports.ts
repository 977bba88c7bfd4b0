import { Agent, request as httpRequest } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { type Answer, httpBodyBytes, requestPath, requestTarget } from './hostile-oracle';
import { type HostileRequest, routeById } from './hostile-requests';

/**
 * The REST proxy event of a hostile request, as it reaches the function. Header names keep their
 * spelling (a name repeated exactly keeps its last value, as API Gateway does; spellings that
 * differ in case stay apart, which API Gateway may not do, so the function copes with both), and
 * `__proto__` or `constructor` are plain own keys, as in a parsed Lambda event.
 */
export function toApiEvent(request: HostileRequest, requestId: string): APIGatewayProxyEvent {
  const route = routeById(request.routeId);
  const grouped = new Map<string, string[]>();
  for (const [name, value] of request.headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  const { body } = request;
  const eventBody =
    body.kind === 'none'
      ? null
      : body.kind === 'bytes'
        ? Buffer.from(body.bytes).toString(body.base64 ? 'base64' : 'utf8')
        : body.text;
  return {
    resource: route.path,
    path: requestPath(request),
    httpMethod: request.method,
    headers: Object.fromEntries(request.headers),
    multiValueHeaders: Object.fromEntries(grouped),
    ...queryParametersOf(request),
    pathParameters: request.pathParameters
      ? Object.fromEntries(
          Object.entries(request.pathParameters).map(([name, parameter]) => [name, parameter.value]),
        )
      : null,
    stageVariables: null,
    body: eventBody,
    isBase64Encoded: (body.kind === 'bytes' && body.base64) || body.kind === 'base64-text',
    requestContext: { requestId } as APIGatewayProxyEvent['requestContext'],
  };
}

/** The query string as API Gateway hands it over: the last value of each name, and all of them. */
function queryParametersOf(
  request: HostileRequest,
): Pick<APIGatewayProxyEvent, 'queryStringParameters' | 'multiValueQueryStringParameters'> {
  if (request.query.length === 0)
    return { queryStringParameters: null, multiValueQueryStringParameters: null };
  const multi = new Map<string, string[]>();
  for (const [name, value] of request.query) multi.set(name, [...(multi.get(name) ?? []), value]);
  return {
    queryStringParameters: Object.fromEntries(request.query),
    multiValueQueryStringParameters: Object.fromEntries(multi),
  };
}

/** The function's result as an answer, header names in lower case as HTTP clients see them. */
export const answerOf = (result: APIGatewayProxyResult): Answer => ({
  status: result.statusCode,
  headers: Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  ),
  body: result.body,
});

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * Sends a hostile request over HTTP exactly as generated: the raw path, every header in its
 * spelling and order (repeats included), the body's bytes. Node's `fetch` would merge repeated
 * headers, lower-case their names and re-encode the path.
 */
export function sendOverHttp(baseUrl: string, request: HostileRequest): Promise<Answer> {
  const url = new URL(baseUrl);
  const body = httpBodyBytes(request);
  const headers = ['Host', url.host, 'Content-Length', String(body.length), ...request.headers.flat()];
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: request.method,
        path: requestTarget(request),
        headers,
        agent,
        timeout: 60_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: Object.fromEntries(
              Object.entries(response.headers).map(([name, value]) => [
                name,
                Array.isArray(value) ? value.join(', ') : String(value ?? ''),
              ]),
            ),
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 60 s')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Closes the kept-alive connections, so that the test process can end. */
export const closeHttpConnections = (): void => agent.destroy();
