import { boundStateOf } from '../../../functions/shared/domain/bound-state';
import { createIntent } from '../../../functions/shared/domain/create-intent';
import type { ConnectionIntent } from '../../../functions/shared/domain/schemas';
import { bankAccount, intent as intentFixture } from '../../support/fixtures';
import {
  Gate,
  InMemoryBankAccountStore,
  InMemoryIntentStore,
  Invocation,
  type ScriptedBank,
} from '../../support/in-memory-ports';
import { AuthorizeScenario, EVERYDAY, OWNER, SAVINGS } from './authorize-harness';

/*
 * The decoupled flow (OpenID CIBA, poll mode) on the in-memory ports: authorize without a code polls
 * the bank at most once per interval and one call at a time, and an approval runs the same
 * exactly-once path as a code. Also the checks every authorize makes of its body against the intent.
 */

const LOGIN_HINT = 'carol';
const PAYMENT_ACCOUNT = bankAccount();

/** A scenario whose intent was created with `loginHint` by create itself, on the same fakes. */
async function decoupledScenario(
  overrides: Partial<ConnectionIntent> = {},
  body: Record<string, unknown> = {},
): Promise<AuthorizeScenario> {
  const placeholder = intentFixture(overrides);
  const scenario = new AuthorizeScenario(placeholder);
  scenario.table.seedBankAccount(PAYMENT_ACCOUNT);
  const invocation = new Invocation();
  const created = await createIntent(
    {
      intents: new InMemoryIntentStore(scenario.table, invocation),
      bankAccounts: new InMemoryBankAccountStore(scenario.table, invocation),
      provider: scenario.bank.provider(invocation),
      clock: scenario.clock,
      intentLifetimeMs: 3_600_000,
    },
    OWNER,
    { accountId: OWNER.accountId, type: 'account-information-consent', loginHint: LOGIN_HINT, ...body },
  );
  scenario.table.intents.delete(placeholder.id);
  return scenario.authorizing(created.id);
}

const poll = (scenario: AuthorizeScenario) => scenario.clock.run(scenario.callWith({}).answer);

const pollsOf = (bank: ScriptedBank): number =>
  [...bank.decoupled.values()].reduce((sum, request) => sum + request.polls, 0);

describe('create with loginHint', () => {
  it('starts a backchannel request and keeps its id inside: the intent names the bank, holds no PKCE material', async () => {
    const scenario = await decoupledScenario();

    expect(scenario.intent).toMatchObject({
      status: 'created',
      type: 'account-information-consent',
      flow: 'decoupled',
      authorizationUrl: 'https://bank.example.com',
      backchannel: { authReqId: 'auth-req-1', intervalSeconds: 1, pollAfter: scenario.clock.epochMs },
    });
    expect(scenario.intent.oauth).toBeUndefined();
    expect([...scenario.bank.decoupled.values()].map((request) => request.loginHint)).toEqual([LOGIN_HINT]);
  });

  it("sends a payment consent's limits with its Bank Account, and stores them with the default period", async () => {
    const scenario = await decoupledScenario(
      {},
      { type: 'enduring-payment-consent', bankAccountId: PAYMENT_ACCOUNT.id, totalAmount: '50000' },
    );

    expect(scenario.intent).toMatchObject({ period: 'daily', totalAmount: '50000' });
    expect(scenario.intent.name).toBeUndefined();
    expect(scenario.bank.decoupled.get('auth-req-1')?.request).toMatchObject({
      bankAccount: { id: PAYMENT_ACCOUNT.id },
      limits: { period: 'daily', totalAmount: '50000' },
    });
  });

  it('answers a login hint the bank refuses as a 400 naming loginHint, and stores nothing', async () => {
    const attempt = decoupledScenario({}, { loginHint: 'nobody' });

    await expect(attempt).rejects.toMatchObject({
      statusCode: 400,
      message: 'loginHint was refused by the bank (unknown_user_id)',
    });
  });
});

describe('authorize without code: polling a decoupled intent', () => {
  it('answers AUTHORIZATION_PENDING with the bank interval, then paces polls by it without asking the bank', async () => {
    const scenario = await decoupledScenario();

    const first = await scenario.clock.run(scenario.callWith({}).error);
    const tooSoon = await scenario.clock.run(scenario.callWith({}).error);

    expect(first).toMatchObject({ message: 'AUTHORIZATION_PENDING', statusCode: 403, retryAfterSeconds: 1 });
    expect(tooSoon).toMatchObject({ message: 'AUTHORIZATION_PENDING', retryAfterSeconds: 1 });
    expect(pollsOf(scenario.bank)).toBe(1);
    expect(scenario.intent.claim).toBeUndefined();
    expect(scenario.intent.backchannel).toMatchObject({
      intervalSeconds: 1,
      pollAfter: scenario.clock.epochMs + 1_000,
    });
  });

  it('raises the interval for good when the bank answers slow_down, and gives it as Retry-After', async () => {
    const scenario = await decoupledScenario();
    scenario.bank.slowDownNext = true;

    const slowed = await scenario.clock.run(scenario.callWith({}).error);
    await scenario.clock.advance(5_000);
    const early = await scenario.clock.run(scenario.callWith({}).error);
    const pollsBefore = pollsOf(scenario.bank);
    await scenario.clock.advance(1_000);
    const due = await scenario.clock.run(scenario.callWith({}).error);

    expect(slowed).toMatchObject({ message: 'AUTHORIZATION_PENDING', retryAfterSeconds: 6 });
    expect(early).toMatchObject({ message: 'AUTHORIZATION_PENDING', retryAfterSeconds: 1 });
    expect(pollsBefore).toBe(1);
    expect(due).toMatchObject({ message: 'AUTHORIZATION_PENDING', retryAfterSeconds: 6 });
    expect(pollsOf(scenario.bank)).toBe(2);
    expect(scenario.intent.backchannel?.intervalSeconds).toBe(6);
  });

  it('collects an approval once and connects the accounts; later polls answer 200 without the bank', async () => {
    const scenario = await decoupledScenario();
    scenario.bank.answer(LOGIN_HINT, 'approved', [EVERYDAY, SAVINGS]);

    expect(await poll(scenario)).toBe('ok');
    expect(await poll(scenario)).toBe('ok');

    expect(scenario.bank.collections).toBe(1);
    expect(pollsOf(scenario.bank)).toBe(1);
    expect(scenario.intent).toMatchObject({ status: 'authorized' });
    expect(scenario.intent.backchannel).toBeUndefined();
    expect(scenario.intent.bankAccountIds).toHaveLength(2);
    // EVERYDAY was already held (the payment consent's Bank Account): connected, not duplicated.
    expect(scenario.bankAccountNumbers).toEqual([EVERYDAY.accountNumber, SAVINGS.accountNumber].sort());
  });

  it("records a payment consent's limits on its Bank Account", async () => {
    const scenario = await decoupledScenario(
      {},
      {
        type: 'enduring-payment-consent',
        bankAccountId: PAYMENT_ACCOUNT.id,
        name: 'Groceries',
        period: 'weekly',
        totalAmount: '50000',
      },
    );
    scenario.bank.answer(LOGIN_HINT, 'approved');

    expect(await poll(scenario)).toBe('ok');

    const consented = scenario.bankAccounts.find((account) => account.id === PAYMENT_ACCOUNT.id);
    expect(consented).toMatchObject({
      enduringPaymentConsentAuthorized: true,
      paymentConsent: { name: 'Groceries', period: 'weekly', totalAmount: '50000' },
    });
  });

  it.each([
    ['denied', 'access_denied'],
    ['expired', 'expired_token'],
  ] as const)('fails the intent when the request was %s at the bank', async (decision, reason) => {
    const scenario = await decoupledScenario();
    scenario.bank.answer(LOGIN_HINT, decision);

    expect(await poll(scenario)).toBe('AUTHORIZATION_FAILED');
    expect(await poll(scenario)).toBe('AUTHORIZATION_FAILED');

    expect(scenario.intent).toMatchObject({ status: 'failed', failureReason: reason });
    expect(scenario.intent.backchannel).toBeUndefined();
    expect(pollsOf(scenario.bank)).toBe(1);
  });

  it('keeps one poll at the bank at a time under 50 concurrent polls, and collects the approval exactly once', async () => {
    const scenario = await decoupledScenario();
    scenario.bank.answer(LOGIN_HINT, 'approved', [EVERYDAY]);
    const gate = new Gate();
    scenario.bank.pollGate = gate;

    const calls = Array.from({ length: 50 }, () => scenario.callWith({}));
    await gate.reached;
    gate.open();
    const answers = await scenario.clock.run(Promise.all(calls.map((call) => call.answer)));

    expect(scenario.bank.maxPollsInFlight).toBe(1);
    expect(scenario.bank.collections).toBe(1);
    expect(answers).toContain('ok');
    expect(answers.filter((answer) => answer !== 'ok' && answer !== 'AUTHORIZATION_PENDING')).toEqual([]);
    expect(await poll(scenario)).toBe('ok');
    expect(scenario.bankAccountNumbers.filter((number) => number === EVERYDAY.accountNumber)).toHaveLength(1);
  });

  it('answers 50 concurrent polls of a pending request with one poll at the bank', async () => {
    const scenario = await decoupledScenario();

    const calls = Array.from({ length: 50 }, () => scenario.callWith({}));
    const answers = await scenario.clock.run(Promise.all(calls.map((call) => call.answer)));

    expect(new Set(answers)).toEqual(new Set(['AUTHORIZATION_PENDING']));
    expect(pollsOf(scenario.bank)).toBe(1);
  });

  it('after a crash at each step of collecting an approval, never collects it twice', async () => {
    for (let at = 1; at <= 8; at += 1) {
      for (const moment of ['before', 'after'] as const) {
        const scenario = await decoupledScenario();
        scenario.bank.answer(LOGIN_HINT, 'approved', [EVERYDAY]);
        const crashed = await scenario.clock.run(scenario.callWith({}, { crash: { at, moment } }).answer);
        await scenario.outliveLease();
        const retried = await poll(scenario);

        const label = `crash ${moment} effect ${at} (${crashed})`;
        const successes = [...scenario.bank.decoupled.values()].map((request) =>
          Math.min(request.collected, 1),
        );
        expect([label, successes.reduce((a, b) => a + b, 0)]).toEqual([label, 1]);
        // Lost after the bank handed out the approval: the retry meets invalid_grant, as a code's would.
        expect([label, ['ok', 'AUTHORIZATION_FAILED'].includes(retried)]).toEqual([label, true]);
        if (retried === 'ok') expect(scenario.intent.status).toBe('authorized');
        else expect(scenario.intent).toMatchObject({ status: 'failed', failureReason: 'invalid_grant' });
      }
    }
  });

  it('refuses a code on a decoupled intent as a 400 naming code, and changes nothing', async () => {
    const scenario = await decoupledScenario();
    const before = scenario.intent;

    const answer = await scenario.clock.run(scenario.callWith({ code: 'abc' }).answer);

    expect(answer).toBe('code is not allowed for a decoupled intent: poll authorize without it');
    expect(scenario.intent).toEqual(before);
    expect(pollsOf(scenario.bank)).toBe(0);
  });
});

describe('authorize: the body against the intent (redirect flow)', () => {
  const STATE = intentFixture().oauth?.state ?? '';

  it.each([
    [{}, 'code is required'],
    [{ code: 'abc', state: 'Other111111111111111111.x' }, 'state does not match this intent'],
    [{ code: 'abc', state: `${intentFixture().id}.guess` }, 'state does not match this intent'],
    [{ code: 'abc', iss: 'https://evil.example.com' }, 'iss is not the issuer this intent was sent to'],
  ])('answers %j with a 400 (%s) before anything is claimed or sent', async (body, message) => {
    const scenario = new AuthorizeScenario();
    scenario.bank.issueCode('abc', [EVERYDAY]);
    const call = scenario.callWith(body);

    expect(await scenario.clock.run(call.answer)).toBe(message);
    expect(call.invocation.effects).toEqual([]);
    expect(scenario.bank.received).toEqual([]);
  });

  it('still checks the whole state once the stored copy has gone with the verifier: against the URL', async () => {
    const { oauth: _dropped, ...withoutOauth } = intentFixture();
    const bound = `${withoutOauth.id}.bound`;
    const intent = { ...withoutOauth, authorizationUrl: `https://bank.example.com/auth?state=${bound}` };
    const refused = new AuthorizeScenario(intent);
    refused.bank.issueCode('abc', [EVERYDAY]);
    const call = refused.callWith({ code: 'abc', state: `${intent.id}.guess` });

    expect(await refused.clock.run(call.answer)).toBe('state does not match this intent');
    expect(call.invocation.effects).toEqual([]);
    expect(boundStateOf(intent)).toBe(bound);
  });

  it("authorizes with the intent's own state and its bank's issuer", async () => {
    const scenario = new AuthorizeScenario();
    scenario.bank.issueCode('abc', [EVERYDAY]);

    const answer = await scenario.clock.run(
      scenario.callWith({ code: 'abc', state: STATE, iss: 'https://bank.example.com' }).answer,
    );

    expect(answer).toBe('ok');
    expect(scenario.intent.status).toBe('authorized');
  });
});
