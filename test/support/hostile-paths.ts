import * as fc from 'fast-check';
import type { Route } from '../../functions/routes';
import type { PathParameter, Recipe, Transport, ValidRequest, World } from './hostile-requests';

/** The names of a route's `{name}` path segments. */
export const pathParameterNames = (route: Route): string[] =>
  [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '');

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
    account.accountId,
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

export interface PathParametersChoice {
  parameters: Record<string, PathParameter> | null;
  unchanged: boolean;
}

export function pathParametersRecipe(
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
