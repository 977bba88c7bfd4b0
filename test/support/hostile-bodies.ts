import * as fc from 'fast-check';
import { MAX_BODY_BYTES } from '../../functions/shared/http/body-limit';
import type { HostileBody, Recipe, Transport, ValidRequest } from './hostile-requests';

/**
 * Bodies of hostile requests: the route's valid body written in every valid way, changed in one
 * way, every JSON type, deeply nested, huge (around the limit and up to API Gateway's), not JSON at
 * all, binary, not UTF-8, and, in events, base64-encoded.
 */

type Entries = [string, unknown][];

/** The body the hostile kinds start from: a route that takes none is sent `{}` and its variations. */
const bodyOf = (valid: ValidRequest): Record<string, unknown> => valid.body ?? {};

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
    const [first, ...rest] = Object.entries(bodyOf(valid));
    if (!inField || !first) return nested;
    const others = rest.length ? `,${objectText(rest).slice(1)}` : '}';
    return `{${JSON.stringify(first[0])}:${nested}${others}`;
  });

/**
 * Sizes around the limit, now and then far beyond it, and rarely (building it costs more than many
 * requests) API Gateway's largest body and a byte more.
 */
const hugeSize = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom(MAX_BODY_BYTES - 1, MAX_BODY_BYTES, MAX_BODY_BYTES + 1) },
  { weight: 16, arbitrary: fc.integer({ min: MAX_BODY_BYTES - 64, max: MAX_BODY_BYTES + 64 }) },
  { weight: 4, arbitrary: fc.integer({ min: MAX_BODY_BYTES, max: 1024 * 1024 }) },
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
    const text = JSON.stringify(bodyOf(valid));
    if (shape === 'padded') return `${text}${' '.repeat(Math.max(0, size - utf8Bytes(text)))}`;
    if (shape === 'array') return `[${'1,'.repeat(Math.max(0, Math.floor((size - 3) / 2)))}1]`;
    const [firstKey = 'a'] = Object.keys(bodyOf(valid));
    const count = Math.max(1, Math.floor(size / utf8Bytes(char)));
    return JSON.stringify({ ...bodyOf(valid), [firstKey]: char.repeat(count) });
  });

export interface BodyChoice {
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

/** The valid request's body as written; a route that takes no body is sent none. */
const validBody = (write: (value: unknown) => string, valid: ValidRequest): BodyChoice =>
  valid.body === undefined
    ? { body: { kind: 'none' }, kind: 'valid', unchanged: true }
    : textBody(write(valid.body), 'valid', true);

/** Bodies of every kind, as recipes of the valid request. */
export function bodyRecipes(transport: Transport): fc.Arbitrary<Recipe<BodyChoice>> {
  const choices: fc.WeightedArbitrary<Recipe<BodyChoice>>[] = [
    {
      weight: 12,
      arbitrary: serializations.map((write) => (valid) => validBody(write, valid)),
    },
    {
      weight: 6,
      arbitrary: fc.tuple(mutation, fc.boolean()).map(([change, pretty]) => (valid) => {
        const text = objectText(change(Object.entries(bodyOf(valid))));
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
      arbitrary: notJson.map(
        (spoil) => (valid) => textBody(spoil(JSON.stringify(bodyOf(valid))), 'not-json'),
      ),
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
        body: { kind: 'bytes', bytes: withInvalidUtf8(bodyOf(valid), byte), base64: false },
        kind: 'invalid-utf8',
        unchanged: false,
      })),
    },
  ];
  if (transport === 'event') {
    const anyText: fc.Arbitrary<Recipe<string>> = fc.oneof(
      serializations.map((write) => (valid: ValidRequest) => write(bodyOf(valid))),
      huge,
      notJson.map((spoil) => (valid: ValidRequest) => spoil(JSON.stringify(bodyOf(valid)))),
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
