import { setTimeout as sleep } from 'node:timers/promises';
import { approveAtBank } from '../../support/bank-session';
import { BankingAppSession } from '../../support/banking-app-session';
import type { ApiAnswer, ServiceClient } from '../../support/service-client';
import { useLocalStack } from '../../support/use-local-stack';

// The later version of the page against the whole local stack: its type names, a payment consent's
// limits through the bank and back, the decoupled flow (OpenID CIBA) polled through authorize, and
// the state and iss that keep a code from failing the wrong intent. The seed-era client's own tests
// (authorize-flow.test.ts and the rest) run unchanged beside these.
const local = useLocalStack();

interface Intent {
  id: string;
  type: string;
  authorizationUrl: string;
  status: string;
  [field: string]: unknown;
}

async function created(api: ServiceClient, body: Record<string, unknown>): Promise<Intent> {
  const answer = await api.createIntent({ accountId: api.accountId, test: true, ...body });
  expect(answer).toMatchObject({ status: 200 });
  return answer.body as Intent;
}

/** A test Bank Account of `api`'s account, connected through the later page's account-information type. */
async function connectedBankAccount(api: ServiceClient): Promise<string> {
  const intent = await created(api, { type: 'account-information-consent' });
  const redirect = await approveAtBank(intent.authorizationUrl, { user: 'alice', accounts: ['acc-alice-1'] });
  const answer = await api.authorizeWith(intent.id, {
    code: redirect.code,
    state: redirect.state,
    iss: redirect.iss,
  });
  expect(answer).toMatchObject({ status: 200, body: {} });
  const read = await api.getIntent(intent.id);
  expect(read.body).toMatchObject({ type: 'account-information-consent', status: 'authorized' });
  const [bankAccountId] = read.body.bankAccountIds as string[];
  if (!bankAccountId) throw new Error('no Bank Account was connected');
  return bankAccountId;
}

/** Polls as a client should: again after each answer's Retry-After, until it is not pending. */
async function pollUntilDone(
  api: ServiceClient,
  intentId: string,
): Promise<{ last: ApiAnswer; waits: number[] }> {
  const waits: number[] = [];
  for (;;) {
    const answer = await api.authorizeWith(intentId, {});
    if (answer.body.message !== 'AUTHORIZATION_PENDING') return { last: answer, waits };
    const wait = Number(answer.headers.get('retry-after'));
    waits.push(wait);
    await sleep(wait * 1000);
  }
}

describe('the later page: type names and a payment consent with limits', () => {
  it('connects through account-information-consent, then authorizes an enduring-payment-consent with its limits', async () => {
    const api = await local.api.forNewAccount();
    const bankAccountId = await connectedBankAccount(api);
    const limits = { name: 'Groceries', period: 'weekly', totalAmount: '50000' };

    const intent = await created(api, { type: 'enduring-payment-consent', bankAccountId, ...limits });
    expect(intent).toMatchObject({ type: 'enduring-payment-consent', bankAccountId, ...limits });
    const details = JSON.parse(
      new URL(intent.authorizationUrl).searchParams.get('authorization_details') ?? '[]',
    );
    expect(details).toEqual([expect.objectContaining({ type: 'enduring_payment_consent', ...limits })]);
    const redirect = await approveAtBank(intent.authorizationUrl, { user: 'alice' });
    const answer = await api.authorizeWith(intent.id, {
      code: redirect.code,
      state: redirect.state,
      iss: redirect.iss,
    });

    expect(answer).toMatchObject({ status: 200, body: {} });
    expect((await api.getIntent(intent.id)).body).toMatchObject({
      type: 'enduring-payment-consent',
      status: 'authorized',
      ...limits,
    });
    expect((await api.getBankAccount(bankAccountId)).body).toMatchObject({
      enduringPaymentConsentAuthorized: true,
      ...limits,
    });
  });

  it('answers a seed-named payment intent with the default period, and refuses limits on the account-information types', async () => {
    const api = await local.api.forNewAccount();
    const bankAccountId = await connectedBankAccount(api);

    const seedNamed = await created(api, { type: 'quartz-payment', bankAccountId });
    const refused = await api.createIntent({
      accountId: api.accountId,
      type: 'account-information-consent',
      totalAmount: '100',
    });
    const malformed = await api.createIntent({
      accountId: api.accountId,
      type: 'enduring-payment-consent',
      bankAccountId,
      totalAmount: '0100',
    });

    expect(seedNamed).toMatchObject({ type: 'quartz-payment', period: 'daily' });
    expect(refused).toMatchObject({
      status: 400,
      body: { message: 'totalAmount is not allowed when type is account-information-consent' },
    });
    expect(malformed.status).toBe(400);
    expect(String(malformed.body.message)).toMatch(/^totalAmount /);
  });
});

describe('state and iss: a code cannot fail the wrong intent', () => {
  it('refuses a code brought to another intent with its own state, leaving both intents to finish', async () => {
    const api = await local.api.forNewAccount();
    const first = await created(api, { type: 'account-information-consent' });
    const second = await created(api, { type: 'account-information-consent' });
    const redirect = await approveAtBank(first.authorizationUrl, {
      user: 'alice',
      accounts: ['acc-alice-2'],
    });

    const mixedUp = await api.authorizeWith(second.id, {
      code: redirect.code,
      state: redirect.state,
      iss: redirect.iss,
    });
    const wrongIssuer = await api.authorizeWith(first.id, {
      code: redirect.code,
      state: redirect.state,
      iss: local.stack.liveIssuer,
    });

    expect(mixedUp).toMatchObject({ status: 400, body: { message: 'state does not match this intent' } });
    expect(wrongIssuer).toMatchObject({
      status: 400,
      body: { message: 'iss is not the issuer this intent was sent to' },
    });
    expect((await api.getIntent(second.id)).body).toMatchObject({ status: 'created' });
    const right = await api.authorizeWith(first.id, {
      code: redirect.code,
      state: redirect.state,
      iss: redirect.iss,
    });
    expect(right).toMatchObject({ status: 200 });
  });
});

describe('the decoupled flow (CIBA) through authorize', () => {
  it('walks carol through: create with loginHint, poll without code until 200, her accounts connected', async () => {
    const api = await local.api.forNewAccount();
    const before = await api.bankStats(local.stack.testIssuer);

    const intent = await created(api, { type: 'account-information-consent', loginHint: 'carol' });
    const { last, waits } = await pollUntilDone(api, intent.id);

    expect(intent.authorizationUrl).toBe(local.stack.testIssuer);
    expect(last).toMatchObject({ status: 200, body: {} });
    // Pending at least once (carol takes about 3 s), each time with the bank's interval of 1 s.
    expect(waits.length).toBeGreaterThan(0);
    expect(new Set(waits)).toEqual(new Set([1]));
    expect((await api.authorizeWith(intent.id, {})).status).toBe(200);
    const read = await api.getIntent(intent.id);
    expect(read.body).toMatchObject({ status: 'authorized', bankAccountIds: expect.any(Array) });
    const accounts = (await api.listBankAccounts()).body as { bankAccountNumber: string }[];
    expect(accounts.map((account) => account.bankAccountNumber).sort()).toEqual([
      '01-0234-0567890-00',
      '01-0234-0567890-25',
    ]);
    const after = await api.bankStats(local.stack.testIssuer);
    expect(after.collectedDecoupledRequests - before.collectedDecoupledRequests).toBe(1);
  });

  it('fails the intent when dan denies, and answers a code on a decoupled intent with a 400 naming code', async () => {
    const api = await local.api.forNewAccount();
    const intent = await created(api, { type: 'account-information-consent', loginHint: 'dan' });

    const withCode = await api.authorizeWith(intent.id, { code: 'some-code' });
    const { last } = await pollUntilDone(api, intent.id);

    expect(withCode.status).toBe(400);
    expect(String(withCode.body.message)).toMatch(/^code /);
    expect(last).toMatchObject({ status: 403, body: { message: 'AUTHORIZATION_FAILED' } });
    expect((await api.getIntent(intent.id)).body).toMatchObject({
      status: 'failed',
      failureReason: 'ACCESS_DENIED',
    });
  });

  it('answers a login hint the bank does not know with a 400 naming loginHint', async () => {
    const answer = await local.api.createIntent({
      accountId: local.stack.accountId,
      type: 'account-information-consent',
      loginHint: 'nobody-at-this-bank',
      test: true,
    });

    expect(answer.status).toBe(400);
    expect(String(answer.body.message)).toMatch(/^loginHint /);
  });

  it('keeps 50 concurrent polls to one token request that collects the approval, with limits, exactly once', async () => {
    const api = await local.api.forNewAccount();
    const bankAccountId = await connectedBankAccount(api);
    const limits = { name: 'Rent', period: 'monthly', totalAmount: '250000' };
    const intent = await created(api, {
      type: 'enduring-payment-consent',
      bankAccountId,
      loginHint: 'alice',
      ...limits,
    });
    // alice answers in the banking app: approve there, so that the polls race for one approval.
    const app = new BankingAppSession(local.stack.testIssuer);
    const [request, ...others] = BankingAppSession.requests(await app.signIn('alice'));
    expect(others).toEqual([]);
    expect(request?.html).toContain('NZD 2,500.00');
    await app.decide(request?.id ?? '', 'approve');
    const before = await api.bankStats(local.stack.testIssuer);

    const answers = await Promise.all(Array.from({ length: 50 }, () => api.authorizeWith(intent.id, {})));

    const after = await api.bankStats(local.stack.testIssuer);
    expect(after.collectedDecoupledRequests - before.collectedDecoupledRequests).toBe(1);
    // Every poll answered 200, or pending (another poll was at the bank) with the bank's interval.
    for (const answer of answers) {
      if (answer.status === 200) continue;
      expect(answer).toMatchObject({ status: 403, body: { message: 'AUTHORIZATION_PENDING' } });
      expect(answer.headers.get('retry-after')).toBe('1');
    }
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThan(0);
    expect((await api.authorizeWith(intent.id, {})).status).toBe(200);
    expect((await api.getBankAccount(bankAccountId)).body).toMatchObject({
      enduringPaymentConsentAuthorized: true,
      ...limits,
    });
  });
});
