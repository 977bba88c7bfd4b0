import type { DynamoDBRecord } from 'aws-lambda';
import { INTENT_PARTITION_PREFIX } from '../repository/intent-stream';
import { TABLE_KEY_SCHEMA } from '../repository/table-keys';
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

/**
 * The mapping's filter: records of intent items only, told by the prefix of their partition key.
 * Only intents have events, and every API request also writes a rate-limit counter.
 */
export const STREAM_FILTER = {
  partitionKey: TABLE_KEY_SCHEMA.partitionKey,
  partitionKeyPrefix: INTENT_PARTITION_PREFIX,
} as const;

/** Whether the mapping hands a record to the publisher (as Lambda applies the filter above). */
export const passesStreamFilter = (record: DynamoDBRecord): boolean =>
  record.dynamodb?.Keys?.[STREAM_FILTER.partitionKey]?.S?.startsWith(STREAM_FILTER.partitionKeyPrefix) ===
  true;
