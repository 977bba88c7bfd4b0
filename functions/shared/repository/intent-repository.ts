import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IntentPosition } from '../domain/intent-page';
import type { IntentListStore, IntentOutcome, IntentStore } from '../domain/ports';
import {
  type ConnectionIntent,
  connectionIntentSchema,
  type IntentClaim,
  type IntentGrant,
} from '../domain/schemas';
import { conditionally, type RepositoryOptions } from './repository-options';
import {
  ACCOUNT_TIMELINE_INDEX,
  accountTimelinePartition,
  INTENT_TIMELINE_PREFIX,
  intentKey,
  intentTimelineKey,
  withoutTableAttributes,
} from './table-keys';

const HELD_BY_CLAIM = '#claim.#claimId = :claimId AND #status = :created';

export class IntentRepository implements IntentStore, IntentListStore {
  constructor(private readonly options: RepositoryOptions) {}

  async get(id: string): Promise<ConnectionIntent | undefined> {
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: intentKey(id), ConsistentRead: true }),
    );
    return Item ? parseIntent(Item) : undefined;
  }

  async create(intent: ConnectionIntent): Promise<void> {
    await conditionally(() =>
      this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          // The index keys list the intent under its account; they never change after this.
          Item: { ...intentKey(intent.id), ...intentTimelineKey(intent), entity: 'intent', ...intent },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  /**
   * Asks the index for one intent more than the page holds, so that the last page is known to be the
   * last (DynamoDB would hand out a LastEvaluatedKey after a page that happens to end the list).
   */
  async listByAccount(
    accountId: string,
    page: { limit: number; after?: IntentPosition },
  ): Promise<{ items: ConnectionIntent[]; next?: IntentPosition }> {
    const { partitionKey, sortKey } = ACCOUNT_TIMELINE_INDEX;
    const { Items = [], LastEvaluatedKey } = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        IndexName: ACCOUNT_TIMELINE_INDEX.indexName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
        ExpressionAttributeValues: {
          ':pk': accountTimelinePartition(accountId),
          ':prefix': INTENT_TIMELINE_PREFIX,
        },
        ScanIndexForward: false,
        Limit: page.limit + 1,
        ...(page.after ? { ExclusiveStartKey: timelineStartKey(accountId, page.after) } : {}),
      }),
    );
    const items = Items.slice(0, page.limit).map(parseIntent);
    const last = items.at(-1);
    // Fewer items than asked and a LastEvaluatedKey: the query stopped at its 1 MB limit.
    const more = Items.length > page.limit || LastEvaluatedKey !== undefined;
    return { items, ...(more && last ? { next: { createdAt: last.createdAt, id: last.id } } : {}) };
  }

  async claim(id: string, claim: IntentClaim, now: number): Promise<ConnectionIntent> {
    return this.update(id, {
      UpdateExpression: 'SET #claim = :claim',
      ConditionExpression:
        '#status = :created AND (attribute_not_exists(#claim) OR #claim.#expiresAt <= :now)',
      ExpressionAttributeNames: { '#claim': 'claim', '#status': 'status', '#expiresAt': 'expiresAt' },
      ExpressionAttributeValues: { ':claim': claim, ':created': 'created', ':now': now },
    });
  }

  async saveGrant(id: string, claimId: string, grant: IntentGrant): Promise<ConnectionIntent> {
    return this.update(id, {
      UpdateExpression: 'SET #grant = :grant',
      ConditionExpression: HELD_BY_CLAIM,
      ExpressionAttributeNames: {
        '#grant': 'grant',
        '#claim': 'claim',
        '#claimId': 'id',
        '#status': 'status',
      },
      ExpressionAttributeValues: { ':grant': grant, ':claimId': claimId, ':created': 'created' },
    });
  }

  async releaseClaim(id: string, claimId: string): Promise<void> {
    await this.update(id, {
      UpdateExpression: 'REMOVE #claim',
      ConditionExpression: HELD_BY_CLAIM,
      ExpressionAttributeNames: { '#claim': 'claim', '#claimId': 'id', '#status': 'status' },
      ExpressionAttributeValues: { ':claimId': claimId, ':created': 'created' },
    });
  }

  async finish(id: string, claimId: string, outcome: IntentOutcome): Promise<void> {
    const { status, updatedAt, updatedBy } = outcome;
    const results: Record<string, unknown> =
      outcome.status === 'authorized'
        ? {
            authorizedCodeHash: outcome.authorizedCodeHash,
            ...(outcome.bankAccountIds ? { bankAccountIds: outcome.bankAccountIds } : {}),
          }
        : { failureReason: outcome.failureReason };
    const names = Object.keys(results);
    await this.update(id, {
      UpdateExpression:
        'SET #status = :status, #updatedAt = :updatedAt, #updatedBy = :updatedBy, ' +
        names.map((name) => `#${name} = :${name}`).join(', ') +
        ' REMOVE #claim, #grant, #oauth',
      ConditionExpression: HELD_BY_CLAIM,
      ExpressionAttributeNames: {
        '#status': 'status',
        '#updatedAt': 'updatedAt',
        '#updatedBy': 'updatedBy',
        ...Object.fromEntries(names.map((name) => [`#${name}`, name])),
        '#claim': 'claim',
        '#claimId': 'id',
        '#grant': 'grant',
        '#oauth': 'oauth',
      },
      ExpressionAttributeValues: {
        ':status': status,
        ':updatedAt': updatedAt,
        ':updatedBy': updatedBy,
        ...Object.fromEntries(names.map((name) => [`:${name}`, results[name]])),
        ':claimId': claimId,
        ':created': 'created',
      },
    });
  }

  private async update(
    id: string,
    expression: Pick<
      ConstructorParameters<typeof UpdateCommand>[0],
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<ConnectionIntent> {
    const { Attributes } = await conditionally(() =>
      this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: intentKey(id),
          ...expression,
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    if (!Attributes) throw new Error(`update of intent ${id} returned no attributes`);
    return parseIntent(Attributes);
  }
}

/** The index's LastEvaluatedKey for the intent at `position`: the table's keys and the index's. */
const timelineStartKey = (accountId: string, position: IntentPosition): Record<string, string> => ({
  ...intentKey(position.id),
  ...intentTimelineKey({ accountId, ...position }),
});

const parseIntent = (item: Record<string, unknown>): ConnectionIntent =>
  connectionIntentSchema.parse(withoutTableAttributes(item));
