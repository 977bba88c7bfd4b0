import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Principal } from '../domain/principal';
import { logger } from '../observability/logger';

/** The API Gateway request id, which the answer also carries as X-Request-Id. */
export const requestIdOf = (event: APIGatewayProxyEvent, context: Context): string =>
  event.requestContext?.requestId ?? context.awsRequestId;

/** The context the middy chain fills in: the authenticated caller, once known. */
export interface RequestContext extends Context {
  principal?: Principal;
}

/**
 * One line per request for operators: route, status, latency, account, intent, request id and the
 * contract's error code. Path parameters are ids, never secrets; the API key, body and headers are
 * never logged.
 */
export function logRequest(
  event: APIGatewayProxyEvent,
  response: APIGatewayProxyResult,
  startedAt: number,
  requestId: string,
  context: RequestContext,
): void {
  const fields = {
    route: `${event.httpMethod} ${event.resource}`,
    status: response.statusCode,
    latencyMs: Date.now() - startedAt,
    requestId,
    ...(context.principal ? { accountId: context.principal.accountId } : {}),
    ...pathIds(event),
    ...(response.statusCode >= 400 ? { errorCode: errorCodeOf(response) } : {}),
  };
  if (response.statusCode >= 500) logger.error('request', fields);
  else logger.info('request', fields);
}

function errorCodeOf(response: APIGatewayProxyResult): string | undefined {
  try {
    const { message } = JSON.parse(response.body) as { message?: unknown };
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}

/** Path parameters are ids; a hostile one is cut short so that it cannot flood the log. */
function pathIds(event: APIGatewayProxyEvent): Record<string, string> {
  return Object.fromEntries(
    Object.entries(event.pathParameters ?? {}).map(([name, value]) => [name, (value ?? '').slice(0, 64)]),
  );
}
