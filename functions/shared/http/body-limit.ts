import type middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { BadRequestError } from '../domain/errors';

/**
 * The largest request body the API reads: 64 KiB, far below the 10 MB API Gateway accepts.
 *
 * The largest valid body is about 1 KiB (create: four short fields; authorize: a code of at most
 * 2,048 characters), and even every character of that code written as a `\uXXXX` escape stays
 * under 13 KiB, so no valid request comes near the limit; the rest is room for the fields later
 * versions of the contract add (idempotency key, consent name and limits, login hint, state, iss).
 * Everything beyond it is refused before JSON parsing, whose time and memory grow with the body's
 * size (and its nesting), so that a hostile client cannot make every invocation parse megabytes.
 */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The size of a body in bytes as the client sent it: UTF-8 for text, the decoded bytes for a
 * base64 body. `Buffer.byteLength(…, 'base64')` computes that from the length alone, exactly for
 * the canonical base64 API Gateway sends (an upper bound for anything else), without decoding.
 */
export function bodyBytes(body: string | null | undefined, isBase64Encoded: boolean): number {
  if (!body) return 0;
  return Buffer.byteLength(body, isBase64Encoded ? 'base64' : 'utf8');
}

/** Answers the contract's 400 naming `body` for a body above the limit, before anything parses it. */
export function bodySizeLimit(
  maxBytes = MAX_BODY_BYTES,
): middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    before: (request) => {
      const { body, isBase64Encoded } = request.event;
      if (bodyBytes(body, isBase64Encoded === true) > maxBytes) {
        throw new BadRequestError(`body must be at most ${maxBytes} bytes`);
      }
    },
  };
}
