import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { StateConflictError } from '../domain/errors';
import type { RateLimitStore } from '../domain/ports';
import { logger } from '../observability/logger';
import { conditionally, type RepositoryOptions } from './repository-options';
import { rateLimitKey, TIME_TO_LIVE_ATTRIBUTE } from './table-keys';

/**
 * A fixed one-minute window per account: one conditional counter item per window, which DynamoDB's
 * time to live removes a while after the window ends.
 */
export class RateLimitRepository implements RateLimitStore {
  constructor(private readonly options: RepositoryOptions) {}

  async hit(accountId: string, budget: string, windowStart: number, limit: number): Promise<boolean> {
    try {
      await conditionally(() =>
        this.options.client.send(
          new UpdateCommand({
            TableName: this.options.tableName,
            Key: rateLimitKey(accountId, budget, windowStart),
            UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
            ExpressionAttributeNames: { '#count': 'requestCount', '#ttl': TIME_TO_LIVE_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':one': 1,
              ':limit': limit,
              ':ttl': Math.floor(windowStart / 1_000) + 3_600,
            },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (error instanceof StateConflictError) return false;
      // The limit protects the service; it must not be what fails a request. The request itself
      // meets the same table next and answers for its own failure.
      logger.warn('rate-limit counter unavailable; request let through', {
        error: error instanceof Error ? error.name : String(error),
      });
      return true;
    }
  }
}
