import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { ApiKeyAdminStore } from '../domain/ports';
import { type ApiKey, apiKeySchema } from '../domain/schemas';
import { conditionally, queryAllByPrefix, type RepositoryOptions } from './repository-options';
import { API_KEY_NAME_SORT_PREFIX, apiKeyKey, apiKeyNameKey, withoutTableAttributes } from './table-keys';

/** The item that reserves a key's name within its account and points at its record. */
const nameItemSchema = z.object({ secretHash: z.string() });

/**
 * API keys are stored under the SHA-256 of their secret; the secret itself is never stored. A second
 * item per key, under the account, reserves its name and points at the record, so an account's keys
 * can be listed and a key found by name.
 */
export class ApiKeyRepository implements ApiKeyAdminStore {
  constructor(private readonly options: RepositoryOptions) {}

  /**
   * Strongly consistent: the functions keep what it answers for the revocation bound, which counts
   * from the read, so the read must not answer older than that (a key disabled a moment ago).
   */
  async findBySecretHash(secretHash: string): Promise<ApiKey | undefined> {
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: apiKeyKey(secretHash), ConsistentRead: true }),
    );
    return Item ? apiKeySchema.parse(withoutTableAttributes(Item)) : undefined;
  }

  /** The name is reserved first, so a second key of the same name never gets written. */
  async create(key: ApiKey): Promise<void> {
    const audit = {
      createdAt: key.createdAt,
      createdBy: key.createdBy,
      updatedAt: key.createdAt,
      updatedBy: key.createdBy,
    };
    await conditionally(() =>
      this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...apiKeyNameKey(key.accountId, key.name),
            entity: 'api-key-name',
            secretHash: key.secretHash,
            ...audit,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    await conditionally(() =>
      this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...apiKeyKey(key.secretHash),
            entity: 'api-key',
            ...key,
            updatedAt: key.createdAt,
            updatedBy: key.createdBy,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async listForAccount(accountId: string): Promise<ApiKey[]> {
    const items = await queryAllByPrefix(
      this.options,
      apiKeyNameKey(accountId, '').pk,
      API_KEY_NAME_SORT_PREFIX,
    );
    const names = items.map((item) => nameItemSchema.parse(item));
    const keys = await Promise.all(names.map(({ secretHash }) => this.findBySecretHash(secretHash)));
    return keys.filter((key): key is ApiKey => key !== undefined);
  }

  async findByName(accountId: string, name: string): Promise<ApiKey | undefined> {
    const { Item } = await this.options.client.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: apiKeyNameKey(accountId, name),
        ConsistentRead: true,
      }),
    );
    return Item ? this.findBySecretHash(nameItemSchema.parse(Item).secretHash) : undefined;
  }

  async setEnabled(key: ApiKey, enabled: boolean, updatedAt: string, updatedBy: string): Promise<void> {
    await conditionally(() =>
      this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: apiKeyKey(key.secretHash),
          UpdateExpression: 'SET enabled = :enabled, updatedAt = :at, updatedBy = :by',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':enabled': enabled, ':at': updatedAt, ':by': updatedBy },
        }),
      ),
    );
  }

  /**
   * New record first, then the name moves to it (only from `current`), then `current` is disabled:
   * a crash in between leaves at worst an unused record whose secret nobody ever saw, or two live
   * secrets until the rotation is run again.
   */
  async replace(current: ApiKey, next: ApiKey): Promise<void> {
    await conditionally(() =>
      this.options.client.send(
        new PutCommand({
          TableName: this.options.tableName,
          Item: {
            ...apiKeyKey(next.secretHash),
            entity: 'api-key',
            ...next,
            updatedAt: next.createdAt,
            updatedBy: next.createdBy,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
    await conditionally(() =>
      this.options.client.send(
        new UpdateCommand({
          TableName: this.options.tableName,
          Key: apiKeyNameKey(current.accountId, current.name),
          UpdateExpression: 'SET secretHash = :next, updatedAt = :at, updatedBy = :by',
          ConditionExpression: 'secretHash = :current',
          ExpressionAttributeValues: {
            ':next': next.secretHash,
            ':current': current.secretHash,
            ':at': next.createdAt,
            ':by': next.createdBy,
          },
        }),
      ),
    );
    await this.setEnabled(current, false, next.createdAt, next.createdBy);
  }
}
