import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiKeyStore } from '../domain/ports';
import { type ApiKey, apiKeySchema } from '../domain/schemas';
import { conditionally, type RepositoryOptions } from './repository-options';
import { apiKeyKey, apiKeyNameKey, withoutTableAttributes } from './table-keys';

/** API keys are stored under the SHA-256 of their secret; the secret itself is never stored. */
export class ApiKeyRepository implements ApiKeyStore {
  constructor(private readonly options: RepositoryOptions) {}

  async findBySecretHash(secretHash: string): Promise<ApiKey | undefined> {
    const { Item } = await this.options.client.send(
      new GetCommand({ TableName: this.options.tableName, Key: apiKeyKey(secretHash) }),
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
}
