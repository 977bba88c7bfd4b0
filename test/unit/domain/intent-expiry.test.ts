import { ProviderUnavailableError } from '../../../functions/shared/domain/errors';
import { asSeenAt, EXPIRY_CRN } from '../../../functions/shared/domain/intent-expiry';
import type { ConnectionIntent } from '../../../functions/shared/domain/schemas';
import { TIME_BUDGET } from '../../../functions/shared/time-budget';
import { intent } from '../../support/fixtures';
import { Gate, InMemoryExpiryStore, Invocation } from '../../support/in-memory-ports';
import { AuthorizeScenario, EVERYDAY, hashOf, SAVINGS } from './authorize-harness';
import { sweep } from './sweep-harness';

const CODE = 'code-alice-1';
/** Where every scenario's virtual clock starts (VirtualClock's default). */
const START = Date.parse('2026-01-05T09:00:00.000Z');
const LIFETIME_MS = 60 * 60_000;
const END = START + LIFETIME_MS;
const iso = (epochMs: number) => new Date(epochMs).toISOString();

/** An account-information intent created at START with an hour to live; CODE selects two accounts. */
function expiringScenario(overrides: Partial<ConnectionIntent> = {}): AuthorizeScenario {
  const scenario = new AuthorizeScenario(
    intent({ createdAt: iso(START), updatedAt: iso(START), expiresAt: iso(END), ...overrides }),
  );
  scenario.bank.issueCode(CODE, [EVERYDAY, SAVINGS]);
  return scenario;
}

/** Moves the scenario's clock to `at` (epoch ms). */
const moveTo = (scenario: AuthorizeScenario, at: number) =>
  scenario.clock.advance(at - scenario.clock.epochMs);

/** Holds every token request at a gate, before the code reaches the bank. */
function holdTokenRequests(scenario: AuthorizeScenario): Gate {
  const gate = new Gate();
  scenario.bank.tokenEndpoint = async (_request, redeem) => {
    await gate.pass();
    return redeem();
  };
  return gate;
}

/** What an expired intent holds: failed with EXPIRED, changed when it expired, nothing secret left. */
function expectExpired(stored: ConnectionIntent): void {
  expect(stored).toMatchObject({
    status: 'failed',
    failureReason: 'EXPIRED',
    updatedAt: iso(END),
    updatedBy: EXPIRY_CRN,
  });
  for (const secret of ['oauth', 'grant', 'claim']) expect(stored).not.toHaveProperty(secret);
}

describe('an intent as it stands at a moment (what the reads answer)', () => {
  const stored = intent({ expiresAt: iso(END) });

  it('is unchanged before its lifetime ends', () => {
    expect(asSeenAt(stored, END - 1)).toEqual(stored);
  });

  it('is failed with EXPIRED from the moment its lifetime ends, as the expiry write leaves it', () => {
    const seen = asSeenAt(stored, END);

    expectExpired(seen);
    expect(seen.createdAt).toBe(stored.createdAt);
  });

  it('stays created while an authorization that claimed it in time holds a live claim', () => {
    const claimed = intent({
      expiresAt: iso(END),
      claim: { id: 'c', codeHash: 'h', expiresAt: END + 5_000 },
    });

    expect(asSeenAt(claimed, END + 4_999).status).toBe('created');
    expect(asSeenAt(claimed, END + 5_000).status).toBe('failed');
  });

  it.each([
    ['authorized', intent({ expiresAt: iso(END), status: 'authorized', oauth: undefined })],
    [
      'failed for its own reason',
      intent({ expiresAt: iso(END), status: 'failed', failureReason: 'access_denied' }),
    ],
    ['created before intents expired (no expiresAt)', intent()],
  ])('is unchanged when %s', (_case, other) => {
    expect(asSeenAt(other, END + 86_400_000)).toEqual(other);
  });
});

describe('authorize and the lifetime', () => {
  it('authorizes one millisecond before the end', async () => {
    const scenario = expiringScenario();
    await moveTo(scenario, END - 1);

    expect(await scenario.authorize(CODE)).toBe('ok');
    expect(scenario.intent.status).toBe('authorized');
  });

  it('at the end, before anything was claimed: expires the intent, 403 AUTHORIZATION_FAILED, no code sent', async () => {
    const scenario = expiringScenario();
    await moveTo(scenario, END);

    const answer = await scenario.authorize(CODE);

    expect(answer).toBe('AUTHORIZATION_FAILED');
    expectExpired(scenario.intent);
    expect(scenario.bank.received).toEqual([]);
    expect(scenario.bankAccounts).toEqual([]);
    // Once expired, it stays that way: the same answer, nothing written.
    expect(await scenario.authorize(CODE)).toBe('AUTHORIZATION_FAILED');
  });

  it('during a live claim taken in time: the sweep leaves it, and the authorization finishes', async () => {
    const scenario = expiringScenario();
    const gate = holdTokenRequests(scenario);
    await moveTo(scenario, END - 1_000);
    const first = scenario.call(CODE);
    await gate.reached;
    await moveTo(scenario, END + 2_000);

    const swept = await sweep(scenario.table, scenario.clock);
    const seen = asSeenAt(scenario.intent, scenario.clock.epochMs);
    gate.open();
    const answer = await scenario.clock.run(first.answer);

    expect(swept).toMatchObject({ expired: 0, skipped: 1, complete: true });
    expect(seen.status).toBe('created');
    expect(answer).toBe('ok');
    expect(scenario.intent).toMatchObject({ status: 'authorized', authorizedCodeHash: hashOf(CODE) });
    expect(scenario.bank.redemptionsOf(CODE)).toBe(1);
  });

  it('after a saved grant with no live claim: a retry past the end expires it and drops the token', async () => {
    const scenario = expiringScenario();
    scenario.bank.accountsEndpoint = async () => {
      throw new ProviderUnavailableError();
    };
    await moveTo(scenario, END - 1_000);
    const outage = await scenario.authorize(CODE);
    const afterOutage = scenario.intent;
    scenario.bank.accountsEndpoint = async (_request, read) => read();
    await moveTo(scenario, END);

    const retry = await scenario.authorize(CODE);

    expect(outage).toBe('PROVIDER_UNAVAILABLE');
    expect(afterOutage.grant?.accessToken).toEqual(expect.any(String));
    expect(afterOutage.claim).toBeUndefined();
    expect(retry).toBe('AUTHORIZATION_FAILED');
    expectExpired(scenario.intent);
    expect(scenario.bank.redemptionsOf(CODE)).toBe(1);
    expect(scenario.bankAccounts).toEqual([]);
  });

  it('after a saved grant with no live claim: the sweep expires it although nobody calls', async () => {
    const scenario = expiringScenario();
    scenario.bank.accountsEndpoint = async () => {
      throw new ProviderUnavailableError();
    };
    await moveTo(scenario, END - 1_000);
    await scenario.authorize(CODE);
    await moveTo(scenario, END);

    const swept = await sweep(scenario.table, scenario.clock);

    expect(swept).toMatchObject({ expired: 1, skipped: 0, failed: 0, complete: true });
    expectExpired(scenario.intent);
  });

  it('a call that died holding its claim: the intent expires once the lease has run out, not before', async () => {
    const scenario = expiringScenario();
    await moveTo(scenario, END - 1_000);
    // Dies right after saving the grant (with its token), still holding the claim.
    const crashed = await scenario.authorize(CODE, { crash: { at: 3, moment: 'after' } });
    const leaseEnd = scenario.intent.claim?.expiresAt ?? 0;
    await moveTo(scenario, END + 1_000);
    const withinLease = await sweep(scenario.table, scenario.clock);
    const retryWithinLease = await scenario.authorize(CODE);

    await moveTo(scenario, leaseEnd);
    const afterLease = await sweep(scenario.table, scenario.clock);

    expect(crashed).toBe('crashed');
    expect(leaseEnd).toBe(END - 1_000 + TIME_BUDGET.claimLeaseMs);
    expect(withinLease).toMatchObject({ expired: 0, skipped: 1 });
    expect(retryWithinLease).toBe('AUTHORIZATION_IN_PROGRESS');
    expect(afterLease).toMatchObject({ expired: 1, skipped: 0 });
    expectExpired(scenario.intent);
    expect(await scenario.authorize(CODE)).toBe('AUTHORIZATION_FAILED');
  });

  it('the expiry lands between a call reading the intent in time and its claim: the claim is refused, no code sent', async () => {
    const scenario = expiringScenario();
    const gate = new Gate();
    await moveTo(scenario, END - 1);
    const call = scenario.call(CODE, {
      beforeStep: (step) => (step === 'intent.claim' ? gate.pass() : undefined),
    });
    await gate.reached;
    await moveTo(scenario, END);
    const swept = await sweep(scenario.table, scenario.clock);
    gate.open();

    const answer = await scenario.clock.run(call.answer);

    expect(swept).toMatchObject({ expired: 1 });
    expect(answer).toBe('AUTHORIZATION_FAILED');
    expect(scenario.bank.received).toEqual([]);
    expectExpired(scenario.intent);
  });

  it('the claim lands first, a moment before the end: the expiry that follows is refused while the claim lives', async () => {
    const scenario = expiringScenario();
    const gate = holdTokenRequests(scenario);
    await moveTo(scenario, END - 1);
    const call = scenario.call(CODE);
    await gate.reached;
    await moveTo(scenario, END);

    const store = new InMemoryExpiryStore(scenario.table, new Invocation());
    const refused = store.expire(scenario.intentId, scenario.clock.epochMs, EXPIRY_CRN);
    await expect(refused).rejects.toMatchObject({ message: 'CONCURRENT_UPDATE' });
    gate.open();

    expect(await scenario.clock.run(call.answer)).toBe('ok');
    expect(scenario.intent.status).toBe('authorized');
  });

  it('an intent created before intents expired (no expiresAt) is authorized at any age', async () => {
    const scenario = expiringScenario({ expiresAt: undefined });
    await moveTo(scenario, END + 86_400_000);

    expect(await scenario.authorize(CODE)).toBe('ok');
  });
});
