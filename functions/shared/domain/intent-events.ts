import * as z from 'zod/mini';
import { derivedId } from './ids';
import { intentViewSchema, toIntentView } from './intent-view';
import type { ConnectionIntent, IntentStatus } from './schemas';

/** The `source` of every event the service publishes. */
export const INTENT_EVENT_SOURCE = 'bank-account-connection-intents';

/** The `detail-type` of the event that tells an intent reached a status. */
export const INTENT_EVENT_DETAIL_TYPES = {
  created: 'Bank Account Connection Intent Created',
  authorized: 'Bank Account Connection Intent Authorized',
  failed: 'Bank Account Connection Intent Failed',
} as const satisfies Record<IntentStatus, string>;
export type IntentEventDetailType = (typeof INTENT_EVENT_DETAIL_TYPES)[IntentStatus];

/**
 * The event's `detail`: the intent as `GET` answers it (strict, so no internal field can slip in),
 * plus the id a consumer deduplicates on. Delivery is at least once: the same status change may
 * arrive twice, always with the same `eventId`.
 */
export const intentEventDetailSchema = z.extend(intentViewSchema, { eventId: z.string() });
export type IntentEventDetail = z.infer<typeof intentEventDetailSchema>;

export interface IntentEvent {
  source: typeof INTENT_EVENT_SOURCE;
  detailType: IntentEventDetailType;
  /** When the status changed: the intent's `updatedAt`. */
  time: string;
  detail: IntentEventDetail;
}

/**
 * One write to one intent, as the table's change stream tells it: the intent before the write
 * (absent when the write created it) and after it (absent when the write deleted it).
 */
export interface IntentChange {
  before?: ConnectionIntent;
  after?: ConnectionIntent;
}

/**
 * An intent reaches each status at most once (created, then authorized or failed, never back), so
 * the intent and its new status name a status change for good: a record delivered again, or read
 * again from the stream, gives the same id.
 */
export const intentEventId = (intentId: string, status: IntentStatus): string =>
  derivedId(`bank-account-connection-intent-event:${intentId}:${status}`);

/**
 * The event a change publishes, if any: a write that gives the intent a status it did not have
 * (its creation, authorization, failure, expiry included: an expired intent is failed with
 * `failureReason` EXPIRED). Writes that keep the status (a claim, a saved grant, a released claim)
 * and deletions publish nothing.
 */
export function intentEventOf(change: IntentChange): IntentEvent | undefined {
  const { before, after } = change;
  if (!after || before?.status === after.status) return undefined;
  return {
    source: INTENT_EVENT_SOURCE,
    detailType: INTENT_EVENT_DETAIL_TYPES[after.status],
    time: after.updatedAt,
    detail: intentEventDetailSchema.parse({
      ...toIntentView(after),
      eventId: intentEventId(after.id, after.status),
    }),
  };
}
