import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BadRequestError } from '../domain/errors';

/**
 * The query string as one value per name, for the operation's zod schema. API Gateway keeps only the
 * last of repeated values in `queryStringParameters`; a name given twice is ambiguous, so it is a 400
 * naming it rather than a silent choice.
 */
export function queryParameters(event: APIGatewayProxyEvent): Record<string, string> {
  const values = event.multiValueQueryStringParameters;
  if (!values) return definedValues(event.queryStringParameters ?? {});
  const single: [string, string][] = [];
  for (const [name, given = []] of Object.entries(values)) {
    if (given.length > 1) throw new BadRequestError(`${name} must be given once`);
    if (given[0] !== undefined) single.push([name, given[0]]);
  }
  // Built from entries, not by assignment: `__proto__` stays a parameter (which the strict schema
  // then refuses) instead of silently setting the object's prototype.
  return Object.fromEntries(single);
}

function definedValues(parameters: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(parameters).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
