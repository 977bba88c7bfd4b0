import * as z from 'zod/mini';

/**
 * The query strings of the read operations. Strict: an unknown parameter is a 400 naming it, as an
 * unknown body field is.
 */

/** For operations that take no query parameter. */
export const noQuerySchema = z.strictObject({});
export type NoQuery = z.infer<typeof noQuerySchema>;

export const listIntentsQuerySchema = z.strictObject({
  /** The `nextPageKey` of the page before; absent for the first page. */
  pageKey: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))).check(
    z.meta({
      description:
        'The `nextPageKey` of the page before, as it was answered; one not issued for this account and query is a 400 `pageKey is invalid`.',
    }),
  ),
});
export type ListIntentsQuery = z.infer<typeof listIntentsQuerySchema>;
