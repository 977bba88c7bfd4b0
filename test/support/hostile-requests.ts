import * as fc from 'fast-check';
import * as z from 'zod';
import { ROUTES, type Route } from '../../functions/routes';
import {
  authorizeIntentBodySchema,
  createIntentBodySchema,
  intentResponseSchema,
} from '../../functions/shared/domain/schemas';
import { MAX_BODY_BYTES } from '../../functions/shared/http/body-limit';

export type RouteId = (typeof ROUTES)[number]['id'];

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
  body: Record<string, unknown>;
  pathParameters?: Record<string, string>;
}

/** What the suite needs to know about a route beyond its entry in the route table. */
export interface RouteContract {
  /** The body the route accepts: a request whose body parses is a valid one. */
  bodySchema: z.ZodType;
  /** The body of its 200 answer. */
  answerSchema: z.ZodType;
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
 * One entry per route of the route table (the type makes a missing one a compile error): a new
 * route is covered by adding its entry here.
 */
export const ROUTE_CONTRACTS = {
  CreateIntent: {
    bodySchema: createIntentBodySchema,
    answerSchema: intentResponseSchema,
    valid: (caller) =>
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
          fc.boolean().chain((test) =>
            fc.record(
              {
                accountId: fc.constant(caller.accountId),
                type: fc.constant('quartz-payment'),
                bankAccountId: fc.constant(test ? caller.bankAccountIds.test : caller.bankAccountIds.live),
                test: fc.constant(test),
              },
              {
                requiredKeys: test
                  ? ['accountId', 'type', 'bankAccountId', 'test']
                  : ['accountId', 'type', 'bankAccountId'],
              },
            ),
          ),
        )
        .map((body) => ({ body })),
  },
  AuthorizeIntent: {
    bodySchema: authorizeIntentBodySchema,
    answerSchema: z.strictObject({}),
    valid: (caller) =>
      code.map((value) => ({
        body: { code: value },
        pathParameters: { bankAccountConnectionIntentId: caller.intentId },
      })),
  },
} satisfies Record<RouteId, RouteContract>;

export const routeById = (id: RouteId): Route => {
  const route = ROUTES.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`no route ${id}`);
  return route;
};

export const pathParameterNames = (route: Route): string[] =>
  [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');

// ---- the request --------------------------------------------------------------------------------

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

// ---- bodies -------------------------------------------------------------------------------------

type Entries = [string, unknown][];

/** An object as JSON text from its entries, so that a key may appear twice. */
const objectText = (entries: Entries): string =>
  `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`;

const escapeAll = (text: string): string =>
  text.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Ways to write the same JSON value: all of them valid JSON. */
const serializations: fc.Arbitrary<(value: unknown) => string> = fc.constantFrom(
  (value: unknown) => JSON.stringify(value),
  (value: unknown) => JSON.stringify(value, null, 2),
  (value: unknown) => JSON.stringify(value, null, '\t'),
  (value: unknown) => ` \r\n\t${JSON.stringify(value)}\n `,
  // Every character outside printable ASCII as a \u escape (inside strings only, so still JSON).
  (value: unknown) => escapeAll(JSON.stringify(value)),
);

const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '',
  ' ',
  '\u0000',
  'code\u0000',
  'Code',
  'CODE',
  'accountid',
  'account_id',
  'type ',
  '\u00e9t\u00e9',
  '\ud83d\ude00',
  'a'.repeat(5_000),
];

const hostileKey = fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 20, unit: 'binary' }));

const anyJson = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' });

/** A value of a field, wrong or right: every JSON type, unicode, NUL, long and empty strings. */
const anyFieldValue = fc.oneof(
  anyJson,
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'null',
    'true',
    '0',
    'x'.repeat(3_000),
    '\ud800',
    'quartz-accounts ',
    'QUARTZ-ACCOUNTS',
  ),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
);

/**
 * The generators below are built once and yield recipes, functions of the valid request: building
 * an arbitrary per run (fast-check prepares every string arbitrary it builds) would cost more than
 * the request itself.
 */
type Recipe<T> = (valid: ValidRequest) => T;

/** A valid body changed in one way; the result may still be valid, which the oracle decides. */
const mutation: fc.Arbitrary<(entries: Entries) => Entries> = fc.oneof(
  fc.nat().map((i) => (entries: Entries) => entries.filter((_, j) => j !== i % entries.length)),
  fc.tuple(fc.nat(), anyFieldValue).map(
    ([i, value]) =>
      (entries: Entries) =>
        entries.map(([key, old], j): [string, unknown] => [key, j === i % entries.length ? value : old]),
  ),
  fc.tuple(hostileKey, anyFieldValue).map(
    ([key, value]) =>
      (entries: Entries): Entries => [...entries, [key, value]],
  ),
  // `constructor.prototype` is what middy's parser refuses besides `__proto__`.
  fc.constant(
    (entries: Entries): Entries => [...entries, ['constructor', { prototype: { polluted: true } }]],
  ),
  fc.constant((entries: Entries): Entries => [['__proto__', { polluted: true }], ...entries]),
  // A key twice: JSON.parse keeps the last one.
  fc.tuple(fc.nat(), anyFieldValue, fc.boolean()).map(([i, value, before]) => (entries: Entries): Entries => {
    const key = entries[i % Math.max(1, entries.length)]?.[0] ?? 'code';
    return before ? [[key, value], ...entries] : [...entries, [key, value]];
  }),
);

/** Not JSON at all, or JSON with something around it. */
const notJson: fc.Arbitrary<(validText: string) => string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map((text) => () => text),
  fc
    .constantFrom(
      '',
      '{',
      '}',
      'undefined',
      'NaN',
      'Infinity',
      "{'code':'x'}",
      '{"code":"x",}',
      '/* comment */ {}',
      '{"a":1}{"a":2}',
      'null\u0000',
      '\u0000',
      '[1,]',
      '01',
      '"unterminated',
    )
    .map((text) => () => text),
  fc.constant((validText: string) => `\ufeff${validText}`),
  fc.constant((validText: string) => `${validText}garbage`),
  fc.nat().map((cut) => (validText: string) => validText.slice(0, cut % Math.max(1, validText.length))),
  fc.nat().map((at) => (validText: string) => {
    const i = at % (validText.length + 1);
    return `${validText.slice(0, i)}\u0000${validText.slice(i)}`;
  }),
);

const JSON_NUMBERS = ['0', '-0', '1e400', '-1e400', '1e-400', '123456789012345678901234567890', '0.1', '-1'];

/** Deeply nested arrays or objects, on their own or as the value of a field. */
const deeplyNested: fc.Arbitrary<Recipe<string>> = fc
  .tuple(fc.integer({ min: 100, max: 40_000 }), fc.constantFrom('array', 'object', 'mixed'), fc.boolean())
  .map(([depth, shape, inField]) => (valid) => {
    const open = shape === 'array' ? '[' : shape === 'object' ? '{"a":' : '[{"a":';
    const close = shape === 'array' ? ']' : shape === 'object' ? '}' : '}]';
    const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
    const [first, ...rest] = Object.entries(valid.body);
    if (!inField || !first) return nested;
    const others = rest.length ? `,${objectText(rest).slice(1)}` : '}';
    return `{${JSON.stringify(first[0])}:${nested}${others}`;
  });

/** Sizes around the limit, now and then far beyond it, up to what API Gateway accepts and a byte more. */
const hugeSize = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(MAX_BODY_BYTES - 1, MAX_BODY_BYTES, MAX_BODY_BYTES + 1) },
  { weight: 6, arbitrary: fc.integer({ min: MAX_BODY_BYTES - 64, max: MAX_BODY_BYTES + 64 }) },
  { weight: 2, arbitrary: fc.integer({ min: MAX_BODY_BYTES, max: 1024 * 1024 }) },
  { weight: 1, arbitrary: fc.constant(10 * 1024 * 1024 + 1) },
);

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * Large bodies: a valid body padded with whitespace to an exact size in bytes (valid JSON, so only
 * the limit refuses it), a field holding a long string of one- to four-byte characters (more bytes
 * than characters), or a long array.
 */
const huge: fc.Arbitrary<Recipe<string>> = fc
  .tuple(
    hugeSize,
    fc.constantFrom('padded', 'string', 'array'),
    fc.constantFrom('x', '\u00e9', '\u20ac', '\ud83d\ude00'),
  )
  .map(([size, shape, char]) => (valid) => {
    const text = JSON.stringify(valid.body);
    if (shape === 'padded') return `${text}${' '.repeat(Math.max(0, size - utf8Bytes(text)))}`;
    if (shape === 'array') return `[${'1,'.repeat(Math.max(0, Math.floor((size - 3) / 2)))}1]`;
    const [firstKey = 'a'] = Object.keys(valid.body);
    const count = Math.max(1, Math.floor(size / utf8Bytes(char)));
    return JSON.stringify({ ...valid.body, [firstKey]: char.repeat(count) });
  });

interface BodyChoice {
  body: HostileBody;
  kind: string;
  /** The valid body as it was generated. */
  unchanged: boolean;
}

const textBody = (text: string, kind: string, unchanged = false): BodyChoice => ({
  body: { kind: 'text', text },
  kind,
  unchanged,
});

/**
 * The valid body as UTF-8 with one byte that is not UTF-8 at the end of its first string value:
 * still JSON, and the function receives that byte as U+FFFD.
 */
function withInvalidUtf8(body: Record<string, unknown>, byte: number): Uint8Array {
  const MARK = '\\u0007';
  const [key] = Object.entries(body).find(([, value]) => typeof value === 'string') ?? [];
  const text = JSON.stringify(key === undefined ? body : { ...body, [key]: `${String(body[key])}\u0007` });
  const at = text.indexOf(MARK);
  const bytes = Buffer.from(text, 'utf8');
  if (at < 0) return new Uint8Array(bytes);
  const before = Buffer.byteLength(text.slice(0, at), 'utf8');
  return new Uint8Array(
    Buffer.concat([bytes.subarray(0, before), Buffer.from([byte]), bytes.subarray(before + MARK.length)]),
  );
}

/** Bodies of every kind, as recipes of the valid request. */
function bodyRecipes(transport: Transport): fc.Arbitrary<Recipe<BodyChoice>> {
  const choices: fc.WeightedArbitrary<Recipe<BodyChoice>>[] = [
    {
      weight: 12,
      arbitrary: serializations.map((write) => (valid) => textBody(write(valid.body), 'valid', true)),
    },
    {
      weight: 6,
      arbitrary: fc.tuple(mutation, fc.boolean()).map(([change, pretty]) => (valid) => {
        const text = objectText(change(Object.entries(valid.body)));
        return textBody(pretty ? text.replace(/,"/g, ',\n  "') : text, 'mutated');
      }),
    },
    { weight: 2, arbitrary: anyJson.map((value) => () => textBody(JSON.stringify(value), 'json-value')) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(...JSON_NUMBERS).map((text) => () => textBody(text, 'json-value')),
    },
    { weight: 1, arbitrary: deeplyNested.map((nest) => (valid) => textBody(nest(valid), 'deep')) },
    { weight: 1, arbitrary: huge.map((grow) => (valid) => textBody(grow(valid), 'huge')) },
    {
      weight: 2,
      arbitrary: notJson.map((spoil) => (valid) => textBody(spoil(JSON.stringify(valid.body)), 'not-json')),
    },
    { weight: 1, arbitrary: fc.constant(() => ({ body: { kind: 'none' }, kind: 'none', unchanged: false })) },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => () => ({
        body: { kind: 'bytes', bytes, base64: false },
        kind: 'binary',
        unchanged: false,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(0x80, 0xc3, 0xff).map((byte) => (valid) => ({
        body: { kind: 'bytes', bytes: withInvalidUtf8(valid.body, byte), base64: false },
        kind: 'invalid-utf8',
        unchanged: false,
      })),
    },
  ];
  if (transport === 'event') {
    const anyText: fc.Arbitrary<Recipe<string>> = fc.oneof(
      serializations.map((write) => (valid: ValidRequest) => write(valid.body)),
      huge,
      notJson.map((spoil) => (valid: ValidRequest) => spoil(JSON.stringify(valid.body))),
    );
    choices.push(
      {
        // What API Gateway sends for a binary media type: the same body, base64-encoded.
        weight: 2,
        arbitrary: anyText.map((text) => (valid) => ({
          body: { kind: 'bytes', bytes: new Uint8Array(Buffer.from(text(valid), 'utf8')), base64: true },
          kind: 'base64',
          unchanged: false,
        })),
      },
      {
        weight: 1,
        arbitrary: fc.string({ maxLength: 400 }).map((text) => () => ({
          body: { kind: 'base64-text', text },
          kind: 'base64-garbage',
          unchanged: false,
        })),
      },
    );
  }
  return fc.oneof(...choices);
}

// ---- headers ------------------------------------------------------------------------------------

export const JSON_CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/problem+json',
  'application/merge-patch+json',
];

const OTHER_CONTENT_TYPES = [
  '',
  'text/plain',
  'text/json',
  'text/html; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/jsonx',
  'application/json-seq',
  'application/octet-stream',
  'json',
  '*/*',
  'application/ json',
  ' application/json',
  'application/json ',
  'application/json\u0000',
];

/** Headers HTTP uses for framing or the connection: the HTTP transport sets those itself. */
const FRAMING_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
]);
const HANDLED_HEADERS = new Set(['x-api-key', 'content-type']);

/** A character Node's HTTP client may send in a header value. */
const HEADER_SAFE = /[\t\x20-\x7e\x80-\xff]/;
const headerSafe = (value: string): string =>
  [...value].map((char) => (char.length === 1 && HEADER_SAFE.test(char) ? char : '?')).join('');

/** Values of one header; over HTTP only what an HTTP client can send, and short enough for Node. */
const headerValue = (transport: Transport, values: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  transport === 'http' ? values.map(headerSafe) : values;

/**
 * Header values; long ones only in events: over HTTP, Node refuses a header section above 16 KiB
 * before any route (tested on its own), and API Gateway one above 10 KiB.
 */
const junkHeaderValue = (transport: Transport) =>
  fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ maxLength: 60, unit: 'binary' }),
    fc.constantFrom('', '\u0000', transport === 'event' ? 'x'.repeat(4_000) : 'x'.repeat(400)),
  );

const junkHeaders = (transport: Transport): fc.Arbitrary<[string, string][]> =>
  fc.array(
    fc.tuple(
      fc
        .oneof(
          fc.constantFrom(
            'constructor',
            '__proto__',
            'toString',
            'hasOwnProperty',
            'X-Request-Id',
            'x-amzn-RequestId',
            'Accept',
            'Authorization',
            'Content-Encoding',
            'Cookie',
            'X-Forwarded-For',
            'Origin',
          ),
          fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,30}$/),
        )
        .filter(
          (name) => !FRAMING_HEADERS.has(name.toLowerCase()) && !HANDLED_HEADERS.has(name.toLowerCase()),
        ),
      headerValue(transport, junkHeaderValue(transport)),
    ),
    { maxLength: 4 },
  );

/** One, none or several values of a header, each name in a random case. */
const repeated = (name: string, value: fc.Arbitrary<string>): fc.Arbitrary<[string, string][]> =>
  fc.oneof(
    { weight: 24, arbitrary: fc.tuple(fc.mixedCase(fc.constant(name)), value).map((entry) => [entry]) },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([]) },
    {
      weight: 2,
      arbitrary: fc.array(fc.tuple(fc.mixedCase(fc.constant(name)), value), { minLength: 2, maxLength: 3 }),
    },
  );

const apiKeyValue = (world: World, caller: WorldAccount, transport: Transport): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constant(caller.ownerKey) },
    { weight: 1, arbitrary: fc.constantFrom(...world.accounts.map((account) => account.ownerKey)) },
    { weight: 1, arbitrary: fc.constant(world.terminalKey) },
    { weight: 1, arbitrary: fc.constant(world.disabledKey) },
    {
      weight: 2,
      arbitrary: headerValue(
        transport,
        fc.oneof(
          fc.string({ maxLength: 64 }),
          fc.string({ maxLength: 64, unit: 'binary' }),
          fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
          fc.constantFrom(
            '',
            ' ',
            `${caller.ownerKey} `,
            ` ${caller.ownerKey}`,
            `${caller.ownerKey}\t`,
            caller.ownerKey.toUpperCase(),
            caller.ownerKey.slice(1),
            `${caller.ownerKey}x`,
            `${caller.ownerKey},${caller.ownerKey}`,
            transport === 'event' ? 'x'.repeat(4_000) : 'x'.repeat(400),
          ),
        ),
      ),
    },
  );

const contentTypeValue = (transport: Transport): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...JSON_CONTENT_TYPES) },
    { weight: 3, arbitrary: headerValue(transport, fc.constantFrom(...OTHER_CONTENT_TYPES)) },
    { weight: 1, arbitrary: headerValue(transport, fc.string({ maxLength: 40 })) },
  );

// ---- path parameters ----------------------------------------------------------------------------

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const base58Id = fc.string({ unit: fc.constantFrom(...BASE58), minLength: 22, maxLength: 22 });

/** Values that are not ids this service issues. */
const notAnId = fc.oneof(
  fc.constantFrom(
    ' ',
    '0'.repeat(22),
    'OIl0OIl0OIl0OIl0OIl0OI',
    '3KVjuKW2CZCJeJVqPxwkX',
    '3KVjuKW2CZCJeJVqPxwkX77',
    '3KVjuKW2CZCJeJVqPxwkX7\u0000',
    '3kvjukw2czcjejvqpxwkx7',
    '../../../etc/passwd',
    '__proto__',
    'constructor',
    'null',
    'undefined',
    '%E0%A4%A',
    '%',
    'a/b',
    '.',
    '..',
    '\ud83d\ude00'.repeat(11),
    'x'.repeat(10_000),
  ),
  fc.string({ minLength: 1, maxLength: 40 }),
  fc.string({ minLength: 1, maxLength: 40, unit: 'binary' }),
  fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }),
);

/** Raw path segments that are not valid percent-encoding of UTF-8. */
const malformedSegment = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...BASE58), maxLength: 10 }),
    fc.constantFrom(
      '%',
      '%E0%A4%A',
      '%ZZ',
      '%C3',
      '%C3%28',
      '%ED%A0%80',
      '%F0%9F%98',
      '%%',
      '%0',
      '%G1',
      '%FF',
    ),
    fc.string({ unit: fc.constantFrom(...BASE58), maxLength: 10 }),
  )
  .map(([before, bad, after]) => `${before}${bad}${after}`);

interface PathChoice {
  parameter: PathParameter;
  unchanged: boolean;
}

const encoded = (value: string): PathChoice => ({
  parameter: { raw: encodeURIComponent(value), value },
  unchanged: false,
});

/** One path parameter: the valid request's id, another known id, or something that is no id. */
function pathParameterRecipe(
  world: World,
  transport: Transport,
): fc.Arbitrary<(valid: string | undefined) => PathChoice> {
  const knownIds = world.accounts.flatMap((account) => [
    account.intentId,
    account.bankAccountIds.live,
    account.bankAccountIds.test,
  ]);
  const choices: fc.WeightedArbitrary<(valid: string | undefined) => PathChoice>[] = [
    {
      weight: 12,
      arbitrary: base58Id.map(
        (fallback) => (valid: string | undefined) =>
          valid === undefined
            ? encoded(fallback)
            : { parameter: { raw: encodeURIComponent(valid), value: valid }, unchanged: true },
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(...knownIds).map((id) => () => encoded(id)) },
    { weight: 2, arbitrary: base58Id.map((id) => () => encoded(id)) },
    { weight: 4, arbitrary: notAnId.map((value) => () => encoded(value)) },
  ];
  if (transport === 'http') {
    choices.push({
      weight: 2,
      arbitrary: malformedSegment.map((raw) => () => ({
        parameter: { raw, value: undefined },
        unchanged: false,
      })),
    });
  }
  return fc.oneof(...choices);
}

interface PathParametersChoice {
  parameters: Record<string, PathParameter> | null;
  unchanged: boolean;
}

function pathParametersRecipe(
  route: Route,
  world: World,
  transport: Transport,
): fc.Arbitrary<Recipe<PathParametersChoice>> {
  const names = pathParameterNames(route);
  if (names.length === 0) return fc.constant(() => ({ parameters: null, unchanged: true }));
  const one = pathParameterRecipe(world, transport);
  const all = fc
    .array(one, { minLength: names.length, maxLength: names.length })
    .map((recipes) => (valid: ValidRequest): PathParametersChoice => {
      const chosen = names.map((name, i) =>
        (recipes[i] as (v: string | undefined) => PathChoice)(valid.pathParameters?.[name]),
      );
      return {
        parameters: Object.fromEntries(names.map((name, i) => [name, (chosen[i] as PathChoice).parameter])),
        unchanged: chosen.every((choice) => choice.unchanged),
      };
    });
  // An event without the parameters API Gateway always fills: the handler must not trip over it.
  if (transport === 'http') return all;
  return fc.oneof(
    { weight: 30, arbitrary: all },
    { weight: 1, arbitrary: fc.constant(() => ({ parameters: null, unchanged: false })) },
  );
}

// ---- the whole request --------------------------------------------------------------------------

const OTHER_METHODS = ['GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

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
              { weight: 30, arbitrary: fc.constant('POST') },
              { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
            )
          : fc.constant('POST'),
      path: pathParametersRecipe(route, world, transport),
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
    .map(({ who, method, path, contentTypes, junk, order, body, rateLimited }) => {
      const chosenPath = path(who.valid);
      const chosenBody = body(who.valid);
      return withSummary({
        routeId,
        method,
        caller: who.caller,
        pathParameters: chosenPath.parameters,
        headers: interleave(junk, [...contentTypes, ...who.apiKeys], order),
        body: chosenBody.body,
        rateLimited,
        pristine: chosenBody.unchanged && chosenPath.unchanged && method === 'POST',
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
