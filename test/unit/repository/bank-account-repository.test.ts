import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { StateConflictError } from '../../../functions/shared/domain/errors';
import { BankAccountRepository } from '../../../functions/shared/repository/bank-account-repository';
import { ACCOUNT_ID, bankAccount, bankAccountItem, TABLE_NAME } from '../../support/fixtures';
import { conditionFailed, mockedTable } from '../../support/mocked-table';

const dynamo = mockClient(DynamoDBDocumentClient);
const repository = new BankAccountRepository(mockedTable());
const NUMBER_KEY = { pk: `ACCOUNT#${ACCOUNT_ID}`, sk: 'BANK_ACCOUNT_NUMBER#test#12-3456-7890123-00' };

beforeEach(() => dynamo.reset());

describe('BankAccountRepository.connect', () => {
  it('reserves the number, then writes the bank account, both only if new', async () => {
    dynamo.on(PutCommand).resolves({});
    const candidate = bankAccount({ test: true });

    const stored = await repository.connect(candidate);

    expect(stored).toEqual(candidate);
    const [reserve, write] = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(reserve).toMatchObject({
      Item: { ...NUMBER_KEY, bankAccountId: candidate.id },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(write).toMatchObject({
      Item: { pk: `BANK_ACCOUNT#${candidate.id}`, sk: 'BANK_ACCOUNT', test: true },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('returns the bank account that already holds the number instead of a second one', async () => {
    const existing = bankAccount({ id: 'Exist11111111111111111', test: true });
    dynamo.on(PutCommand).rejects(conditionFailed());
    dynamo.on(GetCommand, { Key: NUMBER_KEY }).resolves({ Item: { bankAccountId: existing.id } });
    dynamo
      .on(GetCommand, { Key: { pk: `BANK_ACCOUNT#${existing.id}` } })
      .resolves({ Item: bankAccountItem(existing) });

    const stored = await repository.connect(bankAccount({ test: true }));

    expect(stored).toEqual(existing);
  });

  it('finishes a connection a crash left with only the number reserved', async () => {
    dynamo.on(PutCommand, { Item: { sk: NUMBER_KEY.sk } }).rejects(conditionFailed());
    dynamo.on(PutCommand, { Item: { sk: 'BANK_ACCOUNT' } }).resolves({});
    dynamo
      .on(GetCommand, { Key: NUMBER_KEY })
      .resolves({ Item: { bankAccountId: 'Reserved11111111111111' } });

    const stored = await repository.connect(bankAccount({ test: true }));

    expect(stored.id).toBe('Reserved11111111111111');
    expect(dynamo.commandCalls(PutCommand)[1]?.args[0].input.Item).toMatchObject({
      id: 'Reserved11111111111111',
    });
  });
});

describe('BankAccountRepository.markEnduringPaymentConsent', () => {
  it('only marks a bank account that exists', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed());

    await expect(
      repository.markEnduringPaymentConsent(
        'Missing',
        undefined,
        '2022-03-31T02:56:29.713Z',
        'crn:a:api-key:k',
      ),
    ).rejects.toBeInstanceOf(StateConflictError);
    expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input.ConditionExpression).toBe(
      'attribute_exists(pk)',
    );
  });

  it("records the consent's limits, replacing an earlier consent's; a consent without limits removes them", async () => {
    dynamo.on(UpdateCommand).resolves({});
    const limits = { name: 'Groceries', period: 'weekly' as const, totalAmount: '50000' };

    await repository.markEnduringPaymentConsent(
      'Bnk1',
      limits,
      '2022-03-31T02:56:29.713Z',
      'crn:a:api-key:k',
    );
    await repository.markEnduringPaymentConsent(
      'Bnk1',
      undefined,
      '2022-03-31T02:56:29.713Z',
      'crn:a:api-key:k',
    );

    const [withLimits, without] = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(withLimits?.UpdateExpression).toContain('#limits = :limits');
    expect(withLimits?.ExpressionAttributeValues?.[':limits']).toEqual(limits);
    expect(without?.UpdateExpression).toContain('REMOVE #limits');
    expect(without?.ExpressionAttributeValues?.[':limits']).toBeUndefined();
  });
});

describe('BankAccountRepository.listByAccount', () => {
  const batchOf = (...accounts: ReturnType<typeof bankAccount>[]) => ({
    Responses: { [TABLE_NAME]: accounts.map(bankAccountItem) },
  });

  it("finds the account's bank accounts through their number items, in one batch read", async () => {
    const [first, second] = [bankAccount(), bankAccount({ id: 'Bnk2222222222222222222' })];
    dynamo.on(QueryCommand).resolves({ Items: [{ bankAccountId: first.id }, { bankAccountId: second.id }] });
    dynamo.on(BatchGetCommand).resolves(batchOf(first, second));

    const accounts = await repository.listByAccount(ACCOUNT_ID);

    expect(accounts).toEqual([first, second]);
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `ACCOUNT#${ACCOUNT_ID}`, ':prefix': 'BANK_ACCOUNT_NUMBER#' },
      ConsistentRead: true,
    });
    expect(dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input)).toEqual([
      {
        RequestItems: {
          [TABLE_NAME]: {
            Keys: [
              { pk: `BANK_ACCOUNT#${first.id}`, sk: 'BANK_ACCOUNT' },
              { pk: `BANK_ACCOUNT#${second.id}`, sk: 'BANK_ACCOUNT' },
            ],
            ConsistentRead: true,
          },
        },
      },
    ]);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('reads every page of number items', async () => {
    const [first, second] = [bankAccount(), bankAccount({ id: 'Bnk2222222222222222222' })];
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ bankAccountId: first.id }], LastEvaluatedKey: { pk: 'p', sk: 's' } })
      .resolves({ Items: [{ bankAccountId: second.id }] });
    dynamo.on(BatchGetCommand).resolves(batchOf(first, second));

    const accounts = await repository.listByAccount(ACCOUNT_ID);

    expect(accounts).toEqual([first, second]);
    expect(dynamo.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({
      pk: 'p',
      sk: 's',
    });
  });

  it('asks again for the keys DynamoDB left unprocessed', async () => {
    const [first, second] = [bankAccount(), bankAccount({ id: 'Bnk2222222222222222222' })];
    const secondKey = { pk: `BANK_ACCOUNT#${second.id}`, sk: 'BANK_ACCOUNT' };
    dynamo.on(QueryCommand).resolves({ Items: [{ bankAccountId: first.id }, { bankAccountId: second.id }] });
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({ ...batchOf(first), UnprocessedKeys: { [TABLE_NAME]: { Keys: [secondKey] } } })
      .resolves(batchOf(second));

    expect(await repository.listByAccount(ACCOUNT_ID)).toEqual([first, second]);
    expect(dynamo.commandCalls(BatchGetCommand)[1]?.args[0].input.RequestItems?.[TABLE_NAME]?.Keys).toEqual([
      secondKey,
    ]);
  });

  it('reads at most 100 keys a request', async () => {
    const ids = Array.from({ length: 101 }, (_, index) => `Bnk${String(index).padStart(19, '0')}`);
    dynamo.on(QueryCommand).resolves({ Items: ids.map((bankAccountId) => ({ bankAccountId })) });
    dynamo.on(BatchGetCommand).resolves({ Responses: { [TABLE_NAME]: [] } });

    await repository.listByAccount(ACCOUNT_ID);

    expect(
      dynamo
        .commandCalls(BatchGetCommand)
        .map((call) => call.args[0].input.RequestItems?.[TABLE_NAME]?.Keys?.length),
    ).toEqual([100, 1]);
  });

  it('leaves out a number item whose Bank Account is not written yet, and an item of another account', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [{ bankAccountId: 'Pending1111111111111111' }, { bankAccountId: 'Bnk9999999999999999999' }],
    });
    dynamo
      .on(BatchGetCommand)
      .resolves(batchOf(bankAccount({ id: 'Bnk9999999999999999999', accountId: 'uooxSens6ykJaim1Cu1Q55' })));

    expect(await repository.listByAccount(ACCOUNT_ID)).toEqual([]);
  });
});
