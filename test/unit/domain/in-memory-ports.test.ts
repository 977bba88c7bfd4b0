import { StateConflictError } from '../../../functions/shared/domain/errors';
import { bankAccount, intent } from '../../support/fixtures';
import {
  InMemoryBankAccountStore,
  InMemoryIntentStore,
  InMemoryTable,
  Invocation,
  SimulatedCrash,
} from '../../support/in-memory-ports';

// The fakes are only worth their tests if they refuse what the DynamoDB repositories refuse.

const NOW = Date.parse('2026-01-05T09:00:00.000Z');
const claim = (id: string, expiresAt = NOW + 1_000) => ({ id, codeHash: 'hash', expiresAt });
const outcome = {
  status: 'authorized',
  authorizedCodeHash: 'hash',
  updatedAt: '2026-01-05T09:00:00.000Z',
  updatedBy: 'crn:x:api-key:y',
} as const;

function storesWith(...intents: ReturnType<typeof intent>[]) {
  const table = new InMemoryTable();
  for (const stored of intents) table.intents.set(stored.id, stored);
  const invocation = new Invocation();
  return {
    table,
    intents: new InMemoryIntentStore(table, invocation),
    bankAccounts: new InMemoryBankAccountStore(table, invocation),
  };
}

describe('InMemoryIntentStore: the IntentRepository conditions', () => {
  it('claims a created intent that is free, or whose claim expired at `now` at the latest', async () => {
    const { intents } = storesWith(intent({ claim: claim('old', NOW) }));

    const claimed = await intents.claim(intent().id, claim('new'), NOW);

    expect(claimed.claim?.id).toBe('new');
  });

  it('refuses a live claim, a final intent and a missing one', async () => {
    const live = intent({ id: 'Live111111111111111111', claim: claim('other', NOW + 1) });
    const done = intent({ id: 'Done111111111111111111', status: 'authorized' });
    const { intents } = storesWith(live, done);

    await expect(intents.claim(live.id, claim('new'), NOW)).rejects.toBeInstanceOf(StateConflictError);
    await expect(intents.claim(done.id, claim('new'), NOW)).rejects.toBeInstanceOf(StateConflictError);
    await expect(intents.claim('Gone111111111111111111', claim('new'), NOW)).rejects.toBeInstanceOf(
      StateConflictError,
    );
  });

  it('writes after the claim only for its holder, expired lease or not, and only while created', async () => {
    const { intents } = storesWith(intent({ claim: claim('mine', NOW - 1) }));
    const id = intent().id;

    await expect(intents.saveGrant(id, 'other', { codeHash: 'hash' })).rejects.toBeInstanceOf(
      StateConflictError,
    );
    await expect(intents.saveGrant(id, 'mine', { codeHash: 'hash' })).resolves.toMatchObject({
      grant: { codeHash: 'hash' },
    });
    await intents.finish(id, 'mine', outcome);
    await expect(intents.releaseClaim(id, 'mine')).rejects.toBeInstanceOf(StateConflictError);
  });

  it('finishing drops claim, grant and PKCE material and records the outcome', async () => {
    const { intents } = storesWith(intent({ claim: claim('mine'), grant: { codeHash: 'hash' } }));

    await intents.finish(intent().id, 'mine', outcome);
    const finished = await intents.get(intent().id);

    expect(finished).toMatchObject({ status: 'authorized', authorizedCodeHash: 'hash' });
    expect(finished).not.toHaveProperty('claim');
    expect(finished).not.toHaveProperty('grant');
    expect(finished).not.toHaveProperty('oauth');
  });

  it('refuses to create an intent whose id exists', async () => {
    const { intents } = storesWith(intent());

    await expect(intents.create(intent())).rejects.toBeInstanceOf(StateConflictError);
  });

  it('claims an intent only before its lifetime ends; one without a lifetime at any time', async () => {
    const ending = intent({ id: 'Ending1111111111111111', expiresAt: new Date(NOW).toISOString() });
    const ageless = intent({ id: 'Ageless111111111111111' });
    const { intents } = storesWith(ending, ageless);

    await expect(intents.claim(ending.id, claim('late'), NOW)).rejects.toBeInstanceOf(StateConflictError);
    await expect(intents.claim(ending.id, claim('in-time'), NOW - 1)).resolves.toMatchObject({
      claim: { id: 'in-time' },
    });
    await expect(intents.claim(ageless.id, claim('any'), NOW + 86_400_000)).resolves.toMatchObject({
      claim: { id: 'any' },
    });
  });

  it('expires a created intent only from the end of its lifetime and with no live claim', async () => {
    const end = new Date(NOW).toISOString();
    const free = intent({ id: 'Free111111111111111111', expiresAt: end });
    const held = intent({ id: 'Held111111111111111111', expiresAt: end, claim: claim('other', NOW + 1) });
    const lapsed = intent({ id: 'Lapsed1111111111111111', expiresAt: end, claim: claim('other', NOW) });
    const done = intent({ id: 'Done111111111111111111', expiresAt: end, status: 'authorized' });
    const ageless = intent({ id: 'Ageless111111111111111' });
    const { intents } = storesWith(free, held, lapsed, done, ageless);
    const expire = (id: string, now = NOW) => intents.expire(id, now, 'crn::system:intent-expiry');

    await expect(expire(free.id, NOW - 1)).rejects.toBeInstanceOf(StateConflictError);
    await expect(expire(held.id)).rejects.toBeInstanceOf(StateConflictError);
    await expect(expire(done.id)).rejects.toBeInstanceOf(StateConflictError);
    await expect(expire(ageless.id, NOW + 86_400_000)).rejects.toBeInstanceOf(StateConflictError);
    await expire(free.id);
    await expire(lapsed.id);

    for (const id of [free.id, lapsed.id]) {
      const expired = await intents.get(id);
      expect(expired).toMatchObject({ status: 'failed', failureReason: 'EXPIRED', updatedAt: end });
      expect(expired).not.toHaveProperty('oauth');
      expect(expired).not.toHaveProperty('claim');
    }
    await expect(expire(free.id)).rejects.toBeInstanceOf(StateConflictError);
  });
});

describe('InMemoryBankAccountStore: the BankAccountRepository conditions', () => {
  it('keeps one bank account per account, liveness and number, returning the one stored', async () => {
    const { bankAccounts, table } = storesWith();
    const first = bankAccount({ id: 'Bnk1111111111111111111' });

    await bankAccounts.connect(first);
    const again = await bankAccounts.connect({ ...first, id: 'Bnk3333333333333333333', name: 'Other' });
    const test = await bankAccounts.connect({ ...first, id: 'Bnk4444444444444444444', test: true });

    expect(again).toEqual(first);
    expect(test.id).toBe('Bnk4444444444444444444');
    expect(table.bankAccounts.size).toBe(2);
  });

  it('marks a consent only on a stored bank account', async () => {
    const { bankAccounts } = storesWith();

    await expect(
      bankAccounts.markEnduringPaymentConsent(
        'Bnk1111111111111111111',
        undefined,
        outcome.updatedAt,
        outcome.updatedBy,
      ),
    ).rejects.toBeInstanceOf(StateConflictError);
  });
});

describe('Invocation: a crash', () => {
  it('after an effect keeps it applied, and nothing of the invocation lands afterwards', async () => {
    const table = new InMemoryTable();
    table.intents.set(intent().id, intent());
    const invocation = new Invocation({ crash: { at: 1, moment: 'after' } });
    const intents = new InMemoryIntentStore(table, invocation);

    await expect(intents.claim(intent().id, claim('mine'), NOW)).rejects.toBeInstanceOf(SimulatedCrash);
    await expect(intents.releaseClaim(intent().id, 'mine')).rejects.toBeInstanceOf(SimulatedCrash);

    expect(table.intent(intent().id)?.claim?.id).toBe('mine');
  });

  it('before an effect keeps it from landing', async () => {
    const table = new InMemoryTable();
    table.intents.set(intent().id, intent());
    const invocation = new Invocation({ crash: { at: 1, moment: 'before' } });

    await expect(
      new InMemoryIntentStore(table, invocation).claim(intent().id, claim('mine'), NOW),
    ).rejects.toBeInstanceOf(SimulatedCrash);

    expect(table.intent(intent().id)?.claim).toBeUndefined();
  });
});
