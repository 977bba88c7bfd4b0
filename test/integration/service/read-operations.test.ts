import { approveAtBank } from '../../support/bank-session';
import type { ServiceClient } from '../../support/service-client';
import { useLocalStack } from '../../support/use-local-stack';

// The four read operations on the whole local stack over real HTTP: the bundled handlers, dynalite
// (with the table's index) and the sandbox banks. A connection through the bank takes a few
// requests; the machine may be busy, so every test has room.
jest.setTimeout(120_000);

const local = useLocalStack();

const ALICE_TWO = ['acc-alice-1', 'acc-alice-3'];

interface IntentBody {
  id: string;
  authorizationUrl: string;
  createdAt: string;
  [field: string]: unknown;
}

async function createIntent(client: ServiceClient, body: Record<string, unknown> = {}): Promise<IntentBody> {
  const answer = await client.createIntent({
    accountId: client.accountId,
    type: 'quartz-accounts',
    test: true,
    ...body,
  });
  expect(answer.status).toBe(200);
  return answer.body as IntentBody;
}

const forbidden = { statusCode: 403, error: 'Forbidden', message: 'Forbidden' };
const badPageKey = { statusCode: 400, error: 'Bad Request', message: 'pageKey is invalid' };

describe('GET an intent', () => {
  it('answers a new intent exactly as create answered it', async () => {
    const created = await createIntent(local.api);

    const answer = await local.api.getIntent(created.id);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(created);
    expect(answer.headers.get('x-request-id')).toEqual(expect.any(String));
  });

  it('answers an authorized intent with the Bank Accounts it connected', async () => {
    const client = await local.api.forNewAccount();
    const created = await createIntent(client);
    const { code } = await approveAtBank(created.authorizationUrl, { user: 'alice', accounts: ALICE_TWO });
    expect((await client.authorize(created.id, code)).status).toBe(200);

    const answer = await client.getIntent(created.id);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: created.id, status: 'authorized' });
    expect(answer.body).not.toHaveProperty('failureReason');
    const stored = await client.bankAccounts.listByAccount(client.accountId);
    expect(stored.map((account) => account.providerAccountId).sort()).toEqual(ALICE_TWO);
    expect([...(answer.body.bankAccountIds as string[])].sort()).toEqual(
      stored.map((account) => account.id).sort(),
    );
  });

  it('answers a denied intent as failed with ACCESS_DENIED', async () => {
    const created = await createIntent(local.api);
    const { code } = await approveAtBank(created.authorizationUrl, { user: 'dan', decision: 'deny' });
    expect((await local.api.authorize(created.id, code)).status).toBe(403);

    const answer = await local.api.getIntent(created.id);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ status: 'failed', failureReason: 'ACCESS_DENIED' });
    expect(answer.body).not.toHaveProperty('bankAccountIds');
  });

  it('forbids an id that is not one of ours', async () => {
    const answer = await local.api.getIntent('not-an-id');

    expect(answer).toMatchObject({ status: 403, body: forbidden });
  });
});

describe('list intents', () => {
  it('pages through more than 50 intents, newest first, with no nextPageKey at the end', async () => {
    const client = await local.api.forNewAccount();
    const created: IntentBody[] = [];
    // A few at a time: steady for a busy machine, and some share a millisecond.
    for (let batch = 0; batch < 11; batch += 1) {
      created.push(...(await Promise.all(Array.from({ length: 5 }, () => createIntent(client)))));
    }
    const newestFirst = [...created].sort((a, b) =>
      a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1,
    );

    const first = await client.listIntents();
    const second = await client.listIntents({ pageKey: String(first.body.nextPageKey) });

    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.nextPageKey).toEqual(expect.any(String));
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(5);
    expect(second.body).not.toHaveProperty('nextPageKey');
    const listed = [...(first.body.items as IntentBody[]), ...(second.body.items as IntentBody[])];
    expect(listed.map((item) => item.id)).toEqual(newestFirst.map((item) => item.id));
    // Each item as GET answers it.
    expect(listed[0]).toEqual((await client.getIntent(listed[0]?.id ?? '')).body);
  });

  it('answers an account without intents with an empty last page', async () => {
    const client = await local.api.forNewAccount();

    expect(await client.listIntents()).toMatchObject({ status: 200, body: { items: [] } });
  });

  it("refuses a tampered page key, and another account's, as 400 naming pageKey", async () => {
    const [mine, theirs] = [await local.api.forNewAccount(), await local.api.forNewAccount()];
    for (const client of [mine, theirs]) {
      for (let batch = 0; batch < 11; batch += 1) {
        await Promise.all(Array.from({ length: 5 }, () => createIntent(client)));
      }
    }
    const myKey = String((await mine.listIntents()).body.nextPageKey);
    const theirKey = String((await theirs.listIntents()).body.nextPageKey);
    const [position, mac] = myKey.split('.');
    const tampered = `${position}.${mac?.slice(0, -1)}${mac?.endsWith('A') ? 'B' : 'A'}`;

    expect(await mine.listIntents({ pageKey: tampered })).toMatchObject({ status: 400, body: badPageKey });
    expect(await mine.listIntents({ pageKey: theirKey })).toMatchObject({ status: 400, body: badPageKey });
    expect(await mine.listIntents({ pageKey: myKey })).toMatchObject({ status: 200 });
  });

  it('answers 400 naming an unknown query parameter', async () => {
    const answer = await local.api.get(
      `/api/accounts/${local.api.accountId}/bank-account-connection-intents?status=failed`,
    );

    expect(answer).toMatchObject({ status: 400, body: { message: 'status is not allowed' } });
  });
});

describe('Bank Accounts', () => {
  it("answers the account's Bank Accounts in the family's field names, each also on its own", async () => {
    const client = await local.api.forNewAccount();
    const created = await createIntent(client);
    const { code } = await approveAtBank(created.authorizationUrl, { user: 'alice', accounts: ALICE_TWO });
    expect((await client.authorize(created.id, code)).status).toBe(200);

    const list = await client.listBankAccounts();

    expect(list.status).toBe(200);
    const accounts = list.body as Record<string, unknown>[];
    expect(accounts).toHaveLength(2);
    for (const account of accounts) {
      expect(Object.keys(account).sort()).toEqual(
        [
          'accountId',
          'bankAccountName',
          'bankAccountNumber',
          'createdAt',
          'createdBy',
          'id',
          'modifiedAt',
          'modifiedBy',
          'test',
          'type',
        ].sort(),
      );
      expect(account).toMatchObject({ accountId: client.accountId, type: 'quartz', test: true });
      expect(await client.getBankAccount(String(account.id))).toEqual(
        expect.objectContaining({ status: 200, body: account }),
      );
    }
    const intent = await client.getIntent(created.id);
    expect([...(intent.body.bankAccountIds as string[])].sort()).toEqual(
      accounts.map((account) => account.id).sort(),
    );
  });

  it('answers an account without Bank Accounts with an empty array', async () => {
    const client = await local.api.forNewAccount();

    expect(await client.listBankAccounts()).toMatchObject({ status: 200, body: [] });
  });
});

describe("another account's resources", () => {
  it('are all 403 Forbidden, as if they did not exist', async () => {
    const owner = await local.api.forNewAccount();
    const stranger = await local.api.forNewAccount();
    const created = await createIntent(owner);
    const { code } = await approveAtBank(created.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-2'],
    });
    expect((await owner.authorize(created.id, code)).status).toBe(200);
    const [bankAccount] = await owner.bankAccounts.listByAccount(owner.accountId);

    const answers = await Promise.all([
      stranger.getIntent(created.id),
      stranger.getBankAccount(bankAccount?.id ?? ''),
      stranger.listIntents({ accountId: owner.accountId }),
      stranger.listBankAccounts(owner.accountId),
    ]);

    for (const answer of answers) expect(answer).toMatchObject({ status: 403, body: forbidden });
  });
});
