import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { buildHandler } from '../../../functions/get-bank-account/handler';
import {
  ACCOUNT_ID,
  bankAccount,
  getEvent,
  OTHER_ACCOUNT_ID,
  OWNER_CRN,
  OWNER_SECRET,
  parse,
} from '../../support/fixtures';
import { dynamo, type Harness, harness, storeBankAccount } from '../../support/handler-harness';

const BANK_ACCOUNT_ID = 'Bnk1111111111111111111';

let h: Harness;
beforeEach(() => {
  h = harness(buildHandler);
});

const get = async (id = BANK_ACCOUNT_ID) =>
  parse(
    await h.invoke(
      getEvent({
        path: `/api/bank-accounts/${id}`,
        pathParameters: { bankAccountId: id },
        headers: { 'X-Api-Key': OWNER_SECRET },
      }),
    ),
  );

const forbidden = { statusCode: 403, error: 'Forbidden', message: 'Forbidden', requestId: 'req-123' };

describe('get bank account', () => {
  it("answers the Bank Account in the family's field names", async () => {
    storeBankAccount(
      bankAccount({
        providerAccountId: 'acc-alice-1',
        test: true,
        enduringPaymentConsentAuthorized: true,
        updatedAt: '2022-04-01T00:00:00.000Z',
      }),
    );

    const { statusCode, body } = await get();

    expect(statusCode).toBe(200);
    expect(body).toEqual({
      id: BANK_ACCOUNT_ID,
      accountId: ACCOUNT_ID,
      type: 'quartz',
      bankAccountNumber: '12-3456-7890123-00',
      bankAccountName: 'Everyday',
      test: true,
      enduringPaymentConsentAuthorized: true,
      createdAt: '2022-03-30T02:56:29.713Z',
      createdBy: OWNER_CRN,
      modifiedAt: '2022-04-01T00:00:00.000Z',
      modifiedBy: OWNER_CRN,
    });
  });

  it('leaves out the flags that are not set', async () => {
    storeBankAccount(bankAccount({ test: false }));

    const { body } = await get();

    expect(body).not.toHaveProperty('test');
    expect(body).not.toHaveProperty('enduringPaymentConsentAuthorized');
  });

  it("forbids another account's Bank Account", async () => {
    storeBankAccount(bankAccount({ accountId: OTHER_ACCOUNT_ID }));

    const { statusCode, body } = await get();

    expect(statusCode).toBe(403);
    expect(body).toEqual(forbidden);
  });

  it('forbids a Bank Account that does not exist', async () => {
    const { statusCode, body } = await get('Missing111111111111111');

    expect(statusCode).toBe(403);
    expect(body).toEqual(forbidden);
  });

  it('forbids an id this service never issues, without a lookup', async () => {
    const { statusCode, body } = await get('not-an-id-of-ours-0OIl');

    expect(statusCode).toBe(403);
    expect(body).toEqual(forbidden);
    expect(
      dynamo.commandCalls(GetCommand).filter((call) => call.args[0].input.Key?.sk === 'BANK_ACCOUNT'),
    ).toHaveLength(0);
  });
});
