import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { EXPIRED } from '../domain/intent-expiry';
import type { IntentPosition } from '../domain/intent-page';
import type { ExpiryStore, IntentListStore, IntentOutcome, IntentStore } from '../domain/ports';
import type { Backchannel, ConnectionIntent, IntentClaim, IntentGrant } from '../domain/schemas';
import { intentFromItem, toIntentItem } from './intent-item';
import { conditionally, type RepositoryOptions } from './repository-options';
import {
  ACCOUNT_TIMELINE_INDEX,
  accountTimelinePartition,
  dueBefore,
  EXPIRY_INDEX,
  EXPIRY_SHARDS,
  expiryPartition,
  INTENT_TIMELINE_PREFIX,
  intentIdOf,
  intentKey,
  intentTimelineKey,
} from './table-keys';

const HELD_BY_CLAIM = '#claim.#claimId = :claimId AND #status = :created';
const NO_LIVE_CLAIM = '(attribute_not_exists(#claim) OR #claim.#expiresAt <= :now)';
const WITHIN_LIFETIME = '(attribute_not_exists(#expiresAt) OR #expiresAt > :nowTimestamp)';
/** A decoupled intent's bank may be polled (a redirect intent has no backchannel request). */
const POLL_DUE = '(attribute_not_exists(#backchannel) OR #backchannel.#pollAfter <= :now)';

/**
 * What a final write (authorized, failed, expired) removes: the claim, the grant (it may hold an
 * access token), the PKCE verifier and state, a decoupled request's id, and the expiry index keys,
 * which takes the intent out of the sweeper's index.
 */
const DROPPED_WHEN_FINAL = '#claim, #grant, #oauth, #backchannel, #expiryPk, #expirySk';
const DROPPED_WHEN_FINAL_NAMES = {
  '#claim': 'claim',
  '#grant': 'grant',
  '#oauth': 'oauth',
  '#backchannel': 'backchannel',
  '#expiryPk': EXPIRY_INDEX.partitionKey,
  '#expirySk': EXPIRY_INDEX.sortKey,
};

export class IntentRepository implements IntentStore, IntentListStore, ExpiryStore {
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
          // The timeline keys list the intent under its account and never change after this; the
          // expiry keys hold it in the expiry index until it is authorized, fails or expires.
          Item: toIntentItem(intent),
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

  /**
   * The lifetime is compared as text: `expiresAt` and `:nowTimestamp` are ISO 8601 timestamps of one
   * length. (`#expiresAt` names the intent's own attribute at the top level and the claim's inside
   * `#claim`; the claim's is epoch ms, compared with `:now`.) An intent without `expiresAt` was
   * written before intents expired and never expires.
   */
  async claim(id: string, claim: IntentClaim, now: number): Promise<ConnectionIntent> {
    return this.update(id, {
      UpdateExpression: 'SET #claim = :claim',
      ConditionExpression: `#status = :created AND ${NO_LIVE_CLAIM} AND ${WITHIN_LIFETIME} AND ${POLL_DUE}`,
      ExpressionAttributeNames: {
        '#claim': 'claim',
        '#status': 'status',
        '#expiresAt': 'expiresAt',
        '#backchannel': 'backchannel',
        '#pollAfter': 'pollAfter',
      },
      ExpressionAttributeValues: {
        ':claim': claim,
        ':created': 'created',
        ':now': now,
        ':nowTimestamp': new Date(now).toISOString(),
      },
    });
  }

  async expire(id: string, now: number, updatedBy: string): Promise<void> {
    await this.update(id, {
      // The intent was last changed when its lifetime ended, whenever this write lands (asSeenAt).
      UpdateExpression:
        'SET #status = :failed, #failureReason = :expired, #updatedAt = #expiresAt, #updatedBy = :updatedBy ' +
        `REMOVE ${DROPPED_WHEN_FINAL}`,
      ConditionExpression: `#status = :created AND ${NO_LIVE_CLAIM} AND #expiresAt <= :nowTimestamp`,
      ExpressionAttributeNames: {
        '#status': 'status',
        '#failureReason': 'failureReason',
        '#updatedAt': 'updatedAt',
        '#updatedBy': 'updatedBy',
        '#expiresAt': 'expiresAt',
        ...DROPPED_WHEN_FINAL_NAMES,
      },
      ExpressionAttributeValues: {
        ':failed': 'failed',
        ':expired': EXPIRED,
        ':updatedBy': updatedBy,
        ':created': 'created',
        ':now': now,
        ':nowTimestamp': new Date(now).toISOString(),
      },
    });
  }

  /**
   * Reads the shards of the expiry index in turn, a page of each, until every shard is read to the
   * intents due at `now`: a long backlog in one shard never starves the others.
   */
  async *dueForExpiry(now: number, pageSize: number): AsyncIterable<string[]> {
    const { indexName, partitionKey, sortKey } = EXPIRY_INDEX;
    let open = Array.from({ length: EXPIRY_SHARDS }, (_, shard) => ({
      shard,
      after: undefined as Record<string, unknown> | undefined,
    }));
    while (open.length > 0) {
      const next: typeof open = [];
      for (const cursor of open) {
        const { Items = [], LastEvaluatedKey } = await this.options.client.send(
          new QueryCommand({
            TableName: this.options.tableName,
            IndexName: indexName,
            KeyConditionExpression: '#pk = :pk AND #sk < :dueBefore',
            ExpressionAttributeNames: { '#pk': partitionKey, '#sk': sortKey },
            ExpressionAttributeValues: {
              ':pk': expiryPartition(cursor.shard),
              ':dueBefore': dueBefore(new Date(now).toISOString()),
            },
            Limit: pageSize,
            ...(cursor.after ? { ExclusiveStartKey: cursor.after } : {}),
          }),
        );
        const ids = Items.flatMap((item) => (typeof item.pk === 'string' ? [intentIdOf(item.pk)] : []));
        if (ids.length > 0) yield ids;
        if (LastEvaluatedKey) next.push({ shard: cursor.shard, after: LastEvaluatedKey });
      }
      open = next;
    }
  }

  /**
   * The PKCE verifier goes with this write: once a grant is saved nothing is redeemed again, and the
   * steps after it (and their retries) then write a smaller item.
   */
  async saveGrant(id: string, claimId: string, grant: IntentGrant): Promise<ConnectionIntent> {
    return this.update(id, {
      UpdateExpression: 'SET #grant = :grant REMOVE #oauth',
      ConditionExpression: HELD_BY_CLAIM,
      ExpressionAttributeNames: {
        '#grant': 'grant',
        '#oauth': 'oauth',
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

  async deferPoll(id: string, claimId: string, backchannel: Backchannel): Promise<void> {
    await this.update(id, {
      UpdateExpression: 'SET #backchannel = :backchannel REMOVE #claim',
      ConditionExpression: HELD_BY_CLAIM,
      ExpressionAttributeNames: {
        '#backchannel': 'backchannel',
        '#claim': 'claim',
        '#claimId': 'id',
        '#status': 'status',
      },
      ExpressionAttributeValues: { ':backchannel': backchannel, ':claimId': claimId, ':created': 'created' },
    });
  }

  /**
   * Also drops `expiresAt`: only an intent still `created` can expire, and the finished item, the
   * largest authorize writes, stays under 1 KB with it gone (docs/performance-authorize-floor.md).
   */
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
        ` REMOVE ${DROPPED_WHEN_FINAL}, #expiresAt`,
      ConditionExpression: HELD_BY_CLAIM,
      ExpressionAttributeNames: {
        '#status': 'status',
        '#updatedAt': 'updatedAt',
        '#updatedBy': 'updatedBy',
        ...Object.fromEntries(names.map((name) => [`#${name}`, name])),
        ...DROPPED_WHEN_FINAL_NAMES,
        '#expiresAt': 'expiresAt',
        '#claimId': 'id',
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

const parseIntent = (item: Record<string, unknown>): ConnectionIntent => intentFromItem(item);
