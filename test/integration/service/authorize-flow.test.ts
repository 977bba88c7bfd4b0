import { sha256Hex } from '../../../functions/shared/domain/hashing';
import { approveAtBank } from '../../support/bank-session';
import { leaveIntentBehind } from '../../support/leave-intent-behind';
import { useLocalStack } from '../../support/use-local-stack';

// The whole service on this machine, no mocks: the local API in front of the bundled handlers,
// dynalite, and two sandbox banks (live and test), all over real HTTP.
const local = useLocalStack();

const ALICE_TWO = ['acc-alice-1', 'acc-alice-3'];

/** A whole quartz-accounts connection as alice; answers the account's Bank Accounts of that liveness. */
async function connectAsAlice(test: boolean, accounts: string[]) {
  const intent = await createdIntent({ type: 'quartz-accounts', ...(test ? { test } : {}) });
  const redirect = await approveAtBank(intent.authorizationUrl, { user: 'alice', accounts });
  expect((await local.api.authorize(intent.id, redirect.code)).status).toBe(200);
  const all = await local.api.bankAccounts.listByAccount(local.stack.accountId);
  return all.filter((account) => (account.test === true) === test);
}

async function createdIntent(body: Record<string, unknown>) {
  const answer = await local.api.createIntent({ accountId: local.stack.accountId, ...body });
  expect(answer.status).toBe(200);
  return answer.body as { id: string; authorizationUrl: string; test?: boolean };
}

describe.each([
  ['test', true, () => local.stack.testIssuer],
  ['live', false, () => local.stack.liveIssuer],
])('quartz-accounts, %s configuration', (_name, test, issuer) => {
  it('connects exactly the accounts the user picked, once', async () => {
    const intent = await createdIntent({ type: 'quartz-accounts', ...(test ? { test } : {}) });
    expect(intent.authorizationUrl.startsWith(`${issuer()}/auth?`)).toBe(true);
    const redirect = await approveAtBank(intent.authorizationUrl, { user: 'alice', accounts: ALICE_TWO });
    expect(redirect.state.startsWith(`${intent.id}.`)).toBe(true);

    const answer = await local.api.authorize(intent.id, redirect.code);

    expect(answer).toMatchObject({ status: 200, body: {} });
    expect(answer.headers.get('x-request-id')).toEqual(expect.any(String));
    const stored = await local.api.intents.get(intent.id);
    expect(stored).toMatchObject({ status: 'authorized' });
    expect(stored?.grant).toBeUndefined();
    expect(stored?.oauth).toBeUndefined();
    const mine = (await local.api.bankAccounts.listByAccount(local.stack.accountId)).filter(
      (account) => (account.test === true) === test,
    );
    expect(mine.map((account) => account.providerAccountId).sort()).toEqual(ALICE_TWO);
    expect(mine.every((account) => account.type === 'quartz')).toBe(true);
  });
});

describe('quartz-accounts, repeats and retries', () => {
  it('answers {} again for the same code and ALREADY_AUTHORIZED for another', async () => {
    const intent = await createdIntent({ type: 'quartz-accounts', test: true });
    const first = await approveAtBank(intent.authorizationUrl, { user: 'alice', accounts: ['acc-alice-2'] });
    expect((await local.api.authorize(intent.id, first.code)).status).toBe(200);
    const before = await local.api.bankStats(local.stack.testIssuer);

    const again = await local.api.authorize(intent.id, first.code);
    const other = await local.api.authorize(intent.id, 'some-other-code');

    expect(again).toMatchObject({ status: 200, body: {} });
    expect(other).toMatchObject({ status: 403, body: { message: 'ALREADY_AUTHORIZED' } });
    expect((await local.api.bankStats(local.stack.testIssuer)).tokenRequests).toBe(before.tokenRequests);
  });

  it('does not duplicate a bank account connected a second time', async () => {
    await connectAsAlice(true, ['acc-alice-1']);

    const accounts = await connectAsAlice(true, ['acc-alice-1']);

    expect(accounts.filter((account) => account.providerAccountId === 'acc-alice-1')).toHaveLength(1);
  });

  it('fails the intent when the user denies at the bank', async () => {
    const intent = await createdIntent({ type: 'quartz-accounts', test: true });
    const redirect = await approveAtBank(intent.authorizationUrl, { user: 'dan', decision: 'deny' });

    const answer = await local.api.authorize(intent.id, redirect.code);
    const again = await local.api.authorize(intent.id, redirect.code);

    expect(answer).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'AUTHORIZATION_FAILED' },
    });
    expect(again).toMatchObject({ status: 403, body: { message: 'AUTHORIZATION_FAILED' } });
    expect(await local.api.intents.get(intent.id)).toMatchObject({
      status: 'failed',
      failureReason: 'access_denied',
    });
  });

  it('answers a retryable 502 during a bank outage and succeeds on retry with the same code', async () => {
    const intent = await createdIntent({ type: 'quartz-accounts', test: true });
    const redirect = await approveAtBank(intent.authorizationUrl, { user: 'olive' });

    const during = await local.api.authorize(intent.id, redirect.code);
    expect(during).toMatchObject({ status: 502, body: { message: 'PROVIDER_UNAVAILABLE' } });
    expect(await local.api.intents.get(intent.id)).toMatchObject({ status: 'created' });
    const after = await local.api.authorize(intent.id, redirect.code);

    expect(after).toMatchObject({ status: 200, body: {} });
    expect(await local.api.intents.get(intent.id)).toMatchObject({ status: 'authorized' });
  });

  it('lets exactly one of two concurrent authorizations redeem the code', async () => {
    const intent = await createdIntent({ type: 'quartz-accounts', test: true });
    const redirect = await approveAtBank(intent.authorizationUrl, { user: 'alice', accounts: ALICE_TWO });
    const before = await local.api.bankStats(local.stack.testIssuer);

    const answers = await Promise.all([
      local.api.authorize(intent.id, redirect.code),
      local.api.authorize(intent.id, redirect.code),
    ]);

    // The loser waits for the winner and answers its outcome, or a retryable 503 if it is slow.
    expect(answers.map((answer) => answer.status).sort()).toEqual(
      answers.some((answer) => answer.status === 503) ? [200, 503] : [200, 200],
    );
    const after = await local.api.bankStats(local.stack.testIssuer);
    expect(after.tokenRequests - before.tokenRequests).toBe(1);
    expect(after.redeemedCodes - before.redeemedCodes).toBe(1);
    expect(await local.api.intents.get(intent.id)).toMatchObject({ status: 'authorized' });
  });
});

describe('crash recovery against the real table', () => {
  const leaveBehind = (intentId: string, attributes: Record<string, unknown>) =>
    leaveIntentBehind(local.stack, intentId, attributes);

  /** A test intent alice approved at the bank, whose code nobody has posted yet. */
  async function approvedButNotRedeemed() {
    const intent = await createdIntent({ type: 'quartz-accounts', test: true });
    const redirect = await approveAtBank(intent.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-1'],
    });
    return { intent, redirect };
  }

  it('takes over a claim whose owner died before redeeming, once its lease has run out', async () => {
    const { intent, redirect } = await approvedButNotRedeemed();
    await leaveBehind(intent.id, {
      claim: { id: 'died', codeHash: sha256Hex(redirect.code), expiresAt: Date.now() - 1_000 },
    });

    const answer = await local.api.authorize(intent.id, redirect.code);

    expect(answer).toMatchObject({ status: 200, body: {} });
    expect(await local.api.intents.get(intent.id)).toMatchObject({ status: 'authorized' });
  });

  it('finishes from a saved grant without redeeming the code again', async () => {
    const { intent, redirect } = await approvedButNotRedeemed();
    await leaveBehind(intent.id, {
      claim: { id: 'died', codeHash: sha256Hex(redirect.code), expiresAt: Date.now() - 1_000 },
      grant: {
        codeHash: sha256Hex(redirect.code),
        // An account no other test connects: only this resumed call can have created it.
        accounts: [{ id: 'acc-resumed', accountNumber: '99-0000-0000001-00', accountName: 'Resumed' }],
      },
    });
    const before = await local.api.bankStats(local.stack.testIssuer);

    const answer = await local.api.authorize(intent.id, redirect.code);

    expect(answer).toMatchObject({ status: 200, body: {} });
    expect((await local.api.bankStats(local.stack.testIssuer)).tokenRequests).toBe(before.tokenRequests);
    const accounts = await local.api.bankAccounts.listByAccount(local.stack.accountId);
    expect(accounts.filter((account) => account.providerAccountId === 'acc-resumed')).toHaveLength(1);
  });
});

describe('quartz-payment', () => {
  async function connectedAccountId(test: boolean): Promise<string> {
    const accounts = await connectAsAlice(test, ['acc-alice-2']);
    const savings = accounts.find((account) => account.providerAccountId === 'acc-alice-2');
    if (!savings) throw new Error('the savings account was not connected');
    return savings.id;
  }

  it.each([
    ['test', true],
    ['live', false],
  ])('records the enduring payment consent on the Bank Account (%s configuration)', async (_name, test) => {
    const bankAccountId = await connectedAccountId(test);
    const intent = await createdIntent({ type: 'quartz-payment', bankAccountId, ...(test ? { test } : {}) });
    expect(intent).toMatchObject({ bankAccountId });
    const redirect = await approveAtBank(intent.authorizationUrl, { user: 'alice' });

    const answer = await local.api.authorize(intent.id, redirect.code);

    expect(answer).toMatchObject({ status: 200, body: {} });
    expect(await local.api.bankAccounts.get(bankAccountId)).toMatchObject({
      enduringPaymentConsentAuthorized: true,
    });
    expect(await local.api.intents.get(intent.id)).toMatchObject({ status: 'authorized' });
  });

  it.each([
    ['a live intent on a test Bank Account', true, {}],
    ['a test intent on a live Bank Account', false, { test: true }],
  ])('answers LIVENESS_MISMATCH for %s', async (_case, accountIsTest, intentFlags) => {
    const bankAccountId = await connectedAccountId(accountIsTest);
    const accountBefore = await local.api.bankAccounts.get(bankAccountId);
    const before = await local.api.bankStats(accountIsTest ? local.stack.liveIssuer : local.stack.testIssuer);

    const answer = await local.api.createIntent({
      accountId: local.stack.accountId,
      type: 'quartz-payment',
      bankAccountId,
      ...intentFlags,
    });

    expect(answer).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'LIVENESS_MISMATCH' },
    });
    expect(await local.api.bankAccounts.get(bankAccountId)).toEqual(accountBefore);
    expect(
      await local.api.bankStats(accountIsTest ? local.stack.liveIssuer : local.stack.testIssuer),
    ).toEqual(before);
  });
});
