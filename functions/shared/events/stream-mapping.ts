import { PUBLISHER_BUDGET } from '../time-budget';

/**
 * How the table's change stream feeds the publisher: the stack's event source mapping
 * (lib/event-publishing.ts) and the local stack's stream reader (local/stream-reader.ts) both read
 * these, so the local stack retries and gives up as Lambda does.
 */
export const STREAM_MAPPING = {
  /**
   * Records per invocation. Every request to the API writes a rate-limit counter, but the mapping
   * hands over intent records only, so a batch is a few status changes at a time; 25 fill at most
   * three PutEvents requests, well inside the publisher's timeout.
   */
  batchSize: 25,
  /**
   * How many times a batch is delivered again before it is given up (named in the dead-letter
   * queue). Retries of a refused PutEvents come back at once, so the number is what lets a short
   * outage of EventBridge pass; the record age below bounds a long one.
   */
  retryAttempts: 50,
  /** See PublisherBudget.maxRecordAgeMs. */
  maxRecordAgeSeconds: PUBLISHER_BUDGET.maxRecordAgeMs / 1_000,
} as const;
