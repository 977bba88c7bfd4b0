import * as z from 'zod/mini';
import { intentViewSchema } from './intent-view';
import { isoTimestamp } from './schemas';

/** The most intents one page holds. */
export const INTENT_PAGE_SIZE = 50;

/** Where a page ends: the last intent it holds, in the listing's order (newest first). */
export const intentPositionSchema = z.strictObject({
  createdAt: isoTimestamp,
  id: z.string().check(z.minLength(1), z.maxLength(64)),
});
export type IntentPosition = z.infer<typeof intentPositionSchema>;

/** One page of an account's intents; `nextPageKey` is absent on the last page. */
export const intentPageSchema = z.strictObject({
  items: z.array(intentViewSchema).check(z.maxLength(INTENT_PAGE_SIZE)),
  nextPageKey: z
    .optional(z.string())
    .check(z.meta({ description: 'Absent on the last page; else the `pageKey` of the next page (opaque).' })),
});
export type IntentPage = z.infer<typeof intentPageSchema>;
