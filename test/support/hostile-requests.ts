import * as fc from 'fast-check';
import type * as z from 'zod/mini';
import { ROUTES, type Route, type RouteId } from '../../functions/routes';
import { bodyRecipes } from './hostile-bodies';
import { apiKeyValue, contentTypeValue, junkHeaders, repeated } from './hostile-headers';
import { pathParametersRecipe } from './hostile-paths';
import { queryRecipes } from './hostile-queries';

export type { RouteId };

/** One account the requests are sent into: its owner key and a resource of each kind. */
export interface WorldAccount {
  accountId: string;
  ownerKey: string;
  /** An intent of this account, `created`, so that a valid authorize can go all the way. */
  intentId: string;
  bankAccountIds: { live: string; test: string };
}

/** What the requests are sent into: at least two accounts, so a caller can name others' resources. */
export interface World {
  accounts: readonly WorldAccount[];
  terminalKey: string;
  disabledKey: string;
}

/** A request that passes validation, as one route's generator makes it for one caller. */
export interface ValidRequest {
  /** Undefined for a route that takes no body (a GET): its valid request sends none. */
  body: Record<string, unknown> | undefined;
  pathParameters?: Record<string, string>;
  /** The query string, one value per name; absent when the route reads none. */
  query?: Record<string, string>;
}

/** What the suite reads of a route: its schemas, from its entry, and how to make a valid request. */
export interface RouteContract {
  /**
   * The body the route accepts: a request whose body parses is a valid one. Null for a route that
   * takes no body (a GET), which refuses any and reads its query string instead.
   */
  bodySchema: z.ZodMiniType | null;
  /** The query string a route without a body accepts (strict: an unknown name is a 400). */
  querySchema?: z.ZodMiniType;
  /** The body of its 200 answer. */
  answerSchema: z.ZodMiniType;
  /** Valid requests of `caller`, which on a fresh world answer 200. */
  valid: (caller: WorldAccount) => fc.Arbitrary<ValidRequest>;
}

const code = fc.oneof(
  fc.string({ minLength: 1, maxLength: 64 }),
  fc.string({ minLength: 1, maxLength: 2048, unit: 'binary' }),
  fc.string({ minLength: 1, maxLength: 300, unit: 'grapheme' }),
  // Lone surrogates: valid JSON (as \ud800 escapes), not representable in UTF-8.
  fc.string({
    minLength: 1,
    maxLength: 8,
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map(String.fromCharCode),
  }),
);

/**
 * The caller's own value for a parameter or field the routes name, so that a route's example
 * request (its entry's `example`) becomes a valid request of any account of the world.
 */
const OWN_VALUES: Record<string, (caller: WorldAccount) => string> = {
  accountId: (caller) => caller.accountId,
  bankAccountConnectionIntentId: (caller) => caller.intentId,
  bankAccountId: (caller) => caller.bankAccountIds.live,
};

function ownValues<T extends Record<string, unknown>>(values: T, caller: WorldAccount): T {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, OWN_VALUES[name]?.(caller) ?? value]),
  ) as T;
}

/** The route's example request, sent by `caller`: its ids and account put in. */
const fromExample =
  (route: Route) =>
  (caller: WorldAccount): fc.Arbitrary<ValidRequest> =>
    fc.constant({
      body: route.example.body ? ownValues(route.example.body, caller) : undefined,
      ...(route.example.pathParameters
        ? { pathParameters: ownValues(route.example.pathParameters, caller) }
        : {}),
      ...(route.example.query ? { query: route.example.query } : {}),
    });

/**
 * Richer valid requests than a route's example, where its input has more than one valid form. A
 * route without an entry here is sent its example.
 */
const VALID_REQUESTS: Partial<Record<RouteId, RouteContract['valid']>> = {
  CreateIntent: (caller) =>
    fc
      .oneof(
        fc.record(
          {
            accountId: fc.constant(caller.accountId),
            type: fc.constant('quartz-accounts'),
            test: fc.boolean(),
          },
          { requiredKeys: ['accountId', 'type'] },
        ),
        fc.constantFrom(
          {
            accountId: caller.accountId,
            type: 'quartz-payment',
            bankAccountId: caller.bankAccountIds.live,
          },
          {
            accountId: caller.accountId,
            type: 'quartz-payment',
            bankAccountId: caller.bankAccountIds.live,
            test: false,
          },
          {
            accountId: caller.accountId,
            type: 'quartz-payment',
            bankAccountId: caller.bankAccountIds.test,
            test: true,
          },
          // The later page's names, with a payment consent's limits.
          { accountId: caller.accountId, type: 'account-information-consent' },
          {
            accountId: caller.accountId,
            type: 'enduring-payment-consent',
            bankAccountId: caller.bankAccountIds.live,
            name: 'Groceries',
            period: 'fortnightly',
            totalAmount: '50000',
          },
        ),
      )
      .map((body) => ({ body })),
  AuthorizeIntent: (caller) =>
    code.map((value) => ({
      body: { code: value },
      pathParameters: { bankAccountConnectionIntentId: caller.intentId },
    })),
  GetBankAccount: (caller) =>
    fc
      .constantFrom(caller.bankAccountIds.live, caller.bankAccountIds.test)
      .map((bankAccountId) => ({ body: undefined, pathParameters: { bankAccountId } })),
};

/** Every route of the route table: its schemas from its entry, its valid requests as above. */
export const ROUTE_CONTRACTS = Object.fromEntries(
  ROUTES.map((route): [RouteId, RouteContract] => [
    route.id,
    {
      bodySchema: route.request.body ?? null,
      ...(route.request.query ? { querySchema: route.request.query } : {}),
      answerSchema: route.answer.schema,
      valid: VALID_REQUESTS[route.id] ?? fromExample(route),
    },
  ]),
) as Record<RouteId, RouteContract>;

export const routeById = (id: RouteId): Route => {
  const route = ROUTES.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`no route ${id}`);
  return route;
};

// ---- the request --------------------------------------------------------------------------------

/**
 * The generators below are built once and yield recipes, functions of the valid request: building
 * an arbitrary per run (fast-check prepares every string arbitrary it builds) would cost more than
 * the request itself.
 */
export type Recipe<T> = (valid: ValidRequest) => T;

/** How a request travels: as an API Gateway event into the handler, or over HTTP to the local API. */
export type Transport = 'event' | 'http';

export type HostileBody =
  | { kind: 'none' }
  | { kind: 'text'; text: string }
  /** Raw bytes: over HTTP as they are; in an event as UTF-8 text, or base64 with `isBase64Encoded`. */
  | { kind: 'bytes'; bytes: Uint8Array; base64: boolean }
  /** An event body flagged `isBase64Encoded` that is not canonical base64 (events only). */
  | { kind: 'base64-text'; text: string };

export interface PathParameter {
  /** As it travels in the URL (percent-encoded, or malformed on purpose). */
  raw: string;
  /** What API Gateway hands the function; undefined when `raw` is not valid percent-encoding. */
  value: string | undefined;
}

export interface HostileRequest {
  routeId: RouteId;
  method: string;
  caller: WorldAccount;
  pathParameters: Record<string, PathParameter> | null;
  /** The query string's name and value pairs in order, repeats included (unencoded). */
  query: [string, string][];
  /** In order, with repeats and in any spelling. */
  headers: [string, string][];
  body: HostileBody;
  /** The caller's budget for this minute is spent (events only: the mocked counter refuses). */
  rateLimited: boolean;
  /** A valid request left as its route's generator made it: on a fresh world it answers 200. */
  pristine: boolean;
  /** What kind of body was generated, for the coverage check. */
  bodyKind: string;
}

// ---- the whole request --------------------------------------------------------------------------

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Hostile requests for one route of the route table, sent by one of the world's accounts: mostly
 * near the valid request, every part of it varied on its own (key, content type, body, path, the
 * header spellings and repeats), so that each part is exercised while the others still pass.
 */
export function hostileRequests(
  routeId: RouteId,
  world: World,
  transport: Transport,
): fc.Arbitrary<HostileRequest> {
  const route = routeById(routeId);
  const contract: RouteContract = ROUTE_CONTRACTS[routeId];
  const callers = world.accounts.map((caller) =>
    fc.record({
      caller: fc.constant(caller),
      valid: contract.valid(caller),
      apiKeys: repeated('x-api-key', apiKeyValue(world, caller, transport)),
    }),
  );
  return fc
    .record({
      who: fc.oneof(...callers),
      method:
        transport === 'http'
          ? fc.oneof(
              { weight: 30, arbitrary: fc.constant(route.method) },
              {
                weight: 1,
                arbitrary: fc.constantFrom(...METHODS.filter((method) => method !== route.method)),
              },
            )
          : fc.constant(route.method),
      path: pathParametersRecipe(route, world, transport),
      query: queryRecipes(contract),
      contentTypes: repeated('content-type', contentTypeValue(transport)),
      junk: junkHeaders(transport),
      order: fc.nat(),
      body: bodyRecipes(transport),
      rateLimited:
        transport === 'event'
          ? fc.oneof(
              { weight: 15, arbitrary: fc.constant(false) },
              { weight: 1, arbitrary: fc.constant(true) },
            )
          : fc.constant(false),
    })
    .map(({ who, method, path, query, contentTypes, junk, order, body, rateLimited }) => {
      const chosenPath = path(who.valid);
      const chosenBody = body(who.valid);
      const chosenQuery = query(who.valid);
      return withSummary({
        routeId,
        method,
        caller: who.caller,
        pathParameters: chosenPath.parameters,
        query: chosenQuery.pairs,
        headers: interleave(junk, [...contentTypes, ...who.apiKeys], order),
        body: chosenBody.body,
        rateLimited,
        pristine:
          chosenBody.unchanged && chosenPath.unchanged && chosenQuery.unchanged && method === route.method,
        bodyKind: chosenBody.kind,
      });
    });
}

/** Puts the generated headers among the junk ones, keeping the order of each list. */
function interleave(junk: [string, string][], own: [string, string][], seed: number): [string, string][] {
  const result = [...own];
  junk.forEach((entry, i) => {
    result.splice((seed + i * 7) % (result.length + 1), 0, entry);
  });
  return result;
}

const clip = (text: string, max = 120): string =>
  text.length <= max ? JSON.stringify(text) : `${JSON.stringify(text.slice(0, max))}…(${text.length} chars)`;

/** A short description for fast-check's report: a 10 MB body is summarized, not printed. */
export function withSummary(request: HostileRequest): HostileRequest {
  Object.defineProperty(request, fc.toStringMethod, {
    enumerable: false,
    value: () => {
      const body =
        request.body.kind === 'none'
          ? 'none'
          : request.body.kind === 'bytes'
            ? `${request.body.base64 ? 'base64 ' : ''}bytes ${clip(Buffer.from(request.body.bytes).toString('latin1'))}`
            : `${request.body.kind} ${clip(request.body.text)}`;
      return JSON.stringify({
        route: request.routeId,
        method: request.method,
        caller: request.caller.accountId,
        pathParameters: request.pathParameters
          ? Object.fromEntries(
              Object.entries(request.pathParameters).map(([name, p]) => [name, clip(p.raw, 60)]),
            )
          : null,
        query: request.query.map(([name, value]) => `${clip(name, 60)}=${clip(value, 60)}`),
        headers: request.headers.map(([name, value]) => `${name}: ${clip(value, 60)}`),
        rateLimited: request.rateLimited,
        pristine: request.pristine,
        body,
      });
    },
  });
  return request;
}

/**
 * fast-check's parameters for a suite: `numRuns` runs from a fresh seed, or, to replay a failure,
 * the `seed` (and `path`) its report printed, given as FC_SEED and FC_PATH.
 */
export function propertyParameters(numRuns: number): fc.Parameters<[HostileRequest]> {
  const seed = process.env.FC_SEED;
  const path = process.env.FC_PATH;
  return {
    numRuns,
    ...(seed ? { seed: Number(seed) } : {}),
    ...(path ? { path } : {}),
  };
}
