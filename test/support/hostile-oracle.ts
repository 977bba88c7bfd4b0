import type { APIGatewayProxyEvent } from 'aws-lambda';
import * as z from 'zod';
import { ROUTES } from '../../functions/routes';
import { shortenFieldName } from '../../functions/shared/domain/validation';
import { MAX_BODY_BYTES } from '../../functions/shared/http/body-limit';
import { KEY_PREFIXES } from '../../functions/shared/repository/table-keys';
import { GATEWAY_MAX_PAYLOAD_BYTES } from '../../local/local-api';
import { pathParameterNames } from './hostile-paths';
import {
  type HostileRequest,
  ROUTE_CONTRACTS,
  type RouteContract,
  routeById,
  type World,
  type WorldAccount,
} from './hostile-requests';
import type { RecordedWrite } from './recording-table';

/**
 * The contract's answer to a hostile request, worked out from the request alone, in the order the
 * service checks: the key (401, 403 for a role that may not call), the account's budget (429), the
 * body's size, content type, JSON and schema (400); a request that passes them all is valid and
 * answers 200 or a 403 of the route's own rules.
 */
export type Expected =
  | { status: 400; message: string }
  /** A 400 from the route's schema: the message starts with the field it names. */
  | { status: 400; fields: string[] }
  | { status: 401; message: 'Missing authentication' | 'Invalid authentication' }
  | { status: 403; message: 'Forbidden' }
  | { status: 404 }
  | { status: 429 }
  | { status: 'valid'; only200: boolean }
  /**
   * A read whose query parses but names what the service never issued (a page key it did not
   * sign): a 400 naming the field, or a 403 of the route's own rules, which come first.
   */
  | { status: 'refused'; field: string };

export interface Expectation {
  expected: Expected;
  /** The account whose rate-limit counter the request spends (only account-owner keys spend one). */
  spender: WorldAccount | undefined;
  /** A name for the case, to check that every case was generated often enough. */
  label: string;
  /** The route only reads (a GET): even a valid request writes nothing but the counter. */
  readOnly?: boolean;
}

/** What the function receives of a request: the parts its answer depends on. */
export interface FunctionInput {
  headers: Record<string, string | undefined> | null;
  body: string | null;
  isBase64Encoded: boolean;
  /** The query string, every value of each name. */
  query: Record<string, string[]> | null;
}

/**
 * A JSON media type: `application/json` or `application/<anything>+json`, with parameters after a
 * `;`. Everything else (no content type, `text/plain`, a form) is a 400 naming Content-Type.
 */
const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]+\+)?json(;|$)/i;

/** The value the function reads for a header: names are case-insensitive and the last one wins. */
export function effectiveHeader(
  headers: Record<string, string | undefined> | null,
  name: string,
): string | undefined {
  let found: string | undefined;
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) found = value;
  return found;
}

/**
 * `__proto__` anywhere, or a `constructor` holding a `prototype`: refused like invalid JSON. Such a
 * key is in the text as it is or written with `\u` escapes; without either there is nothing to
 * look for (which spares walking the 30,000 values of a huge array).
 */
function hasPollutingKey(text: string, root: unknown): boolean {
  if (!/\\u|__proto__|constructor/.test(text)) return false;
  const stack: unknown[] = [root];
  while (stack.length) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    for (const [key, child] of Object.entries(value)) {
      if (key === '__proto__') return true;
      if (
        key === 'constructor' &&
        child !== null &&
        typeof child === 'object' &&
        Object.hasOwn(child, 'prototype')
      )
        return true;
      stack.push(child);
    }
  }
  return false;
}

/** The body's size in bytes as the client sent it: UTF-8 text, or the bytes a base64 body decodes to. */
const bodySize = (input: FunctionInput): number =>
  input.body === null
    ? 0
    : input.isBase64Encoded
      ? Buffer.from(input.body, 'base64').length
      : Buffer.byteLength(input.body, 'utf8');

/** The body as the JSON parser reads it. */
const bodyText = (input: FunctionInput): string | null =>
  input.body === null || !input.isBase64Encoded
    ? input.body
    : Buffer.from(input.body, 'base64').toString('utf8');

/** Field names as a 400 names them: one longer than 64 characters is cut short. */
const asNamed = (name: string): string => (name.length > 64 ? `${name.slice(0, 64)}…` : name);

/** The contract's answer once the request has reached the function. */
export function expectFromFunction(
  request: HostileRequest,
  world: World,
  input: FunctionInput,
  options: { fresh: boolean },
): Expectation {
  const secret = effectiveHeader(input.headers, 'x-api-key');
  if (!secret)
    return {
      expected: { status: 401, message: 'Missing authentication' },
      spender: undefined,
      label: '401 missing key',
    };
  if (secret === world.terminalKey)
    return { expected: { status: 403, message: 'Forbidden' }, spender: undefined, label: '403 role' };
  const owner = world.accounts.find((account) => account.ownerKey === secret);
  if (!owner)
    return {
      expected: { status: 401, message: 'Invalid authentication' },
      spender: undefined,
      label: '401 invalid key',
    };
  if (request.rateLimited) return { expected: { status: 429 }, spender: owner, label: '429' };

  const bad = (message: string, label: string): Expectation => ({
    expected: { status: 400, message },
    spender: owner,
    label,
  });
  if (bodySize(input) > MAX_BODY_BYTES)
    return bad(`body must be at most ${MAX_BODY_BYTES} bytes`, '400 too large');
  const contract = ROUTE_CONTRACTS[request.routeId];
  if (contract.bodySchema === null) return expectRead(request, input, owner, options);
  if (!JSON_MEDIA_TYPE.test(effectiveHeader(input.headers, 'content-type') ?? ''))
    return bad('Content-Type must be application/json', '400 content type');
  // A body that is absent reads as `null`, a JSON value the schema then refuses.
  const text = bodyText(input) ?? 'null';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return bad('body must be valid JSON', '400 not JSON');
  }
  if (hasPollutingKey(text, parsed)) return bad('body must be valid JSON', '400 __proto__');
  if (!contract.bodySchema.safeParse(parsed).success) {
    const shape = (contract.bodySchema as { shape?: Record<string, unknown> }).shape ?? {};
    const given = parsed !== null && typeof parsed === 'object' ? Object.keys(parsed) : [];
    return {
      expected: { status: 400, fields: ['body', ...Object.keys(shape), ...given].map(asNamed) },
      spender: owner,
      label: '400 schema',
    };
  }
  const refusal = authorizeRefusal(request, parsed);
  if (refusal) return refusal(owner);
  const only200 = options.fresh && request.pristine && owner === request.caller;
  return { expected: { status: 'valid', only200 }, spender: owner, label: only200 ? 'valid 200' : 'valid' };
}

/**
 * Authorize's rules that need the intent (every intent of the world is a redirect one): no `code`,
 * or a `state` or `iss` that is not the intent's (none generated is), is a 400 naming the field, or
 * a 403 of the route's own rules, which come first; either way nothing changes.
 */
function authorizeRefusal(
  request: HostileRequest,
  parsed: unknown,
): ((owner: WorldAccount | undefined) => Expectation) | undefined {
  if (request.routeId !== 'AuthorizeIntent' || parsed === null || typeof parsed !== 'object')
    return undefined;
  const body = parsed as Record<string, unknown>;
  const field = body.code === undefined ? 'code' : ['state', 'iss'].find((name) => body[name] !== undefined);
  if (field === undefined) return undefined;
  return (owner) => ({
    expected: { status: 'refused', field },
    spender: owner,
    label: `400 ${field} for the intent`,
    readOnly: true,
  });
}

/**
 * The rest of the answer of a route without a body (a GET), once the key, the budget and the size
 * passed: any body is a 400, then the query string: a name given twice, or one the route's strict
 * schema refuses, is a 400 naming it.
 */
function expectRead(
  request: HostileRequest,
  input: FunctionInput,
  owner: WorldAccount,
  options: { fresh: boolean },
): Expectation {
  const readOnly = true;
  if (input.body !== null && input.body !== '')
    return {
      expected: { status: 400, message: 'body is not allowed' },
      spender: owner,
      label: '400 body not allowed',
      readOnly,
    };
  const given = Object.entries(input.query ?? {});
  const repeated = given.filter(([, values]) => values.length > 1).map(([name]) => name);
  if (repeated.length)
    return { expected: { status: 400, fields: repeated }, spender: owner, label: '400 query', readOnly };
  const query = Object.fromEntries(given.map(([name, values]) => [name, values[0] ?? '']));
  const { querySchema } = ROUTE_CONTRACTS[request.routeId] as RouteContract;
  const schema = querySchema ?? z.strictObject({});
  if (!schema.safeParse(query).success) {
    const shape = (schema as { shape?: Record<string, unknown> }).shape ?? {};
    return {
      expected: { status: 400, fields: [...Object.keys(shape), ...Object.keys(query)].map(asNamed) },
      spender: owner,
      label: '400 query',
      readOnly,
    };
  }
  // No generated page key was signed by the service.
  if ('pageKey' in query)
    return {
      expected: { status: 'refused', field: 'pageKey' },
      spender: owner,
      label: '400 page key',
      readOnly,
    };
  const only200 = options.fresh && request.pristine && owner === request.caller;
  return {
    expected: { status: 'valid', only200 },
    spender: owner,
    label: only200 ? 'valid 200' : 'valid',
    readOnly,
  };
}

/** The query string as sent: each name and value percent-encoded (a lone surrogate as U+FFFD). */
export function queryString(request: HostileRequest): string {
  const encode = (text: string) =>
    encodeURIComponent(
      text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
    );
  return request.query.map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
}

/** The request target: the path, and the query string when there is one. */
export function requestTarget(request: HostileRequest): string {
  const query = queryString(request);
  return query ? `${requestPath(request)}?${query}` : requestPath(request);
}

/** The path a request is sent to: the route's template with the raw parameters. */
export function requestPath(request: HostileRequest): string {
  return routeById(request.routeId).path.replace(
    /\{([^}]+)\}/g,
    (_, name: string) => request.pathParameters?.[name]?.raw ?? '',
  );
}

/** The body's bytes as they travel over HTTP. */
export function httpBodyBytes(request: HostileRequest): Buffer {
  const { body } = request;
  if (body.kind === 'none') return Buffer.alloc(0);
  if (body.kind === 'bytes') return Buffer.from(body.bytes);
  return Buffer.from(body.text, 'utf8');
}

/** The label of a request whose body is above API Gateway's payload quota. */
export const GATEWAY_QUOTA_LABEL = '400 above gateway quota';

/**
 * The answer over HTTP: first what the local API decides in API Gateway's place (a body above the
 * gateway's quota, an unknown method or path, a path parameter that is not valid percent-encoding),
 * then what the function receives from it: header names merged case-insensitively with the last
 * value winning and trimmed, as HTTP does; the body as UTF-8 text, none when empty.
 */
export function expectOverHttp(request: HostileRequest, world: World): Expectation {
  const bytes = httpBodyBytes(request);
  if (bytes.length > GATEWAY_MAX_PAYLOAD_BYTES)
    return {
      expected: { status: 400, message: `body must be at most ${GATEWAY_MAX_PAYLOAD_BYTES} bytes` },
      spender: undefined,
      label: GATEWAY_QUOTA_LABEL,
    };
  const route = routeById(request.routeId);
  const path = requestPath(request);
  // A path the URL parser rewrites (a `.` or `..` segment) no longer names the route.
  if (request.method !== route.method || new URL(`http://local${path}`).pathname !== path)
    return { expected: { status: 404 }, spender: undefined, label: '404' };
  for (const name of pathParameterNames(route)) {
    try {
      decodeURIComponent(request.pathParameters?.[name]?.raw ?? '');
    } catch {
      return {
        expected: { status: 400, message: `${name} is not valid percent-encoding` },
        spender: undefined,
        label: '400 malformed percent-encoding',
      };
    }
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of request.headers)
    headers[name.toLowerCase()] = value.replace(/^[ \t]+|[ \t]+$/g, '');
  const text = bytes.toString('utf8');
  const query = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(queryString(request)))
    query.set(name, [...(query.get(name) ?? []), value]);
  return expectFromFunction(
    request,
    world,
    {
      headers,
      body: text.length ? text : null,
      isBase64Encoded: false,
      query: query.size ? Object.fromEntries(query) : null,
    },
    { fresh: false },
  );
}

/** The function's input from the event it was given. */
export const functionInputOf = (event: APIGatewayProxyEvent): FunctionInput => ({
  headers: event.headers,
  body: event.body,
  isBase64Encoded: event.isBase64Encoded,
  query: event.multiValueQueryStringParameters as Record<string, string[]> | null,
});

// ---- checking an answer -------------------------------------------------------------------------

export interface Answer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
};
const ERROR_BODY_KEYS = new Set(['statusCode', 'error', 'message', 'reason', 'requestId']);

/**
 * Every way an answer can break the contract: a 5xx, a status the contract does not use, a missing
 * X-Request-Id, a body that is not JSON or not the contract's error shape, a 200 that is not the
 * route's answer, or another answer than the expected one. Empty when the answer is right.
 */
export function contractViolations(
  request: HostileRequest,
  answer: Answer,
  { expected }: Expectation,
  requestId?: string,
): string[] {
  const problems: string[] = [];
  const { status } = answer;
  if (status >= 500) problems.push(`answered ${status}: a 5xx tells the client to retry`);
  if (status !== 200 && !(status in REASON_PHRASES))
    problems.push(`answered ${status}, not a contract status`);
  const requestIdHeader = answer.headers['x-request-id'];
  if (!requestIdHeader) problems.push('no X-Request-Id header');
  if (requestId !== undefined && requestIdHeader !== requestId)
    problems.push(`X-Request-Id ${requestIdHeader} is not the gateway's ${requestId}`);
  if (!/^application\/json/.test(answer.headers['content-type'] ?? ''))
    problems.push(`content-type ${answer.headers['content-type']}`);
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    problems.push(`body is not JSON: ${answer.body.slice(0, 200)}`);
    return problems;
  }

  if (status === 200) {
    const parsed = ROUTE_CONTRACTS[request.routeId].answerSchema.safeParse(body);
    if (!parsed.success) problems.push(`200 body is not the route's answer: ${parsed.error.message}`);
  } else {
    const error = body as Record<string, unknown>;
    const extra = Object.keys(error).filter((key) => !ERROR_BODY_KEYS.has(key));
    if (extra.length) problems.push(`error body has ${extra.join(', ')}`);
    if (error.statusCode !== status)
      problems.push(`body statusCode ${String(error.statusCode)} for ${status}`);
    if (error.error !== REASON_PHRASES[status])
      problems.push(`body error ${String(error.error)} for ${status}`);
    if (typeof error.message !== 'string' || !error.message) problems.push('body has no message');
    if (error.requestId !== requestIdHeader) problems.push('body requestId is not the X-Request-Id');
  }

  const message = (body as { message?: unknown }).message;
  const expect = (wanted: number, wantedMessage?: string) => {
    if (status !== wanted || (wantedMessage !== undefined && message !== wantedMessage))
      problems.push(
        `expected ${wanted}${wantedMessage ? ` ${wantedMessage}` : ''}, answered ${status} ${String(message)}`,
      );
  };
  switch (expected.status) {
    case 400:
      if ('message' in expected) expect(400, expected.message);
      else if (
        status !== 400 ||
        !expected.fields.some((field) => String(message).startsWith(`${shortenFieldName(field)} `))
      )
        problems.push(
          `expected a 400 naming one of ${expected.fields.slice(0, 8).join(', ')}, answered ${status} ${String(message)}`,
        );
      break;
    case 401:
    case 403:
      expect(expected.status, expected.message);
      break;
    case 404:
      expect(404, 'Not Found');
      break;
    case 429:
      expect(429, 'RATE_LIMIT_EXCEEDED');
      if (!/^[1-9]\d*$/.test(answer.headers['retry-after'] ?? '')) problems.push('429 without Retry-After');
      break;
    case 'refused':
      if (!(status === 403 || (status === 400 && String(message).startsWith(`${expected.field} `))))
        problems.push(
          `expected a 400 naming ${expected.field} or a 403, answered ${status} ${String(message)}`,
        );
      break;
    case 'valid':
      if (expected.only200 ? status !== 200 : status !== 200 && status !== 403)
        problems.push(`a valid request answered ${status} ${String(message)}`);
      break;
  }
  return problems;
}

/**
 * The writes a request may make: the rate-limit counter of the account whose owner key it carries
 * (every authenticated owner request spends one, valid or not: the limit runs before the body is
 * read), and, only for a valid request, anything else.
 */
export function writeViolations(
  writes: readonly RecordedWrite[],
  { expected, spender, readOnly }: Expectation,
): string[] {
  const problems: string[] = [];
  const isCounter = (write: RecordedWrite) =>
    write.command === 'UpdateCommand' &&
    write.keys.length === 1 &&
    write.keys.every((key) => key.pk.startsWith(KEY_PREFIXES.rateLimit));
  const counters = writes.filter(isCounter);
  const others = writes.filter((write) => !isCounter(write));
  const wantedCounters = spender ? 1 : 0;
  if (counters.length !== wantedCounters)
    problems.push(`${counters.length} rate-limit counter writes, expected ${wantedCounters}`);
  if (
    spender &&
    !counters.every((write) => write.keys[0]?.pk.startsWith(`${KEY_PREFIXES.rateLimit}${spender.accountId}#`))
  )
    problems.push("a counter write for another account than the key's");
  if ((expected.status !== 'valid' || readOnly) && others.length)
    problems.push(
      `${readOnly ? 'a read' : 'an invalid request'} wrote: ${others.map((write) => `${write.command} ${write.keys.map((key) => key.pk).join(',')}`).join('; ')}`,
    );
  return problems;
}

/** Every route of the route table, so the suites can check none is left out. */
export const ROUTE_IDS = ROUTES.map((route) => route.id);
