import type * as z from 'zod/mini';
import { BadRequestError } from './errors';

/** Parses untrusted input; the first problem becomes a 400 whose message names the field. */
export function parseOrBadRequest<S extends z.ZodMiniType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new BadRequestError(issue ? describeIssue(issue, input) : 'body is invalid');
}

/** Field names come from the client: one that is absurdly long is cut short in the answer (and the log). */
const MAX_FIELD_NAME = 64;
export const shortenFieldName = (name: string): string =>
  name.length > MAX_FIELD_NAME ? `${name.slice(0, MAX_FIELD_NAME)}…` : name;

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const field =
    issue.path.length > 0 ? issue.path.map((key) => shortenFieldName(String(key))).join('.') : 'body';
  if (issue.code === 'unrecognized_keys') return `${shortenFieldName(issue.keys[0] ?? '')} is not allowed`;
  if (issue.code === 'custom') return issue.message;
  if (issue.path.length > 0 && valueAt(input, issue.path) === undefined) return `${field} is required`;
  switch (issue.code) {
    case 'invalid_type':
      return `${field} must be ${article(issue.expected)} ${issue.expected}`;
    case 'invalid_value':
      return `${field} must be one of: ${issue.values.join(', ')}`;
    case 'too_small':
      return `${field} must not be empty`;
    case 'too_big':
      return `${field} is too long`;
    default:
      return `${field} is invalid`;
  }
}

const article = (noun: string): string => (/^[aeiou]/.test(noun) ? 'an' : 'a');

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
