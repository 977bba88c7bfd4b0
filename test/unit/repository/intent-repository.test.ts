import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { StateConflictError } from '../../../functions/shared/domain/errors';
import { IntentRepository } from '../../../functions/shared/repository/intent-repository';
import { intent, intentItem } from '../../support/fixtures';
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

  it('claims only a created intent without a live claim, returning the new state', async () => {
    const claim = { id: 'c1', codeHash: 'h', expiresAt: 2_000 };
    dynamo.on(UpdateCommand).resolves({ Attributes: intentItem(intent({ claim })) });

    const claimed = await repository.claim('3KVjuKW2CZCJeJVqPxwkX7', claim, 1_000);

    expect(claimed.claim).toEqual(claim);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
      UpdateExpression: 'SET #claim = :claim',
      ConditionExpression:
        '#status = :created AND (attribute_not_exists(#claim) OR #claim.#expiresAt <= :now)',
      ExpressionAttributeValues: { ':claim': claim, ':created': 'created', ':now': 1_000 },
      ReturnValues: 'ALL_NEW',
    });
  });

  it.each([
    ['claim', () => repository.claim('i', { id: 'c', codeHash: 'h', expiresAt: 1 }, 0)],
    ['saveGrant', () => repository.saveGrant('i', 'c', { codeHash: 'h' })],
    ['releaseClaim', () => repository.releaseClaim('i', 'c')],
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
        '#authorizedCodeHash = :authorizedCodeHash, #bankAccountIds = :bankAccountIds REMOVE #claim, #grant, #oauth',
      ConditionExpression: '#claim.#claimId = :claimId AND #status = :created',
      ExpressionAttributeNames: expect.objectContaining({
        '#authorizedCodeHash': 'authorizedCodeHash',
        '#bankAccountIds': 'bankAccountIds',
        '#oauth': 'oauth',
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
