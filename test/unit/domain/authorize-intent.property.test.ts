import fc from 'fast-check';
import { expireDueIntents } from '../../../functions/shared/domain/expire-intents';
import type { ConnectionIntent, ProviderAccount } from '../../../functions/shared/domain/schemas';
import { TIME_BUDGET } from '../../../functions/shared/time-budget';
import { bankAccount, intent as intentFixture } from '../../support/fixtures';
import { type CrashPlan, InMemoryExpiryStore, Invocation } from '../../support/in-memory-ports';
import {
  type Answer,
  AuthorizeScenario,
  BUSINESS,
  type Call,
  EVERYDAY,
  hashOf,
  numbersOf,
  SAVINGS,
} from './authorize-harness';
import { sweep } from './sweep-harness';

const CODE = 'code-alice-1';
/** A second code for the same intent (the user went through the bank twice); overlaps CODE in Savings. */
const OTHER_CODE = 'code-alice-2';
/** A code the bank never issued. */
const BAD_CODE = 'code-nobody-issued';

const SELECTED: Record<string, ProviderAccount[]> = {
  [CODE]: [EVERYDAY, SAVINGS],
  [OTHER_CODE]: [SAVINGS, BUSINESS],
};

/**
 * The answers a call may give when no lease runs out under a running call. SERVICE_TIMEOUT: other
 * calls' waits moved the clock on so far that too little time was left to send the code.
 */
const POSSIBLE_ANSWERS = new Set([
  'ok',
  'ALREADY_AUTHORIZED',
  'AUTHORIZATION_FAILED',
  'AUTHORIZATION_IN_PROGRESS',
  'SERVICE_TIMEOUT',
  'crashed',
]);
const MAX_CALLS = 4;
/** A few seconds of real time here, more on a busy machine; the time inside is virtual. */
const PROPERTY_TIMEOUT_MS = 60_000;
const FINAL_ANSWERS = new Set(['ok', 'ALREADY_AUTHORIZED', 'AUTHORIZATION_FAILED']);

interface CallSpec {
  code: string;
  crash: CrashPlan | undefined;
}

const callSpec: fc.Arbitrary<CallSpec> = fc.record({
  // CODE twice: calls with the same code are the common race.
  code: fc.constantFrom(CODE, CODE, OTHER_CODE, BAD_CODE),
  crash: fc.option(
    fc.record({
      // A clean run has nine effects: every step can be the last one.
      at: fc.integer({ min: 1, max: 9 }),
      moment: fc.constantFrom('before' as const, 'after' as const),
    }),
    { nil: undefined, freq: 2 },
  ),
});

/** A call that died after the bank redeemed its code and before its grant was saved (the documented window). */
const diedWithUnsavedGrant = (invocation: Invocation): boolean =>
  invocation.crashed &&
  invocation.log.some(({ effect, applied }) => effect === 'bank.redeem' && applied) &&
  !invocation.log.some(({ effect, applied }) => effect === 'intent.saveGrant' && applied);

/** `{}` only for the code the intent was authorized with, ALREADY_AUTHORIZED only for another, AUTHORIZATION_FAILED only if it failed. */
function expectAnswersAgreeWith(
  intent: ConnectionIntent,
  answered: { code: string; answer?: Answer }[],
): void {
  for (const { code, answer } of answered) {
    if (answer === 'ok') expect(intent.authorizedCodeHash).toBe(hashOf(code));
    if (answer === 'ALREADY_AUTHORIZED') {
      expect(intent.status).toBe('authorized');
      expect(intent.authorizedCodeHash).not.toBe(hashOf(code));
    }
    if (answer === 'AUTHORIZATION_FAILED') expect(intent.status).toBe('failed');
  }
}

/**
 * A code the bank redeemed is never sent again, except after a call died in the documented window
 * (between the bank's redemption and the grant save); and the grant is saved right after the
 * redemption, with no other step in between that would widen the window.
 */
function expectNoCodeSentAgain(
  scenario: AuthorizeScenario,
  specs: CallSpec[],
  calls: Call[],
  bankRedeemsOnce: boolean,
): void {
  for (const { invocation } of calls) {
    const redeemed = invocation.log.some(({ effect, applied }) => effect === 'bank.redeem' && applied);
    const next = invocation.steps[invocation.steps.indexOf('bank.redeem') + 1];
    if (redeemed && next !== undefined) expect(next).toBe('intent.saveGrant');
  }
  for (const code of new Set(specs.map((spec) => spec.code))) {
    const deaths = calls.filter(
      (call, index) => specs[index]?.code === code && diedWithUnsavedGrant(call.invocation),
    ).length;
    expect(scenario.bank.repeatsOf(code)).toBeLessThanOrEqual(deaths);
    // A lenient bank redeems a repeated code again: only those deaths may have made it.
    expect(scenario.bank.redemptionsOf(code)).toBeLessThanOrEqual(1 + (bankRedeemsOnce ? 0 : deaths));
  }
}

/** Exactly one Bank Account per expected number, and every uniqueness item names a stored Bank Account. */
function expectBankAccounts(scenario: AuthorizeScenario, expectedNumbers: string[]): void {
  expect(scenario.bankAccountNumbers).toEqual([...new Set(expectedNumbers)].sort());
  for (const id of scenario.table.bankAccountNumbers.values()) {
    expect(scenario.table.bankAccounts.has(id)).toBe(true);
  }
}

describe('authorize: random interleavings and crashes of concurrent calls (fast-check)', () => {
  it(
    'never redeems a code twice, never duplicates a Bank Account, and ends in a state its answers agree with',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(callSpec, { minLength: 2, maxLength: MAX_CALLS }),
          fc.boolean(),
          fc.boolean(),
          async (s, specs, bankRedeemsOnce, alreadyHoldsEveryday) => {
            // Arrange
            const scenario = new AuthorizeScenario();
            scenario.bank.redeemsOnce = bankRedeemsOnce;
            for (const [code, accounts] of Object.entries(SELECTED)) scenario.bank.issueCode(code, accounts);
            const existing = bankAccount({ accountNumber: EVERYDAY.accountNumber });
            if (alreadyHoldsEveryday) scenario.table.seedBankAccount(existing);
            const { clock } = scenario;

            // Act: every port call, every sleep and the start of each call wait for the scheduler.
            const started = specs.map((spec, index) =>
              s.schedule(Promise.resolve(), `start #${index} ${spec.code}`).then(() =>
                scenario.call(spec.code, {
                  crash: spec.crash,
                  beforeStep: (step) => s.schedule(Promise.resolve(), `#${index} ${step}`),
                  sleep: (ms) => {
                    const wakeAt = clock.epochMs + ms;
                    return s.schedule(Promise.resolve(), `#${index} sleep`).then(() => clock.jumpTo(wakeAt));
                  },
                }),
              ),
            );
            const calls = await s.waitFor(Promise.all(started));
            const answers = await s.waitFor(Promise.all(calls.map((call) => call.answer)));
            // Then every claim of a dead call runs out, and each code is tried once more.
            await scenario.outliveLease();
            const codes = [...new Set(specs.map((spec) => spec.code))];
            const recoveries: Answer[] = [];
            for (const code of codes) recoveries.push(await scenario.authorize(code));

            // Assert
            const intent = scenario.intent;
            for (const answer of answers) expect(POSSIBLE_ANSWERS).toContain(answer);
            for (const answer of recoveries) expect(FINAL_ANSWERS).toContain(answer);
            expect(intent.status).not.toBe('created');
            expect(intent.claim).toBeUndefined();
            expect(intent.grant).toBeUndefined();
            expectAnswersAgreeWith(intent, [
              ...specs.map((spec, index) => ({ code: spec.code, answer: answers[index] })),
              ...codes.map((code, index) => ({ code, answer: recoveries[index] })),
            ]);
            expectNoCodeSentAgain(scenario, specs, calls, bankRedeemsOnce);
            expectBankAccounts(scenario, [
              ...(alreadyHoldsEveryday ? [existing.accountNumber] : []),
              ...numbersOf(
                SELECTED[codes.find((code) => hashOf(code) === intent.authorizedCodeHash) ?? ''] ?? [],
              ),
            ]);
            if (alreadyHoldsEveryday) expect(scenario.bankAccounts).toContainEqual(existing);
          },
        ),
        // A fixed seed keeps the suite deterministic; a failure prints the seed and path to replay it.
        { seed: 20_261_125, numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('its calls cannot outlast a lease, as the property assumes', () => {
    // Time moves only while calls wait for a winner, each at most waitForWinnerMs (and one poll) from
    // its start; even one after another, MAX_CALLS calls stay within a claim's lease.
    const longestRunMs = MAX_CALLS * (TIME_BUDGET.waitForWinnerMs + TIME_BUDGET.pollIntervalMs);

    expect(longestRunMs).toBeLessThan(TIME_BUDGET.claimLeaseMs);
  });
});

describe('authorize and expiry: random interleavings of calls, sweeps and the end of the lifetime (fast-check)', () => {
  /** Where the scenarios' virtual clock starts (VirtualClock's default). */
  const START = Date.parse('2026-01-05T09:00:00.000Z');
  const MAX_EXPIRY_CALLS = 3;
  const MAX_CLOCK_MOVE_MS = 1_500;
  const MAX_CLOCK_MOVES = 3;

  it(
    'sends no code to the bank once the intent expired, none twice, and leaves no secret on an expired intent',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          fc.array(callSpec, { minLength: 1, maxLength: MAX_EXPIRY_CALLS }),
          fc.integer({ min: 0, max: 3 }),
          fc.integer({ min: 0, max: 3_000 }),
          fc.array(fc.integer({ min: 1, max: MAX_CLOCK_MOVE_MS }), { maxLength: MAX_CLOCK_MOVES }),
          async (s, specs, sweeps, endInMs, clockMoves) => {
            // Arrange: the lifetime ends somewhere among the calls, the sweeps and the clock's moves.
            const scenario = new AuthorizeScenario(
              intentFixture({ expiresAt: new Date(START + endInMs).toISOString() }),
            );
            for (const [code, accounts] of Object.entries(SELECTED)) scenario.bank.issueCode(code, accounts);
            const { clock } = scenario;
            const statusWhenCodeSent: string[] = [];

            // Act: calls, sweeps and moves of the clock, every step of each when the scheduler says.
            const started = specs.map((spec, index) =>
              s.schedule(Promise.resolve(), `start #${index} ${spec.code}`).then(() =>
                scenario.call(spec.code, {
                  crash: spec.crash,
                  beforeStep: (step) =>
                    s.schedule(Promise.resolve(), `#${index} ${step}`).then(() => {
                      if (step === 'bank.redeem') statusWhenCodeSent.push(scenario.intent.status);
                    }),
                  sleep: (ms) => {
                    const wakeAt = clock.epochMs + ms;
                    return s.schedule(Promise.resolve(), `#${index} sleep`).then(() => clock.jumpTo(wakeAt));
                  },
                }),
              ),
            );
            const swept = Array.from({ length: sweeps }, (_, index) =>
              s.schedule(Promise.resolve(), `sweep #${index}`).then(() => {
                const store = new InMemoryExpiryStore(
                  scenario.table,
                  new Invocation({
                    beforeStep: (step) => s.schedule(Promise.resolve(), `sweep #${index} ${step}`),
                  }),
                );
                const wholeRun = {
                  remainingMs: () => TIME_BUDGET.functionTimeoutMs,
                  signal: new AbortController().signal,
                };
                return expireDueIntents({ intents: store, clock }, wholeRun);
              }),
            );
            const moved = clockMoves.map((ms, index) =>
              s
                .schedule(Promise.resolve(), `clock +${ms} #${index}`)
                .then(() => clock.jumpTo(clock.epochMs + ms)),
            );
            const calls = await s.waitFor(Promise.all(started));
            const answers = await s.waitFor(Promise.all(calls.map((call) => call.answer)));
            await s.waitFor(Promise.all([...swept, ...moved]));
            // Then every claim of a dead call runs out, and the sweeper runs once more.
            await scenario.outliveLease();
            await sweep(scenario.table, clock);

            // Assert
            const intent = scenario.intent;
            for (const answer of answers) expect(POSSIBLE_ANSWERS).toContain(answer);
            // A code goes to the bank only under a live claim, and a live claim keeps the intent from expiring.
            expect(statusWhenCodeSent.every((status) => status === 'created')).toBe(true);
            expect(intent.status).not.toBe('created');
            expect(intent.claim).toBeUndefined();
            expect(intent.grant).toBeUndefined();
            expect(intent.oauth).toBeUndefined();
            if (intent.failureReason === 'EXPIRED') expect(answers).not.toContain('ok');
            expectAnswersAgreeWith(
              intent,
              specs.map((spec, index) => ({ code: spec.code, answer: answers[index] })),
            );
            expectNoCodeSentAgain(scenario, specs, calls, true);
          },
        ),
        { seed: 20_261_126, numRuns: 300 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('its calls and clock moves cannot outlast a lease, as the property assumes', () => {
    const longestMs =
      MAX_EXPIRY_CALLS * (TIME_BUDGET.waitForWinnerMs + TIME_BUDGET.pollIntervalMs) +
      MAX_CLOCK_MOVES * MAX_CLOCK_MOVE_MS;

    expect(longestMs).toBeLessThan(TIME_BUDGET.claimLeaseMs);
  });
});
