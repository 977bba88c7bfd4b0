import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { StateConflictError } from '../../../functions/shared/domain/errors';
import { ApiKeyRepository } from '../../../functions/shared/repository/api-key-repository';
import { ACCOUNT_ID, apiKey, apiKeyItem } from '../../support/fixtures';
import { conditionFailed, mockedTable } from '../../support/mocked-table';

const dynamo = mockClient(DynamoDBDocumentClient);
const repository = new ApiKeyRepository(mockedTable());

beforeEach(() => dynamo.reset());

describe('ApiKeyRepository', () => {
  it('finds a key by the SHA-256 of its secret', async () => {
    const key = apiKey({ secret: 's3cret' });
    dynamo.on(GetCommand).resolves({ Item: apiKeyItem(key) });

    const found = await repository.findBySecretHash(key.secretHash);

    expect(found).toEqual(key);
    // Strongly consistent: the revocation bound counts from this read.
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({
      pk: `API_KEY#${key.secretHash}`,
      sk: 'API_KEY',
    });
  });

  it('reserves the name within the account before writing the key, never storing the secret', async () => {
    dynamo.on(PutCommand).resolves({});
    const key = apiKey({ secret: 's3cret' });

    await repository.create(key);

    const [name, record] = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(name).toMatchObject({
      Item: { pk: `ACCOUNT#${ACCOUNT_ID}`, sk: 'API_KEY_NAME#MyApiKey' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(record).toMatchObject({
      Item: { pk: `API_KEY#${key.secretHash}`, role: 'account-owner', enabled: true },
    });
    expect(JSON.stringify([name, record])).not.toContain('s3cret');
  });

  it('refuses a second key of the same name', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());

    await expect(repository.create(apiKey({ secret: 'x' }))).rejects.toBeInstanceOf(StateConflictError);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
  });
});
