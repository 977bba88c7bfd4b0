import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { StateConflictError } from '../../../functions/shared/domain/errors';
import type { IdempotencyRecord } from '../../../functions/shared/domain/idempotency';
import type { IntentResponse } from '../../../functions/shared/domain/schemas';
import { IdempotencyRepository } from '../../../functions/shared/repository/idempotency-repository';
import { ACCOUNT_ID, OWNER_CRN } from '../../support/fixtures';
import { conditionFailed, mockedTable } from '../../support/mocked-table';

const dynamo = mockClient(DynamoDBDocumentClient);
const repository = new IdempotencyRepository(mockedTable());

const KEY = 'order #42: "retry" ~ ok';
const TABLE_KEY = { pk: `IDEMPOTENCY#${ACCOUNT_ID}`, sk: `KEY#${KEY}` };
const NOW = Date.parse('2026-01-05T09:00:00.500Z');
const NOW_SECONDS = Date.parse('2026-01-05T09:00:00.000Z') / 1_000;
const HELD_BY_CLAIM = '#claim.#claimId = :claimId AND #status = :inProgress';

const record = (overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord => ({
  accountId: ACCOUNT_ID,
  key: KEY,
  requestHash: 'a'.repeat(64),
  status: 'in-progress',
  intentId: '3KVjuKW2CZCJeJVqPxwkX7',
  claim: { id: 'claim-1', expiresAt: NOW + 25_000 },
  createdAt: '2026-01-05T09:00:00.500Z',
  retainedUntil: NOW_SECONDS + 86_400,
  ...overrides,
});

const response: IntentResponse = {
  id: '3KVjuKW2CZCJeJVqPxwkX7',
  accountId: ACCOUNT_ID,
  type: 'quartz-accounts',
  status: 'created',
  createdAt: '2026-01-05T09:00:00.500Z',
  createdBy: OWNER_CRN,
  updatedAt: '2026-01-05T09:00:00.500Z',
  updatedBy: OWNER_CRN,
  authorizationUrl: 'https://bank.example.com/auth?state=x',
  test: true,
};

beforeEach(() => dynamo.reset());

describe('IdempotencyRepository', () => {
  it('reads a record by account and key, strongly consistently, its time to live as its retention', async () => {
    const { retainedUntil, ...rest } = record();
    dynamo
      .on(GetCommand)
      .resolves({ Item: { ...TABLE_KEY, entity: 'idempotency-record', ...rest, ttl: retainedUntil } });

    const found = await repository.get(ACCOUNT_ID, KEY);

    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'intents-test',
      Key: TABLE_KEY,
      ConsistentRead: true,
    });
    expect(found).toEqual(record());
  });

  it('answers undefined for a key without a record', async () => {
    dynamo.on(GetCommand).resolves({});

    expect(await repository.get(ACCOUNT_ID, KEY)).toBeUndefined();
  });

  it('claims a key only if it has no record, a released one or one past its retention', async () => {
    dynamo.on(PutCommand).resolves({});

    await repository.claimNew(record(), NOW);

    const { retainedUntil, ...rest } = record();
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 'intents-test',
      Item: { ...TABLE_KEY, entity: 'idempotency-record', ...rest, ttl: retainedUntil },
      ConditionExpression: 'attribute_not_exists(pk) OR #status = :released OR #ttl <= :nowSeconds',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':released': 'released', ':nowSeconds': NOW_SECONDS },
    });
  });

  it('turns a lost claim into StateConflictError', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());

    await expect(repository.claimNew(record(), NOW)).rejects.toBeInstanceOf(StateConflictError);
  });

  it('takes over a record of the same request whose claim was released or ran out, keeping its intent id', async () => {
    const claim = { id: 'claim-2', expiresAt: NOW + 25_000 };
    const { retainedUntil, ...rest } = record({ claim });
    dynamo.on(UpdateCommand).resolves({ Attributes: { ...TABLE_KEY, ...rest, ttl: retainedUntil } });

    const taken = await repository.takeOver(ACCOUNT_ID, KEY, 'a'.repeat(64), claim, NOW);

    expect(taken).toEqual(record({ claim }));
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: 'intents-test',
      Key: TABLE_KEY,
      UpdateExpression: 'SET #claim = :claim',
      ConditionExpression:
        '#status = :inProgress AND #requestHash = :requestHash AND #ttl > :nowSeconds AND ' +
        '(attribute_not_exists(#claim) OR #claim.#expiresAt <= :now)',
      ExpressionAttributeNames: {
        '#claim': 'claim',
        '#status': 'status',
        '#requestHash': 'requestHash',
        '#ttl': 'ttl',
        '#expiresAt': 'expiresAt',
      },
      ExpressionAttributeValues: {
        ':claim': claim,
        ':inProgress': 'in-progress',
        ':requestHash': 'a'.repeat(64),
        ':nowSeconds': NOW_SECONDS,
        ':now': NOW,
      },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('saves the answer and drops the claim only while the claim holds the record', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await repository.complete(ACCOUNT_ID, KEY, 'claim-1', response);

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
      TableName: 'intents-test',
      Key: TABLE_KEY,
      UpdateExpression: 'SET #status = :done, #response = :response REMOVE #claim',
      ConditionExpression: HELD_BY_CLAIM,
      ExpressionAttributeNames: {
        '#claim': 'claim',
        '#claimId': 'id',
        '#status': 'status',
        '#response': 'response',
      },
      ExpressionAttributeValues: {
        ':claimId': 'claim-1',
        ':inProgress': 'in-progress',
        ':done': 'done',
        ':response': response,
      },
    });
  });

  it('releases the claim, keeping the record bound to its request and intent', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await repository.releaseClaim(ACCOUNT_ID, KEY, 'claim-1');

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      Key: TABLE_KEY,
      UpdateExpression: 'REMOVE #claim',
      ConditionExpression: HELD_BY_CLAIM,
      ExpressionAttributeValues: { ':claimId': 'claim-1', ':inProgress': 'in-progress' },
    });
  });

  it('releases the key for any request', async () => {
    dynamo.on(UpdateCommand).resolves({});

    await repository.releaseKey(ACCOUNT_ID, KEY, 'claim-1');

    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      Key: TABLE_KEY,
      UpdateExpression: 'SET #status = :released REMOVE #claim',
      ConditionExpression: HELD_BY_CLAIM,
      ExpressionAttributeValues: {
        ':claimId': 'claim-1',
        ':inProgress': 'in-progress',
        ':released': 'released',
      },
    });
  });

  it.each([
    [
      'take-over',
      () => repository.takeOver(ACCOUNT_ID, KEY, 'a'.repeat(64), { id: 'c', expiresAt: NOW }, NOW),
    ],
    ['completion', () => repository.complete(ACCOUNT_ID, KEY, 'claim-1', response)],
    ['claim release', () => repository.releaseClaim(ACCOUNT_ID, KEY, 'claim-1')],
    ['key release', () => repository.releaseKey(ACCOUNT_ID, KEY, 'claim-1')],
  ])('turns a lost %s into StateConflictError', async (_write, write) => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    await expect(write()).rejects.toBeInstanceOf(StateConflictError);
  });
});
