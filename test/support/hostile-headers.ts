import * as fc from 'fast-check';
import type { Transport, World, WorldAccount } from './hostile-requests';

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

export const junkHeaders = (transport: Transport): fc.Arbitrary<[string, string][]> =>
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
export const repeated = (name: string, value: fc.Arbitrary<string>): fc.Arbitrary<[string, string][]> =>
  fc.oneof(
    { weight: 24, arbitrary: fc.tuple(fc.mixedCase(fc.constant(name)), value).map((entry) => [entry]) },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([]) },
    {
      weight: 2,
      arbitrary: fc.array(fc.tuple(fc.mixedCase(fc.constant(name)), value), { minLength: 2, maxLength: 3 }),
    },
  );

export const apiKeyValue = (world: World, caller: WorldAccount, transport: Transport): fc.Arbitrary<string> =>
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

export const contentTypeValue = (transport: Transport): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 20, arbitrary: fc.constantFrom(...JSON_CONTENT_TYPES) },
    { weight: 3, arbitrary: headerValue(transport, fc.constantFrom(...OTHER_CONTENT_TYPES)) },
    { weight: 1, arbitrary: headerValue(transport, fc.string({ maxLength: 40 })) },
  );
