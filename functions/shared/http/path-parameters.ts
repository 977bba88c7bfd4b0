import * as z from 'zod/mini';

/**
 * The path parameters of the routes. Plain strings: an id that is not one the service issued (22
 * characters of base58) names nothing of the caller's, so it is answered `403 Forbidden` like a
 * missing resource, never a 400.
 */
const issuedId = (what: string, example: string) =>
  z.string().check(
    z.meta({
      description: `The ${what} (22 characters of base58). Anything else, or another account's, is 403 Forbidden.`,
      example,
    }),
  );

export const intentIdParameter = issuedId('intent id', '3KVjuKW2CZCJeJVqPxwkX7');
export const accountIdParameter = issuedId('account id', 'uooxSens6ykJaim1Cu1Q55');
export const bankAccountIdParameter = issuedId('Bank Account id', 'Bnk1111111111111111111');
