import * as fc from 'fast-check';
import type { Recipe, RouteContract, ValidRequest } from './hostile-requests';

/**
 * Query strings of hostile requests: mostly the valid request's own, else with a name it does not
 * know, a name given twice, or a page key that is not one the service signed. A route with a body
 * ignores its query string, which the same requests show.
 */

export interface QueryChoice {
  pairs: [string, string][];
  unchanged: boolean;
}

const QUERY_NAMES = ['pageKey', 'PageKey', 'pagekey', 'limit', 'page', '__proto__', 'constructor', ''];

const queryValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ maxLength: 40, unit: 'binary' }),
  fc.constantFrom('', ' ', '\u0000', 'x'.repeat(1024), 'x'.repeat(1025), 'eyJhIjoxfQ.AAAA'),
);

const unchanged = fc.constant(
  (valid: ValidRequest): QueryChoice => ({ pairs: Object.entries(valid.query ?? {}), unchanged: true }),
);

/** The query strings of one route, as recipes of its valid request. */
export function queryRecipes(contract: RouteContract): fc.Arbitrary<Recipe<QueryChoice>> {
  const named = (contract.querySchema as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
  const names = [...new Set([...Object.keys(named), ...QUERY_NAMES])];
  return fc.oneof(
    { weight: 20, arbitrary: unchanged },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...names), queryValue).map(
        ([name, value]) =>
          (valid: ValidRequest): QueryChoice => ({
            pairs: [...Object.entries(valid.query ?? {}), [name, value]],
            unchanged: false,
          }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...names), queryValue, queryValue).map(
        ([name, first, second]) =>
          (): QueryChoice => ({
            pairs: [
              [name, first],
              [name, second],
            ],
            unchanged: false,
          }),
      ),
    },
  );
}
