import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { StateConflictError } from '../../../functions/shared/domain/errors';
import { IntentRepository } from '../../../functions/shared/repository/intent-repository';
import { ACCOUNT_ID, intent, intentItem } from '../../support/fixtures';
import { conditionFailed, mockedTable } from '../../support/mocked-table';

const dynamo = mockClient(DynamoDBDocumentClient);
const repository = new IntentRepository(mockedTable());

beforeEach(() => dynamo.reset());

describe('IntentRepository', () => {
  it('reads an intent strongly consistently and strips the table keys', async () => {
    dynamo.on(GetCommand).resolves({ Item: intentItem(intent()) });

    const found = await repository.get('3KVjuKW2CZCJeJVqPxwkX7');

    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'intents-test',
      Key: { pk: 'INTENT#3KVjuKW2CZCJeJVqPxwkX7', sk: 'INTENT' },
      ConsistentRead: true,
    });
    expect(found).toEqual(intent());
  });

  it('answers undefined for a missing intent', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await repository.get('nope')).toBeUndefined();
  });

  it('creates an intent only if its id is new', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());

    await expect(repository.create(intent())).rejects.toBeInstanceOf(StateConflictError);
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.ConditionExpression).toBe(
      'attribute_not_exists(pk)',
    );
  });

  it('writes the index keys that list a new intent under its account by creation time', async () => {
    dynamo.on(PutCommand).resolves({});

    await repository.create(intent());

    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      pk: 'INTENT#3KVjuKW2CZCJeJVqPxwkX7',
      sk: 'INTENT',
      gsi1pk: `ACCOUNT#${ACCOUNT_ID}`,
      gsi1sk: 'INTENT#2022-03-31T02:56:29.713Z#3KVjuKW2CZCJeJVqPxwkX7',
      entity: 'intent',
    });
  });

  it('reads the index keys back as nothing: they never reach the domain', async () => {
    dynamo.on(GetCommand).resolves({
      Item: { ...intentItem(intent()), gsi1pk: `ACCOUNT#${ACCOUNT_ID}`, gsi1sk: 'INTENT#x' },
    });

    expect(await repository.get('3KVjuKW2CZCJeJVqPxwkX7')).toEqual(intent());
  });

  it('claims only a created intent without a live claim whose lifetime is not over, returning the new state', async () => {
    const claim = { id: 'c1', codeHash: 'h', expiresAt: 2_000 };
    dynamo.on(UpdateCommand).resolves({ Attributes: intentItem(intent({ claim })) });

    const claimed = await repository.claim('3KVjuKW2CZCJeJVqPxwkX7', claim, 1_000);

    expect(claimed.claim).toEqual(claim);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression: 'SET #claim = :claim',
      ConditionExpression:
        '#status = :created AND (attribute_not_exists(#claim) OR #claim.#expiresAt <= :now) ' +
        'AND (attribute_not_exists(#expiresAt) OR #expiresAt > :nowTimestamp) ' +
        'AND (attribute_not_exists(#backchannel) OR #backchannel.#pollAfter <= :now)',
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
        ':now': 1_000,
        ':nowTimestamp': '1970-01-01T00:00:01.000Z',
      },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('writes a new intent with its lifetime and the keys that hold it in the expiry index', async () => {
    dynamo.on(PutCommand).resolves({});
    const expiring = intent({ expiresAt: '2022-03-31T03:56:29.713Z' });

    await repository.create(expiring);

    const item = dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({
      expiresAt: '2022-03-31T03:56:29.713Z',
      gsi2pk: expect.stringMatching(/^EXPIRING#[0-3]$/),
      gsi2sk: '2022-03-31T03:56:29.713Z#3KVjuKW2CZCJeJVqPxwkX7',
    });
  });

  it('spreads intents over the four shards of the expiry index by their id', async () => {
    dynamo.on(PutCommand).resolves({});

    for (let index = 0; index < 64; index++) {
      await repository.create(
        intent({ id: `Shard${String(index).padStart(17, '1')}`, expiresAt: '2022-03-31T03:56:29.713Z' }),
      );
    }

    const shards = new Set(dynamo.commandCalls(PutCommand).map((call) => call.args[0].input.Item?.gsi2pk));
    expect([...shards].sort()).toEqual(['EXPIRING#0', 'EXPIRING#1', 'EXPIRING#2', 'EXPIRING#3']);
  });

  it('writes an intent without a lifetime (made before intents expired) outside the expiry index', async () => {
    dynamo.on(PutCommand).resolves({});

    await repository.create(intent());

    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item).not.toHaveProperty('gsi2pk');
  });

  it('reads the expiry index keys back as nothing', async () => {
    dynamo.on(GetCommand).resolves({
      Item: { ...intentItem(intent()), gsi2pk: 'EXPIRING#1', gsi2sk: '2022-03-31T03:56:29.713Z#x' },
    });

    expect(await repository.get('3KVjuKW2CZCJeJVqPxwkX7')).toEqual(intent());
  });

  it('expires only a created intent past its lifetime with no live claim, dropping what a final write drops', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: intentItem(intent({ status: 'failed' })) });

    await repository.expire('3KVjuKW2CZCJeJVqPxwkX7', 1_000, 'crn::system:intent-expiry');

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: 'intents-test',
      Key: { pk: 'INTENT#3KVjuKW2CZCJeJVqPxwkX7', sk: 'INTENT' },
      UpdateExpression:
        'SET #status = :failed, #failureReason = :expired, #updatedAt = #expiresAt, #updatedBy = :updatedBy ' +
        'REMOVE #claim, #grant, #oauth, #backchannel, #expiryPk, #expirySk',
      ConditionExpression:
        '#status = :created AND (attribute_not_exists(#claim) OR #claim.#expiresAt <= :now) ' +
        'AND #expiresAt <= :nowTimestamp',
      ExpressionAttributeNames: {
        '#status': 'status',
        '#failureReason': 'failureReason',
        '#updatedAt': 'updatedAt',
        '#updatedBy': 'updatedBy',
        '#expiresAt': 'expiresAt',
        '#claim': 'claim',
        '#grant': 'grant',
        '#oauth': 'oauth',
        '#backchannel': 'backchannel',
        '#expiryPk': 'gsi2pk',
        '#expirySk': 'gsi2sk',
      },
      ExpressionAttributeValues: {
        ':failed': 'failed',
        ':expired': 'EXPIRED',
        ':updatedBy': 'crn::system:intent-expiry',
        ':created': 'created',
        ':now': 1_000,
        ':nowTimestamp': '1970-01-01T00:00:01.000Z',
      },
      ReturnValues: 'ALL_NEW',
    });
  });

  it.each([
    ['claim', () => repository.claim('i', { id: 'c', codeHash: 'h', expiresAt: 1 }, 0)],
    ['saveGrant', () => repository.saveGrant('i', 'c', { codeHash: 'h' })],
    ['releaseClaim', () => repository.releaseClaim('i', 'c')],
    ['expire', () => repository.expire('i', 0, 'crn::system:intent-expiry')],
    [
      'finish',
      () =>
        repository.finish('i', 'c', {
          status: 'failed',
          failureReason: 'invalid_grant',
          updatedAt: '2022-03-31T02:56:29.713Z',
          updatedBy: 'crn:a:api-key:k',
        }),
    ],
  ])('turns a lost condition in %s into StateConflictError', async (_name, write) => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    await expect(write()).rejects.toBeInstanceOf(StateConflictError);
  });

  it("defers a decoupled intent's next poll only while the claim holds, giving the claim up", async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: intentItem(intent()) });
    const backchannel = { authReqId: 'req-1', intervalSeconds: 6, pollAfter: 1_700_000_006_000 };

    await repository.deferPoll('i', 'c1', backchannel);

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression: 'SET #backchannel = :backchannel REMOVE #claim',
      ConditionExpression: '#claim.#claimId = :claimId AND #status = :created',
      ExpressionAttributeValues: { ':backchannel': backchannel, ':claimId': 'c1', ':created': 'created' },
    });
  });

  it('finishes as authorized only while the claim holds, dropping claim, grant and PKCE material', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: intentItem(intent({ status: 'authorized' })) });

    await repository.finish('i', 'c1', {
      status: 'authorized',
      authorizedCodeHash: 'hash',
      bankAccountIds: ['b1', 'b2'],
      updatedAt: '2022-03-31T02:56:29.713Z',
      updatedBy: 'crn:a:api-key:k',
    });

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression:
        'SET #status = :status, #updatedAt = :updatedAt, #updatedBy = :updatedBy, ' +
        '#authorizedCodeHash = :authorizedCodeHash, #bankAccountIds = :bankAccountIds ' +
        'REMOVE #claim, #grant, #oauth, #backchannel, #expiryPk, #expirySk, #expiresAt',
      ConditionExpression: '#claim.#claimId = :claimId AND #status = :created',
      ExpressionAttributeNames: expect.objectContaining({
        '#expiresAt': 'expiresAt',
        '#authorizedCodeHash': 'authorizedCodeHash',
        '#bankAccountIds': 'bankAccountIds',
        '#oauth': 'oauth',
        '#backchannel': 'backchannel',
        // The expiry index keys: a finished intent leaves the sweeper's index.
        '#expiryPk': 'gsi2pk',
        '#expirySk': 'gsi2sk',
      }),
      ExpressionAttributeValues: expect.objectContaining({
        ':status': 'authorized',
        ':authorizedCodeHash': 'hash',
        ':bankAccountIds': ['b1', 'b2'],
        ':claimId': 'c1',
      }),
    });
  });

  it('lets other DynamoDB errors through unchanged', async () => {
    const throttled = new Error('Throttling');
    dynamo.on(UpdateCommand).rejects(throttled);

    await expect(repository.releaseClaim('i', 'c')).rejects.toBe(throttled);
  });
});

describe('IntentRepository.listByAccount', () => {
  /** `count` intents of the account, newest first, a second apart. */
  const timeline = (count: number) =>
    Array.from({ length: count }, (_, index) => {
      const createdAt = new Date(Date.parse('2022-03-31T02:56:29.713Z') - index * 1_000).toISOString();
      const id = `Intent${String(index).padStart(16, '1')}`;
      return {
        ...intentItem(intent({ id, createdAt, updatedAt: createdAt })),
        gsi1pk: `ACCOUNT#${ACCOUNT_ID}`,
        gsi1sk: `INTENT#${createdAt}#${id}`,
      };
    });

  it("queries the account's partition of the index, newest first, one more than the page holds", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await repository.listByAccount(ACCOUNT_ID, { limit: 50 });

    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toEqual({
      TableName: 'intents-test',
      IndexName: 'gsi1',
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': 'gsi1pk', '#sk': 'gsi1sk' },
      ExpressionAttributeValues: { ':pk': `ACCOUNT#${ACCOUNT_ID}`, ':prefix': 'INTENT#' },
      ScanIndexForward: false,
      Limit: 51,
    });
  });

  it('answers a full page and where the next starts when more intents are left', async () => {
    const items = timeline(51);
    dynamo.on(QueryCommand).resolves({ Items: items, LastEvaluatedKey: { pk: 'x' } });

    const page = await repository.listByAccount(ACCOUNT_ID, { limit: 50 });

    expect(page.items).toHaveLength(50);
    expect(page.items[0]).not.toHaveProperty('gsi1pk');
    const last = items[49];
    expect(page.next).toEqual({ createdAt: last?.createdAt, id: last?.id });
  });

  it('knows the last page is the last, even when it is exactly full', async () => {
    dynamo.on(QueryCommand).resolves({ Items: timeline(50) });

    const page = await repository.listByAccount(ACCOUNT_ID, { limit: 50 });

    expect(page.items).toHaveLength(50);
    expect(page).not.toHaveProperty('next');
  });

  it('goes on after a short page that the 1 MB limit cut', async () => {
    const items = timeline(3);
    dynamo.on(QueryCommand).resolves({ Items: items, LastEvaluatedKey: { pk: 'x' } });

    const page = await repository.listByAccount(ACCOUNT_ID, { limit: 50 });

    expect(page.next).toEqual({ createdAt: items[2]?.createdAt, id: items[2]?.id });
  });

  it("starts after the position given, as the index's LastEvaluatedKey would", async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await repository.listByAccount(ACCOUNT_ID, {
      limit: 50,
      after: { createdAt: '2022-03-31T02:56:29.713Z', id: '3KVjuKW2CZCJeJVqPxwkX7' },
    });

    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual({
      pk: 'INTENT#3KVjuKW2CZCJeJVqPxwkX7',
      sk: 'INTENT',
      gsi1pk: `ACCOUNT#${ACCOUNT_ID}`,
      gsi1sk: 'INTENT#2022-03-31T02:56:29.713Z#3KVjuKW2CZCJeJVqPxwkX7',
    });
  });
});

describe('IntentRepository.dueForExpiry', () => {
  const NOW = Date.parse('2026-01-05T09:00:00.000Z');
  const keys = (id: string, shard: number) => ({
    pk: `INTENT#${id}`,
    sk: 'INTENT',
    gsi2pk: `EXPIRING#${shard}`,
    gsi2sk: `2026-01-05T08:00:00.000Z#${id}`,
  });
  const collect = async (pages: AsyncIterable<string[]>) => {
    const all: string[][] = [];
    for await (const page of pages) all.push(page);
    return all;
  };

  it('queries each shard of the expiry index up to the intents due at `now`, a page at a time', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    await collect(repository.dueForExpiry(NOW, 25));

    const inputs = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(inputs.map((input) => input.ExpressionAttributeValues?.[':pk'])).toEqual([
      'EXPIRING#0',
      'EXPIRING#1',
      'EXPIRING#2',
      'EXPIRING#3',
    ]);
    expect(inputs[0]).toEqual({
      TableName: 'intents-test',
      IndexName: 'gsi2',
      KeyConditionExpression: '#pk = :pk AND #sk < :dueBefore',
      ExpressionAttributeNames: { '#pk': 'gsi2pk', '#sk': 'gsi2sk' },
      ExpressionAttributeValues: { ':pk': 'EXPIRING#0', ':dueBefore': '2026-01-05T09:00:00.000Z$' },
      Limit: 25,
    });
  });

  it('hands out the intent ids, then the next page of each shard that has more, in turn', async () => {
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'EXPIRING#0' } })
      .resolvesOnce({ Items: [keys('A', 0)], LastEvaluatedKey: keys('A', 0) })
      .resolves({ Items: [keys('B', 0)] });
    dynamo
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'EXPIRING#2' } })
      .resolves({ Items: [keys('C', 2), keys('D', 2)] });
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'EXPIRING#1' } }).resolves({ Items: [] });
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'EXPIRING#3' } }).resolves({ Items: [] });

    const pages = await collect(repository.dueForExpiry(NOW, 2));

    expect(pages).toEqual([['A'], ['C', 'D'], ['B']]);
    const shard0 = dynamo
      .commandCalls(QueryCommand)
      .map((call) => call.args[0].input)
      .filter((input) => input.ExpressionAttributeValues?.[':pk'] === 'EXPIRING#0');
    expect(shard0[1]?.ExclusiveStartKey).toEqual(keys('A', 0));
  });

  it('puts every intent due at `now` below the bound, and every later one above it', () => {
    const bound = '2026-01-05T09:00:00.000Z$';
    expect('2026-01-05T09:00:00.000Z#zzzzzzzzzzzzzzzzzzzzzz' < bound).toBe(true);
    expect('2026-01-05T08:59:59.999Z#A' < bound).toBe(true);
    expect('2026-01-05T09:00:00.001Z#1' < bound).toBe(false);
  });
});
