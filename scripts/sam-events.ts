import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Route } from '../functions/routes';
import { STAGE_NAME } from '../lib/service-api';
import { SAM_EVENTS_API_KEY } from '../local/demo-account';

/** A request id of its own for each route's event, the same on every run (the files are committed). */
function stableRequestId(route: Route): string {
  const hex = createHash('sha256').update(route.id).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The API Gateway (REST, proxy) event of a route's example request, as the stage would send it,
 * carrying the key every local stack stores for the demo account: `events/<route>.json`, which
 * `npm run sam:invoke` and `npm run invoke` feed to the route's function.
 */
export function samEventOf(route: Route): APIGatewayProxyEvent {
  const { pathParameters, query, body } = route.example;
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(pathParameters?.[name] ?? ''),
  );
  const headers: Record<string, string> = {
    ...(body ? { 'Content-Type': 'application/json' } : {}),
    'X-Api-Key': SAM_EVENTS_API_KEY,
  };
  return {
    resource: route.path,
    path,
    httpMethod: route.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: query ?? null,
    multiValueQueryStringParameters: query
      ? Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]]))
      : null,
    pathParameters: pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      httpMethod: route.method,
      path: `/${STAGE_NAME}${path}`,
      protocol: 'HTTP/1.1',
      requestId: stableRequestId(route),
      requestTimeEpoch: 1648695389713,
      resourceId: route.handlerDir,
      resourcePath: route.path,
      stage: STAGE_NAME,
      identity: { sourceIp: '127.0.0.1', userAgent: 'sam-cli' },
    } as APIGatewayProxyEvent['requestContext'],
    body: body ? JSON.stringify(body) : null,
    isBase64Encoded: false,
  };
}
