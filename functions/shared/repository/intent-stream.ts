import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, StreamRecord } from 'aws-lambda';
import type { IntentChange } from '../domain/intent-events';
import type { ConnectionIntent } from '../domain/schemas';
import { safeIntentFromItem } from './intent-item';
import { intentKey, KEY_PREFIXES, TABLE_KEY_SCHEMA } from './table-keys';

/**
 * Intents are the only items under the intent prefix; the event source mapping hands the
 * publisher these records only (STREAM_FILTER in functions/shared/events/stream-mapping.ts).
 */
export const INTENT_PARTITION_PREFIX = KEY_PREFIXES.intent;
const INTENT_SORT_KEY = intentKey('').sk;

/** Whether a record of the table's stream is a write to an intent item (told by its keys). */
export function isIntentRecord(record: DynamoDBRecord): boolean {
  const keys = record.dynamodb?.Keys;
  return (
    keys?.[TABLE_KEY_SCHEMA.partitionKey]?.S?.startsWith(INTENT_PARTITION_PREFIX) === true &&
    keys[TABLE_KEY_SCHEMA.sortKey]?.S === INTENT_SORT_KEY
  );
}

/** A record of the table's stream that cannot be read as a change of an intent. */
export class UnreadableRecordError extends Error {
  override readonly name = 'UnreadableRecordError';
}

/**
 * The intent before and after the write a stream record tells, or undefined for a record of
 * another kind of item. Throws UnreadableRecordError for an intent record without the images the
 * stream must carry (NEW_AND_OLD_IMAGES) or with an image that is not an intent.
 */
export function intentChangeOf(record: DynamoDBRecord): IntentChange | undefined {
  if (!isIntentRecord(record)) return undefined;
  const stream = record.dynamodb ?? {};
  if (stream.StreamViewType !== 'NEW_AND_OLD_IMAGES') {
    throw new UnreadableRecordError(`the stream carries ${stream.StreamViewType}, not NEW_AND_OLD_IMAGES`);
  }
  const needsOld = record.eventName !== 'INSERT';
  const needsNew = record.eventName !== 'REMOVE';
  if ((needsOld && !stream.OldImage) || (needsNew && !stream.NewImage)) {
    throw new UnreadableRecordError(`a ${record.eventName} record without its images`);
  }
  return {
    ...(stream.OldImage ? { before: intentOf(stream.OldImage) } : {}),
    ...(stream.NewImage ? { after: intentOf(stream.NewImage) } : {}),
  };
}

type Image = NonNullable<StreamRecord['NewImage']>;

function intentOf(image: Image): ConnectionIntent {
  // Lambda hands the images over in DynamoDB's JSON, which the SDK's unmarshall reads (the types
  // differ only in how they spell binary values: the deflated URL's bytes may come as base64, which
  // the item's reader takes as well).
  const item = unmarshall(image as unknown as Record<string, AttributeValue>);
  const parsed = safeIntentFromItem(item);
  if (!parsed.success) {
    // The paths only: the values of an intent item include its PKCE verifier.
    const paths = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))];
    throw new UnreadableRecordError(`an intent image that does not parse: ${paths.join(', ')}`);
  }
  return parsed.data;
}
