import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StateConflictError } from '../domain/errors';
import type { RateLimitCounter } from '../domain/ports';
import { conditionally, type RepositoryOptions } from './repository-options';
import { rateLimitKey, TIME_TO_LIVE_ATTRIBUTE } from './table-keys';

/**
 * A fixed one-minute window per account and budget: one counter item per window, which DynamoDB's
 * time to live removes a while after the window ends. The containers take their tokens from it in
 * batches (domain/batched-rate-limits.ts).
 *
 * One write per batch, whatever is left: the batch is added while the window is not full yet, and
 * the new count says how much of it fell under the limit. A batch that only partly fits is so
 * granted in part without a second round trip (a condition "count + batch <= limit" would fail
 * near the end and need the count to ask again: DynamoDB answers it with
 * ReturnValuesOnConditionCheckFailure, dynalite does not). The count can so pass the limit by less
 * than one batch; the tokens answered never do.
 */
export class RateLimitRepository implements RateLimitCounter {
  constructor(private readonly options: RepositoryOptions) {}

  async take(
    accountId: string,
    budget: string,
    windowStart: number,
    limit: number,
    count: number,
  ): Promise<number> {
    try {
      const { Attributes } = await conditionally(() =>
        this.options.client.send(
          new UpdateCommand({
            TableName: this.options.tableName,
            Key: rateLimitKey(accountId, budget, windowStart),
            UpdateExpression: 'ADD #count :count SET #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'requestCount', '#ttl': TIME_TO_LIVE_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':count': count,
              ':limit': limit,
              ':ttl': Math.floor(windowStart / 1_000) + 3_600,
            },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      const after = Attributes?.requestCount;
      if (typeof after !== 'number') throw new Error('the rate-limit counter answered no count');
      // The batch covers the counts (after - count, after]; those up to the limit are granted.
      return Math.max(0, Math.min(count, limit - (after - count)));
    } catch (error) {
      if (error instanceof StateConflictError) return 0;
      throw error;
    }
  }
}
