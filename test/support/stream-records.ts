import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ConnectionIntent } from '../../functions/shared/domain/schemas';
import { intentKey, intentTimelineKey } from '../../functions/shared/repository/table-keys';

let sequence = 100;

/** An item in the DynamoDB JSON Lambda hands a function (the SDK's types spell binary values otherwise). */
const image = (item: Record<string, unknown>): Record<string, AttributeValue> =>
  marshall(item, { removeUndefinedValues: true }) as unknown as Record<string, AttributeValue>;

/** An intent as the repository stores it: table keys, index keys and the entity marker included. */
export const storedIntent = (intent: ConnectionIntent): Record<string, unknown> => ({
  ...intentKey(intent.id),
  ...intentTimelineKey(intent),
  entity: 'intent',
  ...intent,
});

/**
 * A record of the table's stream as Lambda's event source mapping delivers it, for a write of any
 * item (`before` absent for an INSERT, `after` absent for a REMOVE).
 */
export function streamRecord(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  overrides: { sequenceNumber?: string } = {},
): DynamoDBRecord {
  const item = after ?? before ?? {};
  sequence += 1;
  return {
    eventID: `event-${sequence}`,
    eventName: before && after ? 'MODIFY' : before ? 'REMOVE' : 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ap-southeast-2',
    eventSourceARN:
      'arn:aws:dynamodb:ap-southeast-2:123456789012:table/intents/stream/2026-01-01T00:00:00.000',
    dynamodb: {
      ApproximateCreationDateTime: 1_764_000_000,
      Keys: image({ pk: item.pk, sk: item.sk }),
      ...(before ? { OldImage: image(before) } : {}),
      ...(after ? { NewImage: image(after) } : {}),
      SequenceNumber: overrides.sequenceNumber ?? String(sequence).padStart(21, '0'),
      SizeBytes: 512,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** The stream record of a write that took an intent from `before` to `after`. */
export const intentRecord = (before: ConnectionIntent | undefined, after: ConnectionIntent | undefined) =>
  streamRecord(before && storedIntent(before), after && storedIntent(after));

export const streamEvent = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
