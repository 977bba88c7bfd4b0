import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type IdempotencyClaim,
  type IdempotencyRecord,
  idempotencyRecordSchema,
} from '../domain/idempotency';
import type { IdempotencyStore } from '../domain/ports';
import type { IntentResponse } from '../domain/schemas';
import { conditionally, type RepositoryOptions } from './repository-options';
import { idempotencyRecordKey, TIME_TO_LIVE_ATTRIBUTE, withoutTableAttributes } from './table-keys';

/** Every write after the claim: only the run whose claim the record holds may make it. */
const HELD_BY_CLAIM = '#claim.#claimId = :claimId AND #status = :inProgress';
const HELD_BY_CLAIM_NAMES = { '#claim': 'claim', '#claimId': 'id', '#status': 'status' };

const epochSeconds = (ms: number): number => Math.floor(ms / 1_000);

/**
 * Create's idempotency records, one item per (account, key). The record's retention is the table's
 * time-to-live attribute, so DynamoDB removes a record some time after its day; until it does, the
 * conditions treat it as gone.
 */
export class IdempotencyRepository implements IdempotencyStore {
  constructor(private readonly options: RepositoryOptions) {}

  async get(accountId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const { Item } = await this.options.client.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: idempotencyRecordKey(accountId, key),
        ConsistentRead: true,
      }),
    );
    return Item ? parseRecord(Item) : undefined;
  }

  async claimNew(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord> {
    const { retainedUntil, ...rest } = record;
    await conditionally(() =>
      this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...idempotencyRecordKey(record.accountId, record.key),
            entity: 'idempotency-record',
            ...rest,
            [TIME_TO_LIVE_ATTRIBUTE]: retainedUntil,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :released OR #ttl <= :nowSeconds',
          ExpressionAttributeNames: { '#status': 'status', '#ttl': TIME_TO_LIVE_ATTRIBUTE },
          ExpressionAttributeValues: { ':released': 'released', ':nowSeconds': epochSeconds(now) },
        }),
      ),
    );
    return record;
  }

  async takeOver(
    accountId: string,
    key: string,
    requestHash: string,
    claim: IdempotencyClaim,
    now: number,
  ): Promise<IdempotencyRecord> {
    const { Attributes } = await conditionally(() =>
      this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: idempotencyRecordKey(accountId, key),
          UpdateExpression: 'SET #claim = :claim',
          ConditionExpression:
            '#status = :inProgress AND #requestHash = :requestHash AND #ttl > :nowSeconds AND ' +
            '(attribute_not_exists(#claim) OR #claim.#expiresAt <= :now)',
          ExpressionAttributeNames: {
            '#claim': 'claim',
            '#status': 'status',
            '#requestHash': 'requestHash',
            '#ttl': TIME_TO_LIVE_ATTRIBUTE,
            '#expiresAt': 'expiresAt',
          },
          ExpressionAttributeValues: {
            ':claim': claim,
            ':inProgress': 'in-progress',
            ':requestHash': requestHash,
            ':nowSeconds': epochSeconds(now),
            ':now': now,
          },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (!Attributes) throw new Error(`take-over of idempotency key ${key} returned no attributes`);
    return parseRecord(Attributes);
  }

  async complete(accountId: string, key: string, claimId: string, response: IntentResponse): Promise<void> {
    await this.updateHeld(accountId, key, claimId, {
      UpdateExpression: 'SET #status = :done, #response = :response REMOVE #claim',
      ExpressionAttributeNames: { '#response': 'response' },
      ExpressionAttributeValues: { ':done': 'done', ':response': response },
    });
  }

  async releaseClaim(accountId: string, key: string, claimId: string): Promise<void> {
    await this.updateHeld(accountId, key, claimId, { UpdateExpression: 'REMOVE #claim' });
  }

  async releaseKey(accountId: string, key: string, claimId: string): Promise<void> {
    await this.updateHeld(accountId, key, claimId, {
      UpdateExpression: 'SET #status = :released REMOVE #claim',
      ExpressionAttributeValues: { ':released': 'released' },
    });
  }

  private async updateHeld(
    accountId: string,
    key: string,
    claimId: string,
    update: {
      UpdateExpression: string;
      ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, unknown>;
    },
  ): Promise<void> {
    await conditionally(() =>
      this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: idempotencyRecordKey(accountId, key),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: HELD_BY_CLAIM,
          ExpressionAttributeNames: { ...HELD_BY_CLAIM_NAMES, ...update.ExpressionAttributeNames },
          ExpressionAttributeValues: {
            ':claimId': claimId,
            ':inProgress': 'in-progress',
            ...update.ExpressionAttributeValues,
          },
        }),
      ),
    );
  }
}

function parseRecord(item: Record<string, unknown>): IdempotencyRecord {
  const { [TIME_TO_LIVE_ATTRIBUTE]: ttl, ...rest } = withoutTableAttributes(item);
  return idempotencyRecordSchema.parse({ ...rest, retainedUntil: ttl });
}
