import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { javaAvailable } from '../../../local/dynamodb-local-process';
import { ensureTable, type LocalDynamoDb, startLocalDynamoDb } from '../../../local/local-dynamodb';
import {
  type DeadLetter,
  type StreamHandler,
  type StreamReader,
  startStreamReader,
} from '../../../local/stream-reader';
import { eventually } from '../../support/eventually';

// The local stack's stand-in for Lambda's event source mapping, on DynamoDB Local's real stream
// (dynalite has none): what it hands the function, in what order, what it delivers again, and
// when it gives a batch up. Where Java is installed (CI installs it).
const withJava = javaAvailable() ? describe : describe.skip;

const TABLE = 'stream-reader-check';

withJava('the local stream reader', () => {
  let dynamo: LocalDynamoDb;
  let client: DynamoDBClient;
  let reader: StreamReader | undefined;
  let written = 0;
  beforeAll(async () => {
    dynamo = await startLocalDynamoDb({ engine: 'dynamodb-local' });
    client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(dynamo.endpoint, TABLE, 'dynamodb-local');
  });
  afterEach(async () => {
    await reader?.close();
    reader = undefined;
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  /** Writes an item; `refuse` marks one the test's handler hands back. Resolves with its key. */
  async function write(kind: 'INTENT' | 'OTHER', refuse = false): Promise<string> {
    written += 1;
    const pk = `${kind}#${written}`;
    await client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { pk: { S: pk }, sk: { S: kind }, refuse: { BOOL: refuse } },
      }),
    );
    return pk;
  }

  const keyOf = (record: DynamoDBRecord) => record.dynamodb?.Keys?.pk?.S ?? '';
  const seqOf = (record: DynamoDBRecord) => record.dynamodb?.SequenceNumber ?? '';

  async function start(handler: StreamHandler, options: { retryAttempts?: number } = {}) {
    const deadLetters: DeadLetter[] = [];
    reader = await startStreamReader({
      endpoint: dynamo.endpoint,
      tableName: TABLE,
      handler,
      accepts: (record) => keyOf(record).startsWith('INTENT#'),
      batchSize: 25,
      retryAttempts: options.retryAttempts ?? 50,
      functionTimeoutMs: 30_000,
      functionName: 'PublishEventsFunction',
      onDeadLetter: (letter) => deadLetters.push(letter),
      log: () => undefined,
    });
    return { deadLetters };
  }

  it('hands the function the accepted records, shaped as Lambda hands them, in the order of the writes', async () => {
    const batches: DynamoDBStreamEvent[] = [];
    const { deadLetters } = await start(async (event) => {
      batches.push(event);
      return { batchItemFailures: [] };
    });

    const intents = [
      await write('INTENT'),
      await write('OTHER'),
      await write('INTENT'),
      await write('INTENT'),
    ].filter((key) => key.startsWith('INTENT#'));

    await eventually(() => batches.flatMap((batch) => batch.Records).length >= intents.length);
    const records = batches.flatMap((batch) => batch.Records);
    expect(records.map(keyOf)).toEqual(intents);
    expect(records[0]).toMatchObject({
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: reader?.streamArn,
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        NewImage: { pk: { S: intents[0] }, refuse: { BOOL: false } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(deadLetters).toEqual([]);
  });

  it('delivers again from the first record the function hands back, and never skips one', async () => {
    const accepted: string[] = [];
    const deliveredTimes = new Map<string, number>();
    let handedBackOnce = false;
    await start(async ({ Records }): Promise<DynamoDBBatchResponse> => {
      for (const record of Records)
        deliveredTimes.set(keyOf(record), (deliveredTimes.get(keyOf(record)) ?? 0) + 1);
      const refused = Records.findIndex((record) => record.dynamodb?.NewImage?.refuse?.BOOL === true);
      const handBackFrom = refused >= 0 && !handedBackOnce ? refused : Records.length;
      handedBackOnce ||= refused >= 0;
      accepted.push(...Records.slice(0, handBackFrom).map(keyOf));
      return {
        batchItemFailures: Records.slice(handBackFrom).map((record) => ({ itemIdentifier: seqOf(record) })),
      };
    });

    const keys = [await write('INTENT'), await write('INTENT', true), await write('INTENT')];

    await eventually(() => accepted.length >= keys.length);
    expect(accepted).toEqual(keys);
    expect(deliveredTimes.get(keys[1] ?? '')).toBe(2);
  });

  it('gives a batch up after its retries, naming it as the on-failure destination is told, and goes on', async () => {
    let poisonedDeliveries = 0;
    const published: string[] = [];
    const { deadLetters } = await start(
      async ({ Records }) => {
        if (Records.some((record) => record.dynamodb?.NewImage?.refuse?.BOOL === true)) {
          poisonedDeliveries += 1;
          throw new Error('this batch always fails');
        }
        published.push(...Records.map(keyOf));
        return { batchItemFailures: [] };
      },
      { retryAttempts: 2 },
    );

    const poison = await write('INTENT', true);
    await eventually(() => deadLetters.length === 1);
    const after = await write('INTENT');
    await eventually(() => published.includes(after));

    expect(deadLetters).toEqual([
      {
        shardId: expect.any(String),
        startSequenceNumber: expect.any(String),
        endSequenceNumber: expect.any(String),
        batchSize: 1,
        reason: 'the function failed: Error: this batch always fails',
      },
    ]);
    // The first delivery and its two retries.
    expect(poisonedDeliveries).toBe(3);
    expect(published).not.toContain(poison);
  });

  it('hands the function nothing once it is closed', async () => {
    let delivered = 0;
    await start(async ({ Records }) => {
      delivered += Records.length;
      return { batchItemFailures: [] };
    });
    await write('INTENT');
    await eventually(() => delivered === 1);

    await reader?.close();
    reader = undefined;
    await write('INTENT');

    // A reader that still ran would have read the write by the time a new one has.
    const seen: string[] = [];
    await start(async ({ Records }) => {
      seen.push(...Records.map(keyOf));
      return { batchItemFailures: [] };
    });
    const marker = await write('INTENT');
    await eventually(() => seen.includes(marker));
    expect(delivered).toBe(1);
  });
});
