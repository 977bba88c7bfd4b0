import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { RateLimitRepository } from '../../../functions/shared/repository/rate-limit-repository';
import { ACCOUNT_ID, TABLE_NAME } from '../../support/fixtures';
import { conditionFailed, mockedTable } from '../../support/mocked-table';

const dynamo = mockClient(DynamoDBDocumentClient);
const repository = new RateLimitRepository(mockedTable());
const WINDOW = Date.parse('2022-03-31T02:56:00.000Z');

beforeEach(() => dynamo.reset());

describe('RateLimitRepository', () => {
  it('adds a whole batch to the window counter with one conditional write', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { requestCount: 10 } });

    const granted = await repository.take(ACCOUNT_ID, 'create-intent', WINDOW, 200, 10);

    expect(granted).toBe(10);
    expect(dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input)).toEqual([
      {
        TableName: TABLE_NAME,
        Key: { pk: `RATE_LIMIT#${ACCOUNT_ID}#create-intent`, sk: `WINDOW#${WINDOW}` },
        UpdateExpression: 'ADD #count :count SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'requestCount', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':count': 10, ':limit': 200, ':ttl': WINDOW / 1_000 + 3_600 },
        ReturnValues: 'UPDATED_NEW',
      },
    ]);
  });

  it.each([
    [195, 5],
    [199, 1],
    [190, 10],
  ])(
    'grants only the part of the batch under the limit (count before %i: %i tokens)',
    async (before, tokens) => {
      dynamo.on(UpdateCommand).resolves({ Attributes: { requestCount: before + 10 } });

      expect(await repository.take(ACCOUNT_ID, 'create-intent', WINDOW, 200, 10)).toBe(tokens);
    },
  );

  it('grants nothing once the window is full', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    expect(await repository.take(ACCOUNT_ID, 'create-intent', WINDOW, 200, 10)).toBe(0);
  });

  it('throws when the counter cannot be written, or answers no count', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(new Error('Throttling')).resolvesOnce({});

    await expect(repository.take(ACCOUNT_ID, 'create-intent', WINDOW, 200, 10)).rejects.toThrow('Throttling');
    await expect(repository.take(ACCOUNT_ID, 'create-intent', WINDOW, 200, 10)).rejects.toThrow(
      'the rate-limit counter answered no count',
    );
  });
});
