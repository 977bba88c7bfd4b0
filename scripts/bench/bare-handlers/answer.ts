import type { APIGatewayProxyResult } from 'aws-lambda';

/** A bare 200 with a JSON body: what the least a handler can answer looks like. */
export const jsonAnswer = (body: unknown): APIGatewayProxyResult => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
