import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { IntentChange } from '../shared/domain/intent-events';
import type { IntentEventBus } from '../shared/domain/ports';
import { publishIntentEvents } from '../shared/domain/publish-intent-events';
import { eventBusFromEnvironment } from '../shared/events/publisher-services';
import { logger } from '../shared/observability/logger';
import { intentChangeOf } from '../shared/repository/intent-stream';

export interface PublisherOptions {
  /** Where the events go; by default the EventBridge bus EVENT_BUS_NAME names, built on first use. */
  bus?: () => IntentEventBus;
}

/**
 * Not an API route: Lambda's event source mapping feeds it batches of the table's change stream,
 * in the order of the writes. It publishes the event of every status change and answers with the
 * records it hands back (ReportBatchItemFailures): the first one not published and all after it,
 * which Lambda delivers again (bounded in attempts and age; then the batch is named in the
 * dead-letter queue). The local stack runs this same handler on DynamoDB Local's stream.
 */
export const buildHandler =
  (options: PublisherOptions = {}) =>
  async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> => {
    const records = event.Records;
    const { changes, unreadable } = readChanges(records);
    const outcome = await publishIntentEvents(
      {
        bus: (options.bus ?? eventBusFromEnvironment)(),
        timeLeftMs: () => context.getRemainingTimeInMillis(),
      },
      changes,
    );
    const handedBack = records.slice(outcome.done);
    const first = handedBack[0];
    if (first) {
      logger.warn('events not published: records handed back to be delivered again', {
        records: records.length,
        published: outcome.published,
        handedBack: handedBack.length,
        firstHandedBack: first.dynamodb?.SequenceNumber,
        reason: outcome.stoppedBecause ?? unreadable,
      });
    } else {
      logger.info('events published', { records: records.length, published: outcome.published });
    }
    return {
      batchItemFailures: handedBack.map((record) => ({
        itemIdentifier: record.dynamodb?.SequenceNumber ?? '',
      })),
    };
  };

/**
 * The change each record tells, up to the first record that cannot be read: that one and every
 * later one are handed back, so the batch stays in order and the unreadable record ends, after its
 * retries, in the dead-letter queue rather than being skipped.
 */
function readChanges(records: readonly DynamoDBRecord[]): {
  changes: (IntentChange | undefined)[];
  unreadable?: string;
} {
  const changes: (IntentChange | undefined)[] = [];
  for (const record of records) {
    try {
      changes.push(intentChangeOf(record));
    } catch (error) {
      return { changes, unreadable: error instanceof Error ? error.message : String(error) };
    }
  }
  return { changes };
}

export const handler = buildHandler();
