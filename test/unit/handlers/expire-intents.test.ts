import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { buildHandler } from '../../../functions/expire-intents/handler';
import { IntentRepository } from '../../../functions/shared/repository/intent-repository';
import { type CapturedLogs, captureLogs } from '../../support/capture-logs';
import { intent, intentItem, lambdaContext } from '../../support/fixtures';
import { ManualClock } from '../../support/handler-harness';
import { conditionFailed, mockedTable } from '../../support/mocked-table';

const dynamo = mockClient(DynamoDBDocumentClient);
/** The sweep's `now`: 2022-03-31T02:56:29.713Z. */
const clock = new ManualClock();
const sweeper = buildHandler({
  dependencies: () => ({ intents: new IntentRepository(mockedTable()), clock }),
});
const sweep = () => sweeper({}, lambdaContext());

/** Index entries (keys only) of intents due in `shard`. */
const due = (shard: number, ...ids: string[]) => ({
  Items: ids.map((id) => ({
    pk: `INTENT#${id}`,
    sk: 'INTENT',
    gsi2pk: `EXPIRING#${shard}`,
    gsi2sk: `2022-03-31T01:56:29.713Z#${id}`,
  })),
});
const expiredIds = () =>
  dynamo.commandCalls(UpdateCommand).map((call) => String(call.args[0].input.Key?.pk).replace('INTENT#', ''));

let logs: CapturedLogs;
beforeEach(() => {
  dynamo.reset();
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(UpdateCommand).resolves({ Attributes: intentItem(intent({ status: 'failed' })) });
  logs = captureLogs();
});
afterEach(() => logs.restore());

describe('the expiry sweeper function', () => {
  it('expires the due intents of every shard with the conditional expiry write, and logs what it did', async () => {
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'EXPIRING#1' } })
      .resolves(due(1, 'A', 'B'));
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'EXPIRING#3' } }).resolves(due(3, 'C'));

    const result = await sweep();

    expect(result).toEqual({ expired: 3, skipped: 0, failed: 0, errors: [], complete: true });
    expect(expiredIds().sort()).toEqual(['A', 'B', 'C']);
    for (const call of dynamo.commandCalls(UpdateCommand)) {
      expect(call.args[0].input).toMatchObject({
        ConditionExpression:
          '#status = :created AND (attribute_not_exists(#claim) OR #claim.#expiresAt <= :now) ' +
          'AND #expiresAt <= :nowTimestamp',
        ExpressionAttributeValues: expect.objectContaining({
          ':now': Date.parse('2022-03-31T02:56:29.713Z'),
          ':nowTimestamp': '2022-03-31T02:56:29.713Z',
          ':updatedBy': 'crn::system:intent-expiry',
        }),
      });
    }
    expect(dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input.IndexName)).toEqual(
      Array(4).fill('gsi2'),
    );
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'expiry sweep', expired: 3, complete: true }),
    );
  });

  it('counts an intent whose write lost its condition (authorized meanwhile, or held) as skipped', async () => {
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'EXPIRING#0' } })
      .resolves(due(0, 'A', 'B'));
    dynamo.on(UpdateCommand, { Key: { pk: 'INTENT#A', sk: 'INTENT' } }).rejects(conditionFailed());

    const result = await sweep();

    expect(result).toMatchObject({ expired: 1, skipped: 1, failed: 0 });
  });

  it('fails the invocation after the other writes when some could not be made, naming only the error', async () => {
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'EXPIRING#2' } })
      .resolves(due(2, 'A', 'B'));
    const throttled = new Error('Rate of requests exceeds the allowed throughput');
    throttled.name = 'ThrottlingException';
    dynamo.on(UpdateCommand, { Key: { pk: 'INTENT#A', sk: 'INTENT' } }).rejects(throttled);

    await expect(sweep()).rejects.toThrow('expiry sweep: 1 expiry writes failed (ThrottlingException)');

    expect(expiredIds().sort()).toEqual(['A', 'B']);
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', expired: 1, failed: 1, errors: ['ThrottlingException'] }),
    );
  });

  it('fails the invocation when the index cannot be read', async () => {
    dynamo.on(QueryCommand).rejects(new Error('unreachable'));

    await expect(sweep()).rejects.toThrow('unreachable');
  });

  it('does not start a page it could not finish before its answer is due', async () => {
    dynamo.on(QueryCommand).resolves(due(0, 'A'));
    const shortOfTime = { ...lambdaContext(), getRemainingTimeInMillis: () => 5_000 };

    const result = await sweeper({}, shortOfTime);

    expect(result).toMatchObject({ expired: 0, complete: false });
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
    expect(logs.lines()).toContainEqual(expect.objectContaining({ level: 'WARN' }));
  });
});
