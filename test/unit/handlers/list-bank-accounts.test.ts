import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { buildHandler } from '../../../functions/list-bank-accounts/handler';
import { ACCOUNT_ID, bankAccount, getEvent, OTHER_ACCOUNT_ID, OWNER_SECRET } from '../../support/fixtures';
import { dynamo, type Harness, harness, storeBankAccount } from '../../support/handler-harness';

let h: Harness;
beforeEach(() => {
  h = harness(buildHandler);
});

const list = async (accountId = ACCOUNT_ID) => {
  const response = await h.invoke(
    getEvent({
      path: `/api/accounts/${accountId}/bank-accounts`,
      pathParameters: { accountId },
      headers: { 'X-Api-Key': OWNER_SECRET },
    }),
  );
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as unknown };
};

describe('list bank accounts', () => {
  it("answers a JSON array of the account's Bank Accounts, newest first, in the family's field names", async () => {
    const older = bankAccount({ id: 'Bnk1111111111111111111', createdAt: '2022-03-30T00:00:00.000Z' });
    const newer = bankAccount({
      id: 'Bnk2222222222222222222',
      accountNumber: '12-3456-7890123-01',
      test: true,
      createdAt: '2022-03-31T00:00:00.000Z',
    });
    for (const account of [older, newer]) storeBankAccount(account);
    dynamo.on(QueryCommand).resolves({ Items: [{ bankAccountId: older.id }, { bankAccountId: newer.id }] });

    const { statusCode, body } = await list();

    expect(statusCode).toBe(200);
    expect(body).toEqual([
      expect.objectContaining({ id: newer.id, bankAccountNumber: '12-3456-7890123-01', test: true }),
      expect.objectContaining({
        id: older.id,
        bankAccountNumber: older.accountNumber,
        modifiedAt: older.updatedAt,
      }),
    ]);
    expect(JSON.stringify(body)).not.toContain('providerAccountId');
  });

  it('answers an empty array for an account without Bank Accounts', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    expect(await list()).toEqual({ statusCode: 200, body: [] });
  });

  it("forbids another account's list without reading it", async () => {
    const { statusCode, body } = await list(OTHER_ACCOUNT_ID);

    expect(statusCode).toBe(403);
    expect(body).toMatchObject({ statusCode: 403, message: 'Forbidden' });
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
