import type { CreateOnceDependencies } from '../../../functions/shared/domain/create-intent-once';
import { ProviderUnavailableError, ServiceUnavailableError } from '../../../functions/shared/domain/errors';
import { IDEMPOTENCY_RETENTION_SECONDS } from '../../../functions/shared/domain/idempotency';
import { TIME_BUDGET } from '../../../functions/shared/time-budget';
import { ACCOUNT_ID, bankAccount, OTHER_ACCOUNT_ID } from '../../support/fixtures';
import { type CrashPlan, Gate } from '../../support/in-memory-ports';
import {
  answered,
  CreateScenario,
  IN_PROGRESS,
  KEY,
  keyedBody,
  OTHER_REQUEST,
  OWNER,
} from './create-once-harness';

/** Holds a create just before it writes its intent, until the test opens the gate. */
function holdBeforeIntentWrite(gate: Gate) {
  return { beforeStep: (step: string) => (step === 'intent.create' ? gate.pass() : undefined) };
}

describe('create without an idempotency key', () => {
  it('creates a new intent on every call and keeps no record', async () => {
    const scenario = new CreateScenario();
    const { idempotencyKey: _key, ...body } = keyedBody();

    const first = answered(await scenario.create(body));
    const second = answered(await scenario.create(body));

    expect(first.id).not.toBe(second.id);
    expect(scenario.intents).toHaveLength(2);
    expect(scenario.records.size).toBe(0);
  });
});

describe('create with an idempotency key: the same request', () => {
  it('answers the saved answer of the first success and creates no second intent', async () => {
    const scenario = new CreateScenario();

    const first = answered(await scenario.create(keyedBody()));
    const retry = scenario.call(keyedBody());
    const second = answered(await scenario.clock.run(retry.outcome));

    expect(second).toEqual(first);
    expect(scenario.intents.map((intent) => intent.id)).toEqual([first.id]);
    expect(retry.invocation.steps).toEqual(['idempotency.get']);
    expect(scenario.record()).toMatchObject({ status: 'done', intentId: first.id, response: first });
  });

  it('never puts the idempotency key into the answer or the intent', async () => {
    const scenario = new CreateScenario();

    const answer = answered(await scenario.create(keyedBody()));

    expect(JSON.stringify(answer)).not.toContain(KEY);
    expect(JSON.stringify(scenario.intents)).not.toContain(KEY);
  });

  it('is the same request with its fields in another order', async () => {
    const scenario = new CreateScenario();

    const first = answered(await scenario.create(keyedBody()));
    const reordered = answered(
      await scenario.create({
        test: true,
        idempotencyKey: KEY,
        type: 'quartz-accounts',
        accountId: ACCOUNT_ID,
      }),
    );

    expect(reordered).toEqual(first);
  });

  it('50 concurrent calls with one key leave one intent, and every call answers it', async () => {
    const scenario = new CreateScenario();

    const calls = Array.from({ length: 50 }, () => scenario.call(keyedBody()));
    const outcomes = await scenario.clock.run(Promise.all(calls.map((call) => call.outcome)));

    expect(scenario.intents).toHaveLength(1);
    const [intent] = scenario.intents;
    for (const outcome of outcomes) expect(answered(outcome).id).toBe(intent?.id);
    expect(calls.filter((call) => call.invocation.effects.includes('intent.create'))).toHaveLength(1);
  });

  it('keeps the answer as it was first given, even after the intent changed', async () => {
    const scenario = new CreateScenario();
    const first = answered(await scenario.create(keyedBody()));
    const stored = scenario.table.intents.get(first.id);
    if (!stored) throw new Error('the intent was not stored');
    scenario.table.intents.set(first.id, {
      ...stored,
      status: 'authorized',
      updatedAt: '2026-01-05T09:01:00.000Z',
    });

    const replay = answered(await scenario.create(keyedBody()));

    expect(replay).toEqual(first);
    expect(replay.status).toBe('created');
  });
});

describe('create with an idempotency key: another request', () => {
  it.each([
    ['another type', { type: 'quartz-payment' as const, bankAccountId: 'Bnk1111111111111111111' }],
    ['another liveness', { test: false }],
    ['the test flag left out', { test: undefined }],
  ])('answers 400 naming idempotencyKey for %s, creating nothing', async (_case, change) => {
    const scenario = new CreateScenario();
    await scenario.create(keyedBody());

    const outcome = await scenario.create(keyedBody(change));

    expect(outcome).toEqual(OTHER_REQUEST);
    expect(scenario.intents).toHaveLength(1);
  });

  it('answers 400 at once while the first request is still running', async () => {
    const scenario = new CreateScenario();
    const gate = new Gate();
    const first = scenario.call(keyedBody(), holdBeforeIntentWrite(gate));
    await gate.reached;
    const startedAt = scenario.clock.epochMs;

    const outcome = await scenario.clock.run(scenario.call(keyedBody({ test: false })).outcome);

    expect(outcome).toEqual(OTHER_REQUEST);
    expect(scenario.clock.epochMs).toBe(startedAt);
    gate.open();
    expect(answered(await scenario.clock.run(first.outcome)).test).toBe(true);
  });

  it('scopes a key to its account: another account with the same key gets its own intent', async () => {
    const scenario = new CreateScenario();
    const other = { ...OWNER, accountId: OTHER_ACCOUNT_ID, crn: `crn:${OTHER_ACCOUNT_ID}:api-key:Other` };

    const mine = answered(await scenario.create(keyedBody()));
    const theirs = answered(
      await scenario.create(keyedBody({ accountId: OTHER_ACCOUNT_ID, test: false }), { principal: other }),
    );

    expect(theirs.id).not.toBe(mine.id);
    expect(theirs.accountId).toBe(OTHER_ACCOUNT_ID);
    expect(scenario.intents).toHaveLength(2);
  });

  it('decides who may create before any record is read: no saved answer for another role or account', async () => {
    const scenario = new CreateScenario();
    await scenario.create(keyedBody());

    const terminal = scenario.call(keyedBody(), { principal: { ...OWNER, role: 'merchant-terminal' } });
    const otherAccount = scenario.call(keyedBody({ accountId: OTHER_ACCOUNT_ID }));

    expect(await scenario.clock.run(terminal.outcome)).toMatchObject({ status: 403, message: 'Forbidden' });
    expect(await scenario.clock.run(otherAccount.outcome)).toMatchObject({
      status: 403,
      message: 'Forbidden',
    });
    expect(terminal.invocation.steps).toEqual([]);
    expect(otherAccount.invocation.steps).toEqual([]);
  });
});

describe('create with an idempotency key: a first request still running', () => {
  it('makes the second wait and answer the first one’s intent when it finishes within the wait', async () => {
    const scenario = new CreateScenario();
    const gate = new Gate();
    const first = scenario.call(keyedBody(), holdBeforeIntentWrite(gate));
    await gate.reached;
    const second = scenario.call(keyedBody());

    await scenario.clock.advance(TIME_BUDGET.waitForIdempotentRequestMs / 2);
    gate.open();
    const [firstOutcome, secondOutcome] = await scenario.clock.run(
      Promise.all([first.outcome, second.outcome]),
    );

    expect(answered(secondOutcome)).toEqual(answered(firstOutcome));
    expect(scenario.intents).toHaveLength(1);
  });

  it('answers a retryable 503 with Retry-After after the wait, never a second intent', async () => {
    const scenario = new CreateScenario();
    const gate = new Gate();
    const first = scenario.call(keyedBody(), holdBeforeIntentWrite(gate));
    await gate.reached;
    const startedAt = scenario.clock.epochMs;

    const second = await scenario.create(keyedBody());

    expect(second).toEqual(IN_PROGRESS);
    const waited = scenario.clock.epochMs - startedAt;
    expect(waited).toBeGreaterThanOrEqual(TIME_BUDGET.waitForIdempotentRequestMs);
    expect(waited).toBeLessThan(TIME_BUDGET.waitForIdempotentRequestMs + 2 * TIME_BUDGET.pollIntervalMs);
    expect(scenario.intents).toHaveLength(0);

    gate.open();
    const firstAnswer = answered(await scenario.clock.run(first.outcome));
    expect(answered(await scenario.create(keyedBody()))).toEqual(firstAnswer);
    expect(scenario.intents).toHaveLength(1);
  });

  it('never waits past the invocation’s own deadline', async () => {
    const scenario = new CreateScenario();
    const gate = new Gate();
    scenario.call(keyedBody(), holdBeforeIntentWrite(gate));
    await gate.reached;
    const startedAt = scenario.clock.epochMs;

    const second = await scenario.create(keyedBody(), { remainingMs: 1_000 });

    expect(second).toEqual(IN_PROGRESS);
    expect(scenario.clock.epochMs - startedAt).toBeLessThan(1_000);
  });
});

describe('create with an idempotency key: crashes', () => {
  it('a crash after the intent was written: a retry within the lease is a 503, after it the same intent', async () => {
    const scenario = new CreateScenario();
    // Effects: 1 claim the key, 2 write the intent, 3 save the answer.
    const crashed = scenario.call(keyedBody(), { crash: { at: 2, moment: 'after' } });
    expect(await scenario.clock.run(crashed.outcome)).toBe('crashed');
    const [written] = scenario.intents;

    expect(await scenario.create(keyedBody())).toEqual(IN_PROGRESS);
    await scenario.outliveLease();
    const retry = scenario.call(keyedBody());
    const answer = answered(await scenario.clock.run(retry.outcome));

    expect(answer.id).toBe(written?.id);
    expect(answer.authorizationUrl).toBe(written?.authorizationUrl);
    expect(scenario.intents).toHaveLength(1);
    expect(retry.invocation.effects).toEqual(['idempotency.takeOver', 'idempotency.complete']);
    expect(scenario.record()).toMatchObject({ status: 'done', intentId: written?.id });
  });

  it('a crash after the claim, before the intent: the retry after the lease creates the intent bound to the key', async () => {
    const scenario = new CreateScenario();
    await scenario.create(keyedBody(), { crash: { at: 1, moment: 'after' } });
    const bound = scenario.record()?.intentId;

    await scenario.outliveLease();
    const answer = answered(await scenario.create(keyedBody()));

    expect(answer.id).toBe(bound);
    expect(scenario.intents.map((intent) => intent.id)).toEqual([bound]);
  });

  const crashPoints: CrashPlan[] = [1, 2, 3].flatMap((at) => [
    { at, moment: 'before' as const },
    { at, moment: 'after' as const },
  ]);

  it.each(crashPoints)(
    'a crash at effect %j: concurrent retries after the lease agree on one intent',
    async (crash) => {
      const scenario = new CreateScenario();
      await scenario.create(keyedBody(), { crash });

      await scenario.outliveLease();
      const retries = Array.from({ length: 5 }, () => scenario.call(keyedBody()));
      const answers = (await scenario.clock.run(Promise.all(retries.map((call) => call.outcome)))).map(
        answered,
      );

      expect(scenario.intents).toHaveLength(1);
      for (const answer of answers) expect(answer.id).toBe(scenario.intents[0]?.id);
      expect(scenario.record()?.status).toBe('done');
    },
  );

  it('a create overtaken after its lease ran out answers retryably, and the key still has one intent', async () => {
    const scenario = new CreateScenario();
    const gate = new Gate();
    const slow = scenario.call(keyedBody(), holdBeforeIntentWrite(gate));
    await gate.reached;

    await scenario.outliveLease();
    const other = answered(await scenario.create(keyedBody()));
    gate.open();
    const slowOutcome = await scenario.clock.run(slow.outcome);

    expect(slowOutcome).toMatchObject({ status: 503 });
    expect(scenario.intents.map((intent) => intent.id)).toEqual([other.id]);
    expect(answered(await scenario.create(keyedBody()))).toEqual(other);
  });
});

describe('create with an idempotency key: a failed first request is not saved', () => {
  it('a LIVENESS_MISMATCH frees the key: the same request runs again, a corrected one succeeds', async () => {
    const scenario = new CreateScenario();
    const live = bankAccount();
    scenario.table.seedBankAccount(live);
    const payment = keyedBody({ type: 'quartz-payment', bankAccountId: live.id });

    expect(await scenario.create(payment)).toMatchObject({ status: 403, message: 'LIVENESS_MISMATCH' });
    expect(scenario.record()?.status).toBe('released');
    expect(await scenario.create(payment)).toMatchObject({ status: 403, message: 'LIVENESS_MISMATCH' });
    const corrected = answered(await scenario.create({ ...payment, test: undefined }));

    expect(corrected).toMatchObject({ type: 'quartz-payment', bankAccountId: live.id });
    expect(scenario.intents).toHaveLength(1);
  });

  it('a bank outage (502) frees the key: the retry creates the intent', async () => {
    const scenario = new CreateScenario();
    const down = (deps: CreateOnceDependencies): CreateOnceDependencies => ({
      ...deps,
      provider: {
        ...deps.provider,
        beginAuthorization: () => Promise.reject(new ProviderUnavailableError()),
      },
    });

    expect(await scenario.create(keyedBody(), { adapt: down })).toMatchObject({
      status: 502,
      message: 'PROVIDER_UNAVAILABLE',
    });
    expect(scenario.record()?.status).toBe('released');
    const retry = answered(await scenario.create(keyedBody()));

    expect(scenario.intents.map((intent) => intent.id)).toEqual([retry.id]);
  });

  it.each([
    ['the write landed but its answer was lost', true],
    ['the write never landed', false],
  ])(
    'a table failure at the intent write (%s): the same request finishes at once with the bound intent, another is a 400',
    async (_case, landed) => {
      const scenario = new CreateScenario();
      const failingWrite = (deps: CreateOnceDependencies): CreateOnceDependencies => ({
        ...deps,
        intents: {
          get: (id) => deps.intents.get(id),
          create: async (intent) => {
            if (landed) await deps.intents.create(intent);
            throw new ServiceUnavailableError();
          },
          claim: () => Promise.reject(new Error('create never claims an intent')),
          saveGrant: () => Promise.reject(new Error('create never saves a grant')),
          releaseClaim: () => Promise.reject(new Error('create never releases an intent')),
          deferPoll: () => Promise.reject(new Error('create never polls an intent')),
          finish: () => Promise.reject(new Error('create never finishes an intent')),
          expire: () => Promise.reject(new Error('create never expires an intent')),
        },
      });

      expect(await scenario.create(keyedBody(), { adapt: failingWrite })).toMatchObject({
        status: 503,
        message: 'SERVICE_UNAVAILABLE',
      });
      const bound = scenario.record();
      expect(bound).toMatchObject({ status: 'in-progress' });
      expect(bound?.claim).toBeUndefined();

      expect(await scenario.create(keyedBody({ test: false }))).toEqual(OTHER_REQUEST);
      const retry = answered(await scenario.create(keyedBody()));

      expect(retry.id).toBe(bound?.intentId);
      expect(scenario.intents.map((intent) => intent.id)).toEqual([bound?.intentId]);
    },
  );
});

describe('create with an idempotency key: kept 24 hours', () => {
  it('still answers the saved answer just before the day is over', async () => {
    const scenario = new CreateScenario();
    const first = answered(await scenario.create(keyedBody()));

    await scenario.clock.advance(IDEMPOTENCY_RETENTION_SECONDS * 1_000 - 1_000);

    expect(answered(await scenario.create(keyedBody()))).toEqual(first);
    expect(await scenario.create(keyedBody({ test: false }))).toEqual(OTHER_REQUEST);
  });

  it('treats a record past its day as gone, even before the table removed it', async () => {
    const scenario = new CreateScenario();
    const first = answered(await scenario.create(keyedBody()));

    await scenario.clock.advance(IDEMPOTENCY_RETENTION_SECONDS * 1_000);
    const later = answered(await scenario.create(keyedBody({ test: false })));

    expect(later.id).not.toBe(first.id);
    expect(scenario.intents).toHaveLength(2);
    expect(scenario.record()?.retainedUntil).toBe(
      Math.floor(scenario.clock.epochMs / 1_000) + IDEMPOTENCY_RETENTION_SECONDS,
    );
  });
});
