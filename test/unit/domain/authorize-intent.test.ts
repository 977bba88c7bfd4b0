import {
  ProviderOutcomeUnknownError,
  ProviderUnavailableError,
} from '../../../functions/shared/domain/errors';
import type { ConnectionIntent } from '../../../functions/shared/domain/schemas';
import { TIME_BUDGET } from '../../../functions/shared/time-budget';
import { bankAccount, intent } from '../../support/fixtures';
import { type CrashPlan, type Effect, flush, Gate } from '../../support/in-memory-ports';
import {
  AuthorizeScenario,
  BUSINESS,
  EVERYDAY,
  FULL_BUDGET_MS,
  hashOf,
  numbersOf,
  SAVINGS,
} from './authorize-harness';

const CODE = 'code-alice-1';
const OTHER_CODE = 'code-alice-2';

/** An account-information intent whose user selected Everyday and Savings at the bank with CODE. */
function accountsScenario(): AuthorizeScenario {
  const scenario = new AuthorizeScenario();
  scenario.bank.issueCode(CODE, [EVERYDAY, SAVINGS]);
  return scenario;
}

/** Holds every token request at a gate, before the code reaches the bank. */
function holdTokenRequests(scenario: AuthorizeScenario): Gate {
  const gate = new Gate();
  scenario.bank.tokenEndpoint = async (_request, redeem) => {
    await gate.pass();
    return redeem();
  };
  return gate;
}

describe('authorize: the claim race', () => {
  it('many concurrent calls with the same code: the bank redeems it once and every call answers {}', async () => {
    const scenario = accountsScenario();
    // The bank takes a second: the losers find the intent claimed and wait for the winner.
    scenario.bank.tokenEndpoint = async (_request, redeem) => {
      await scenario.clock.sleep(1_000);
      return redeem();
    };

    const calls = Array.from({ length: 8 }, () => scenario.call(CODE));
    const answers = await scenario.clock.run(Promise.all(calls.map((call) => call.answer)));

    expect(answers).toEqual(Array(8).fill('ok'));
    expect(scenario.bank.attemptsOf(CODE)).toBe(1);
    expect(scenario.intent).toMatchObject({ status: 'authorized', authorizedCodeHash: hashOf(CODE) });
    expect(scenario.bankAccountNumbers).toEqual(numbersOf([EVERYDAY, SAVINGS]));
  });

  it('with a bank slower than the losers wait, the losers answer a retryable 503 and their retries {}', async () => {
    const scenario = accountsScenario();
    scenario.bank.tokenEndpoint = async (_request, redeem) => {
      await scenario.clock.sleep(TIME_BUDGET.waitForWinnerMs + 1_000);
      return redeem();
    };

    const calls = Array.from({ length: 5 }, () => scenario.call(CODE));
    const answers = await scenario.clock.run(Promise.all(calls.map((call) => call.answer)));
    const retries = [];
    for (let i = 1; i < calls.length; i++) retries.push(await scenario.authorize(CODE));

    expect(answers).toEqual(['ok', ...Array(4).fill('AUTHORIZATION_IN_PROGRESS')]);
    expect(retries).toEqual(Array(4).fill('ok'));
    expect(scenario.bank.attemptsOf(CODE)).toBe(1);
    expect(scenario.bankAccountNumbers).toEqual(numbersOf([EVERYDAY, SAVINGS]));
  });

  it.each([
    {
      first: 'the good code',
      codes: [CODE, 'bad-1', 'bad-2', 'bad-3'],
      status: 'authorized',
      answers: ['ok', 'ALREADY_AUTHORIZED', 'ALREADY_AUTHORIZED', 'ALREADY_AUTHORIZED'],
      bankAccounts: numbersOf([EVERYDAY, SAVINGS]),
    },
    {
      // The bank refuses the first claimer's code, which fails the intent as the contract says.
      first: 'a bad code',
      codes: ['bad-1', CODE, 'bad-2', 'bad-3'],
      status: 'failed',
      answers: Array(4).fill('AUTHORIZATION_FAILED'),
      bankAccounts: [],
    },
  ])(
    'one good code among bad ones, $first claiming first: only that code reaches the bank',
    async (expected) => {
      const scenario = accountsScenario();
      const gate = holdTokenRequests(scenario);
      const [firstCode = '', ...laterCodes] = expected.codes;

      const first = scenario.call(firstCode);
      await gate.reached;
      const later = laterCodes.map((code) => scenario.call(code));
      await flush();
      gate.open();
      const answers = await scenario.clock.run(Promise.all([first, ...later].map((call) => call.answer)));

      expect(scenario.bank.received).toEqual([firstCode]);
      expect(answers).toEqual(expected.answers);
      expect(scenario.intent.status).toBe(expected.status);
      expect(scenario.bankAccountNumbers).toEqual(expected.bankAccounts);
    },
  );

  it('two valid codes racing: one wins, the other answers ALREADY_AUTHORIZED, one set of Bank Accounts', async () => {
    const scenario = accountsScenario();
    scenario.bank.issueCode(OTHER_CODE, [BUSINESS]);
    scenario.bank.tokenEndpoint = async (_request, redeem) => {
      await scenario.clock.sleep(500);
      return redeem();
    };

    const calls = [scenario.call(CODE), scenario.call(OTHER_CODE)];
    const answers = await scenario.clock.run(Promise.all(calls.map((call) => call.answer)));

    expect(answers).toEqual(['ok', 'ALREADY_AUTHORIZED']);
    expect(scenario.bank.received).toEqual([CODE]);
    expect(scenario.intent.authorizedCodeHash).toBe(hashOf(CODE));
    expect(scenario.bankAccountNumbers).toEqual(numbersOf([EVERYDAY, SAVINGS]));
  });

  it('two valid codes racing against a slow bank: the loser answers 503, then ALREADY_AUTHORIZED', async () => {
    const scenario = accountsScenario();
    scenario.bank.issueCode(OTHER_CODE, [BUSINESS]);
    scenario.bank.tokenEndpoint = async (_request, redeem) => {
      await scenario.clock.sleep(TIME_BUDGET.waitForWinnerMs + 1_000);
      return redeem();
    };

    const calls = [scenario.call(OTHER_CODE), scenario.call(CODE)];
    const answers = await scenario.clock.run(Promise.all(calls.map((call) => call.answer)));
    const retry = await scenario.authorize(CODE);

    expect(answers).toEqual(['ok', 'AUTHORIZATION_IN_PROGRESS']);
    expect(retry).toBe('ALREADY_AUTHORIZED');
    expect(scenario.bank.received).toEqual([OTHER_CODE]);
    expect(scenario.bankAccountNumbers).toEqual(numbersOf([BUSINESS]));
  });
});

describe('authorize: the lease runs out while the first call still runs', () => {
  it('held before its code reached the bank: the second call finishes, every late write of the first fails', async () => {
    const scenario = accountsScenario();
    const gate = holdTokenRequests(scenario);
    const first = scenario.call(CODE);
    await gate.reached;
    await scenario.outliveLease();
    scenario.bank.tokenEndpoint = async (_request, redeem) => redeem();

    const second = await scenario.authorize(CODE);
    const afterSecond = scenario.intent;
    gate.open();
    const firstAnswer = await scenario.clock.run(first.answer);

    expect(second).toBe('ok');
    // The bank refuses the stale call's code (already redeemed); its `failed` write needs the claim it lost.
    expect(firstAnswer).toBe('CONCURRENT_UPDATE');
    expect(first.invocation.log).toEqual([
      { effect: 'intent.claim', applied: true },
      { effect: 'bank.redeem', applied: false },
      { effect: 'intent.finish', applied: false },
    ]);
    expect(scenario.bank.attemptsOf(CODE)).toBe(2);
    expect(scenario.intent).toEqual(afterSecond);
    expect(scenario.intent).toMatchObject({ status: 'authorized', authorizedCodeHash: hashOf(CODE) });
    expect(scenario.bank.redemptionsOf(CODE)).toBe(1);
    expect(scenario.bankAccountNumbers).toEqual(numbersOf([EVERYDAY, SAVINGS]));
  });

  it('held while reading the accounts after saving the grant: the second continues from the grant without redeeming', async () => {
    const scenario = accountsScenario();
    const gate = new Gate();
    scenario.bank.accountsEndpoint = async (_request, read) => {
      await gate.pass();
      return read();
    };
    const first = scenario.call(CODE);
    await gate.reached;
    await scenario.outliveLease();

    const second = scenario.call(CODE);
    await flush();
    gate.open();
    const answers = await scenario.clock.run(Promise.all([second.answer, first.answer]));

    expect(answers).toEqual(['ok', 'CONCURRENT_UPDATE']);
    expect(second.invocation.effects).not.toContain('bank.redeem');
    expect(scenario.bank.attemptsOf(CODE)).toBe(1);
    // The first call goes on to the same Bank Accounts (their numbers' uniqueness keeps one of each);
    // its finish needs the claim it lost, and fails.
    expect(first.invocation.log.filter((record) => record.effect === 'intent.finish')).toEqual([
      { effect: 'intent.finish', applied: false },
    ]);
    expect(scenario.intent).toMatchObject({ status: 'authorized', authorizedCodeHash: hashOf(CODE) });
    expect(scenario.bankAccountNumbers).toEqual(numbersOf([EVERYDAY, SAVINGS]));
  });

  it('held between a Bank Account number and its Bank Account: both calls write the same Bank Account, once', async () => {
    const scenario = accountsScenario();
    const gate = new Gate();
    const first = scenario.call(CODE, {
      beforeStep: (step) => (step === 'bankAccount.put' ? gate.pass() : undefined),
    });
    await gate.reached;
    await scenario.outliveLease();

    const second = await scenario.authorize(CODE);
    gate.open();
    const firstAnswer = await scenario.clock.run(first.answer);

    expect(second).toBe('ok');
    expect(firstAnswer).toBe('CONCURRENT_UPDATE');
    expect(scenario.bankAccountNumbers).toEqual(numbersOf([EVERYDAY, SAVINGS]));
    expect(scenario.table.bankAccountNumbers.size).toBe(2);
    expect(scenario.intent.status).toBe('authorized');
  });

  it('held past its lease with nobody taking over: it still finishes, as its writes check the claim, not the clock', async () => {
    const scenario = accountsScenario();
    const gate = holdTokenRequests(scenario);
    const first = scenario.call(CODE);
    await gate.reached;
    await scenario.outliveLease();

    gate.open();
    const answer = await scenario.clock.run(first.answer);

    expect(answer).toBe('ok');
    expect(scenario.intent.status).toBe('authorized');
    expect(scenario.bankAccountNumbers).toEqual(numbersOf([EVERYDAY, SAVINGS]));
  });

  it('held after the bank redeemed its code: the second redemption is refused and the intent fails', async () => {
    // Why the lease outlasts the function timeout: a call overtaken in this window loses the code.
    const scenario = accountsScenario();
    const gate = new Gate();
    scenario.bank.tokenEndpoint = async (_request, redeem) => {
      const tokens = redeem();
      await gate.pass();
      return tokens;
    };
    const first = scenario.call(CODE);
    await gate.reached;
    await scenario.outliveLease();
    scenario.bank.tokenEndpoint = async (_request, redeem) => redeem();

    const second = await scenario.authorize(CODE);
    gate.open();
    const firstAnswer = await scenario.clock.run(first.answer);

    expect(second).toBe('AUTHORIZATION_FAILED');
    expect(firstAnswer).toBe('CONCURRENT_UPDATE');
    expect(scenario.intent).toMatchObject({ status: 'failed', failureReason: 'invalid_grant' });
    expect(scenario.intent.grant).toBeUndefined();
    expect(scenario.bankAccounts).toEqual([]);
  });
});

/** The effects of a clean run of an account-information intent with two selected accounts. */
const ACCOUNTS_STEPS: Effect[] = [
  'intent.claim',
  'bank.redeem',
  'intent.saveGrant', // the token, once: the accounts are read with it and not saved
  'bankAccount.reserveNumber',
  'bankAccount.reserveNumber',
  'bankAccount.put',
  'bankAccount.put',
  'intent.finish',
];

const PAYMENT_STEPS: Effect[] = [
  'intent.claim',
  'bank.redeem',
  'intent.saveGrant',
  'bankAccount.markConsent',
  'intent.finish',
];

interface PlannedCrash {
  effect: Effect;
  crash: CrashPlan;
}

/** A crash before and after each step of a clean run. */
const crashPlans = (steps: Effect[]): PlannedCrash[] =>
  steps.flatMap((effect, index) =>
    (['before', 'after'] as const).map((moment) => ({ effect, crash: { at: index + 1, moment } })),
  );

/**
 * The one window no design closes without the bank's help: the bank redeemed the code (step 2) and
 * the process died before the grant was saved (step 3), so the retry sends the code again.
 */
const insideTheWindow = ({ crash: { at, moment } }: PlannedCrash): boolean =>
  (at === 2 && moment === 'after') || (at === 3 && moment === 'before');
const outsideTheWindow = (planned: PlannedCrash): boolean => !insideTheWindow(planned);

const PAYMENT_BANK_ACCOUNT = bankAccount({ id: 'Bnk2222222222222222222' });

function paymentScenario(): AuthorizeScenario {
  const paymentIntent: ConnectionIntent = intent({
    type: 'quartz-payment',
    bankAccountId: PAYMENT_BANK_ACCOUNT.id,
  });
  const scenario = new AuthorizeScenario(paymentIntent);
  scenario.table.seedBankAccount(PAYMENT_BANK_ACCOUNT);
  scenario.bank.issueCode(CODE, []);
  return scenario;
}

describe('authorize: a crash after each step', () => {
  it.each([
    ['an account-information intent', accountsScenario, ACCOUNTS_STEPS],
    ['a payment consent', paymentScenario, PAYMENT_STEPS],
  ])('a clean run of %s takes exactly the steps enumerated below', async (_, scenarioOf, steps) => {
    const scenario = scenarioOf();

    const call = scenario.call(CODE);
    const answer = await scenario.clock.run(call.answer);

    expect(answer).toBe('ok');
    expect(call.invocation.effects).toEqual(steps);
  });

  it.each(crashPlans(ACCOUNTS_STEPS).filter(outsideTheWindow))(
    'account information, dies $crash.moment step $crash.at ($effect): the retry finishes it, redeeming once',
    async ({ crash }) => {
      const scenario = accountsScenario();

      const crashed = await scenario.authorize(CODE, { crash });
      await scenario.outliveLease();
      const retry = await scenario.authorize(CODE);

      expect(crashed).toBe('crashed');
      expect(retry).toBe('ok');
      expect(scenario.bank.attemptsOf(CODE)).toBe(1);
      expect(scenario.intent).toMatchObject({ status: 'authorized', authorizedCodeHash: hashOf(CODE) });
      expect(scenario.intent.grant).toBeUndefined();
      expect(scenario.intent.claim).toBeUndefined();
      expect(scenario.bankAccountNumbers).toEqual(numbersOf([EVERYDAY, SAVINGS]));
      expect(scenario.table.bankAccountNumbers.size).toBe(2);
    },
  );

  it.each(crashPlans(ACCOUNTS_STEPS).filter(insideTheWindow))(
    'account information, dies $crash.moment step $crash.at ($effect), the documented window: the retry is refused and the intent fails',
    async ({ crash }) => {
      const scenario = accountsScenario();

      const crashed = await scenario.authorize(CODE, { crash });
      await scenario.outliveLease();
      const retry = await scenario.authorize(CODE);

      expect(crashed).toBe('crashed');
      expect(retry).toBe('AUTHORIZATION_FAILED');
      expect(scenario.bank.attemptsOf(CODE)).toBe(2);
      expect(scenario.bank.redemptionsOf(CODE)).toBe(1);
      expect(scenario.intent).toMatchObject({ status: 'failed', failureReason: 'invalid_grant' });
      expect(scenario.bankAccounts).toEqual([]);
    },
  );

  it.each(crashPlans(PAYMENT_STEPS).filter(outsideTheWindow))(
    'payment consent, dies $crash.moment step $crash.at ($effect): the retry finishes it, redeeming once',
    async ({ crash }) => {
      const scenario = paymentScenario();

      const crashed = await scenario.authorize(CODE, { crash });
      await scenario.outliveLease();
      const retry = await scenario.authorize(CODE);

      expect(crashed).toBe('crashed');
      expect(retry).toBe('ok');
      expect(scenario.bank.attemptsOf(CODE)).toBe(1);
      expect(scenario.intent.status).toBe('authorized');
      expect(scenario.bankAccounts).toEqual([
        expect.objectContaining({ id: PAYMENT_BANK_ACCOUNT.id, enduringPaymentConsentAuthorized: true }),
      ]);
    },
  );

  it.each(crashPlans(PAYMENT_STEPS).filter(insideTheWindow))(
    'payment consent, dies $crash.moment step $crash.at ($effect), the documented window: the retry is refused and the intent fails',
    async ({ crash }) => {
      const scenario = paymentScenario();

      const crashed = await scenario.authorize(CODE, { crash });
      await scenario.outliveLease();
      const retry = await scenario.authorize(CODE);

      expect(crashed).toBe('crashed');
      expect(retry).toBe('AUTHORIZATION_FAILED');
      expect(scenario.bank.redemptionsOf(CODE)).toBe(1);
      expect(scenario.intent.status).toBe('failed');
      expect(scenario.bankAccounts).toEqual([PAYMENT_BANK_ACCOUNT]);
    },
  );

  it('a retry while the dead call still holds its lease answers a retryable 503 and sends nothing', async () => {
    const scenario = accountsScenario();
    await scenario.authorize(CODE, { crash: { at: 3, moment: 'after' } });

    const early = await scenario.authorize(CODE);

    expect(early).toBe('AUTHORIZATION_IN_PROGRESS');
    expect(scenario.bank.attemptsOf(CODE)).toBe(1);
    expect(scenario.intent.grant?.codeHash).toBe(hashOf(CODE));
  });

  it('a call with another code after a crash finishes the saved grant and answers ALREADY_AUTHORIZED', async () => {
    const scenario = accountsScenario();
    scenario.bank.issueCode(OTHER_CODE, [BUSINESS]);
    await scenario.authorize(CODE, { crash: { at: 4, moment: 'after' } });
    await scenario.outliveLease();

    const other = await scenario.authorize(OTHER_CODE);
    const same = await scenario.authorize(CODE);

    expect(other).toBe('ALREADY_AUTHORIZED');
    expect(same).toBe('ok');
    expect(scenario.bank.received).toEqual([CODE]);
    expect(scenario.intent.authorizedCodeHash).toBe(hashOf(CODE));
    expect(scenario.bankAccountNumbers).toEqual(numbersOf([EVERYDAY, SAVINGS]));
  });
});

describe('authorize: the bank fails', () => {
  it('unreachable before the code was sent: 502, the claim released, and the retry redeems the code once', async () => {
    const scenario = accountsScenario();
    scenario.bank.tokenEndpoint = async () => {
      throw new ProviderUnavailableError();
    };

    const answer = await scenario.authorize(CODE);
    const afterOutage = scenario.intent;
    scenario.bank.tokenEndpoint = async (_request, redeem) => redeem();
    const retry = await scenario.authorize(CODE);

    expect(answer).toBe('PROVIDER_UNAVAILABLE');
    expect(afterOutage).toMatchObject({ status: 'created' });
    expect(afterOutage.claim).toBeUndefined();
    expect(retry).toBe('ok');
    expect(scenario.bank.attemptsOf(CODE)).toBe(1);
  });

  it('redeemed but its answer lost: 504, and the retry is refused by the bank (the documented window)', async () => {
    const scenario = accountsScenario();
    scenario.bank.tokenEndpoint = async (_request, redeem) => {
      redeem();
      throw new ProviderOutcomeUnknownError('timeout');
    };

    const answer = await scenario.authorize(CODE);
    scenario.bank.tokenEndpoint = async (_request, redeem) => redeem();
    const retry = await scenario.authorize(CODE);

    expect(answer).toBe('PROVIDER_TIMEOUT');
    expect(retry).toBe('AUTHORIZATION_FAILED');
    expect(scenario.bank.redemptionsOf(CODE)).toBe(1);
    expect(scenario.intent).toMatchObject({ status: 'failed', failureReason: 'invalid_grant' });
    expect(scenario.bankAccounts).toEqual([]);
  });
});

describe('authorize: the deadline', () => {
  const shortestBudgetMs = TIME_BUDGET.grantSaveReserveMs + TIME_BUDGET.minTokenRequestMs;

  it('with too little time left for the token request, the code is never sent and the claim is released', async () => {
    const scenario = accountsScenario();

    const answer = await scenario.authorize(CODE, { remainingMs: shortestBudgetMs - 1 });

    expect(answer).toBe('SERVICE_TIMEOUT');
    expect(scenario.bank.received).toEqual([]);
    expect(scenario.intent.status).toBe('created');
    expect(scenario.intent.claim).toBeUndefined();
    await expect(scenario.authorize(CODE)).resolves.toBe('ok');
  });

  it('with just enough time left, the code is sent', async () => {
    const scenario = accountsScenario();

    const answer = await scenario.authorize(CODE, { remainingMs: shortestBudgetMs });

    expect(answer).toBe('ok');
    expect(scenario.bank.received).toEqual([CODE]);
  });

  it('the token request may run until only the grant-save reserve is left', async () => {
    const scenario = accountsScenario();
    const signals: AbortSignal[] = [];
    scenario.bank.tokenEndpoint = async (request, redeem) => {
      signals.push(request.signal);
      await scenario.clock.sleep(FULL_BUDGET_MS);
      return redeem();
    };
    const call = scenario.call(CODE);
    await flush();
    const [signal] = signals;
    const tokenBudgetMs = FULL_BUDGET_MS - TIME_BUDGET.grantSaveReserveMs;

    await scenario.clock.advance(tokenBudgetMs - 1);
    const abortedJustBefore = signal?.aborted;
    await scenario.clock.advance(1);

    expect(abortedJustBefore).toBe(false);
    expect(signal?.aborted).toBe(true);
    await scenario.clock.run(call.answer);
  });

  it('a bank that never answers: 504 when the token budget ends, the claim released, the intent still created', async () => {
    const scenario = accountsScenario();
    scenario.bank.tokenEndpoint = (request) =>
      new Promise((_, reject) => {
        request.signal.addEventListener('abort', () => reject(new ProviderOutcomeUnknownError('timeout')));
      });
    const startedAt = scenario.clock.epochMs;

    const answer = await scenario.authorize(CODE);
    const answeredAfterMs = scenario.clock.epochMs - startedAt;

    expect(answer).toBe('PROVIDER_TIMEOUT');
    expect(answeredAfterMs).toBe(FULL_BUDGET_MS - TIME_BUDGET.grantSaveReserveMs);
    expect(scenario.intent.status).toBe('created');
    expect(scenario.intent.claim).toBeUndefined();
    expect(scenario.intent.grant).toBeUndefined();
    expect(scenario.bank.redemptionsOf(CODE)).toBe(0);
  });

  it('a caller that loses the claim never waits past its own deadline', async () => {
    const scenario = accountsScenario();
    const gate = holdTokenRequests(scenario);
    const first = scenario.call(CODE);
    await gate.reached;
    const startedAt = scenario.clock.epochMs;

    const loser = await scenario.authorize(CODE, { remainingMs: 1_000 });
    const answeredAfterMs = scenario.clock.epochMs - startedAt;
    gate.open();

    expect(loser).toBe('AUTHORIZATION_IN_PROGRESS');
    expect(answeredAfterMs).toBeLessThanOrEqual(1_000);
    await expect(scenario.clock.run(first.answer)).resolves.toBe('ok');
  });
});

describe('authorize: what an authorized intent records', () => {
  it('the ids of the Bank Accounts it connected, an existing one included', async () => {
    const scenario = accountsScenario();
    const existing = bankAccount({
      id: 'ExistingBankAccount111',
      accountId: scenario.intent.accountId,
      accountNumber: EVERYDAY.accountNumber,
      test: scenario.intent.test === true ? true : undefined,
    });
    scenario.table.seedBankAccount(existing);

    const answer = await scenario.authorize(CODE);

    expect(answer).toBe('ok');
    const connected = scenario.bankAccounts.map((account) => account.id).sort();
    expect(connected).toHaveLength(2);
    expect(connected).toContain('ExistingBankAccount111');
    expect([...(scenario.intent.bankAccountIds ?? [])].sort()).toEqual(connected);
  });
});
