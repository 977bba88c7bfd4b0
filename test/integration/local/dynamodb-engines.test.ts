import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  ACCOUNT_TIMELINE_INDEX,
  EXPIRY_INDEX,
  TABLE_KEY_SCHEMA,
  TIME_TO_LIVE_ATTRIBUTE,
} from '../../../functions/shared/repository/table-keys';
import { javaAvailable } from '../../../local/dynamodb-local-process';
import {
  type DynamoDbEngine,
  ensureTable,
  type LocalDynamoDb,
  startLocalDynamoDb,
} from '../../../local/local-dynamodb';
import { eventually } from '../../support/eventually';

// The table each engine gets, and the differences docs/local-engines.md lists, checked on the
// engines themselves so that the list cannot go stale.
const TABLE = 'engine-check';
const engines: DynamoDbEngine[] = javaAvailable() ? ['dynalite', 'dynamodb-local'] : ['dynalite'];

describe.each(engines)('the service table on %s', (engine) => {
  let dynamo: LocalDynamoDb;
  let client: DynamoDBClient;
  beforeAll(async () => {
    dynamo = await startLocalDynamoDb({ engine });
    client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(dynamo.endpoint, TABLE, engine);
  });
  afterAll(async () => {
    client?.destroy();
    await dynamo?.close();
  });

  const key = (pk: string) => ({ pk: { S: pk }, sk: { S: 'ITEM' } });

  it("has the stack's keys and billing mode", async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));

    expect(Table?.KeySchema).toEqual([
      { AttributeName: TABLE_KEY_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEY_SCHEMA.sortKey, KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('is kept as it is when the stack starts again on the same data', async () => {
    await expect(ensureTable(dynamo.endpoint, TABLE, engine)).resolves.toBeUndefined();
  });

  if (engine === 'dynamodb-local') {
    it("has the stack's time to live and a stream of new and old images", async () => {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));
      const { TimeToLiveDescription } = await client.send(
        new DescribeTimeToLiveCommand({ TableName: TABLE }),
      );

      expect(Table?.StreamSpecification).toEqual({
        StreamEnabled: true,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      });
      expect(Table?.LatestStreamArn).toEqual(expect.any(String));
      expect(TimeToLiveDescription).toEqual({
        TimeToLiveStatus: 'ENABLED',
        AttributeName: TIME_TO_LIVE_ATTRIBUTE,
      });
    });

    it('deletes an expired item that carries the index keys, as DynamoDB does', async () => {
      const anHourAgo = Math.floor(Date.now() / 1_000) - 3_600;
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: {
            ...key('expired'),
            // DynamoDB Local (3.3.1) left an expired item outside the table's global secondary
            // indexes in place for minutes (docs/local-engines.md), and one that only some of them
            // hold too (seen once the expiry index came): this one is in both, as a created intent is.
            [ACCOUNT_TIMELINE_INDEX.partitionKey]: { S: 'ACCOUNT#expired' },
            [ACCOUNT_TIMELINE_INDEX.sortKey]: { S: 'INTENT#expired' },
            [EXPIRY_INDEX.partitionKey]: { S: 'EXPIRING#0' },
            [EXPIRY_INDEX.sortKey]: { S: '2020-01-01T00:00:00.000Z#expired' },
            [TIME_TO_LIVE_ATTRIBUTE]: { N: String(anHourAgo) },
          },
        }),
      );

      const read = () =>
        client.send(new GetItemCommand({ TableName: TABLE, Key: key('expired'), ConsistentRead: true }));

      // DynamoDB Local deletes it within seconds (AWS within days); the test's timeout bounds the wait.
      await eventually(async () => !(await read()).Item, 500);
      expect((await read()).Item).toBeUndefined();
    });
  } else {
    it('has neither time to live nor a stream', async () => {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: TABLE }));
      const { TimeToLiveDescription } = await client.send(
        new DescribeTimeToLiveCommand({ TableName: TABLE }),
      );

      expect(Table?.StreamSpecification).toBeUndefined();
      expect(TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
    });
  }

  it(`${engine === 'dynalite' ? 'ignores' : 'honours'} ReturnValuesOnConditionCheckFailure`, async () => {
    await client.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('held'), owner: { S: 'a' } } }));

    const failure = await client
      .send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: key('held'),
          UpdateExpression: 'SET #owner = :b',
          ConditionExpression: 'attribute_not_exists(#owner)',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':b': { S: 'b' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => error as { name: string; Item?: Record<string, unknown> },
      );

    expect(failure?.name).toBe('ConditionalCheckFailedException');
    expect(failure?.Item).toEqual(engine === 'dynalite' ? undefined : { ...key('held'), owner: { S: 'a' } });
  });
});
