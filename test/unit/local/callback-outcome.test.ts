import { authorizeOutcome, finishedOutcome } from '../../../local/callback-outcome';
import { bankAccountView, errorReply, FakeApi, intentView, reply } from './page-fakes';

const RETURNED = { code: 'the-code', state: 'the-state', iss: 'http://127.0.0.1:1' };

describe('what an authorize answer means on the callback page', () => {
  it('200: reads the intent and only the Bank Accounts it names, never the account’s others', async () => {
    const api = new FakeApi();
    const savings = bankAccountView({ bankAccountName: 'Savings' });
    const otherIntents = bankAccountView({ bankAccountName: 'Everyday' });
    const intent = intentView({ bankAccountIds: [savings.id] });
    api.hold(intent, savings, otherIntents);

    const outcome = await authorizeOutcome(api, intent.id, reply(200, {}), RETURNED);

    expect(outcome).toMatchObject({
      kind: 'connected',
      alreadyFinished: false,
      accounts: [{ id: savings.id, bankAccount: savings, heldBefore: false }],
    });
    expect(api.bankAccountReads).toEqual([savings.id]);
  });

  it('marks a connected Bank Account that the account held before the intent was created', async () => {
    const api = new FakeApi();
    const earlier = bankAccountView({ createdAt: '2026-11-24T08:00:00.000Z' });
    const intent = intentView({ bankAccountIds: [earlier.id] });
    api.hold(intent, earlier);

    const outcome = await authorizeOutcome(api, intent.id, reply(200, {}), RETURNED);

    expect(outcome).toMatchObject({ kind: 'connected', accounts: [{ heldBefore: true }] });
  });

  it('keeps a connected Bank Account it could not read, by id', async () => {
    const api = new FakeApi();
    const intent = intentView({ bankAccountIds: ['NotHeld1111111111111111'] });
    api.hold(intent);

    const outcome = await authorizeOutcome(api, intent.id, reply(200, {}), RETURNED);

    expect(outcome).toMatchObject({
      kind: 'connected',
      accounts: [{ id: 'NotHeld1111111111111111', bankAccount: undefined }],
    });
  });

  it('200 on a payment intent: the consent and the Bank Account it is for', async () => {
    const api = new FakeApi();
    const bills = bankAccountView({ bankAccountName: 'Bills', enduringPaymentConsentAuthorized: true });
    const intent = intentView({ type: 'quartz-payment', bankAccountId: bills.id });
    api.hold(intent, bills);

    const outcome = await authorizeOutcome(api, intent.id, reply(200, {}), RETURNED);

    expect(outcome).toMatchObject({ kind: 'payment-consent', bankAccount: bills, alreadyFinished: false });
  });

  it('403 AUTHORIZATION_FAILED: the intent’s failure reason', async () => {
    const api = new FakeApi();
    const intent = intentView({ status: 'failed', failureReason: 'ACCESS_DENIED' });
    api.hold(intent);

    const outcome = await authorizeOutcome(api, intent.id, errorReply(403, 'AUTHORIZATION_FAILED'), RETURNED);

    expect(outcome).toMatchObject({ kind: 'failed', reason: 'ACCESS_DENIED', alreadyFinished: false });
  });

  it('403 ALREADY_AUTHORIZED: the intent’s outcome, told as already finished', async () => {
    const api = new FakeApi();
    const intent = intentView({ bankAccountIds: [] });
    api.hold(intent);

    const outcome = await authorizeOutcome(api, intent.id, errorReply(403, 'ALREADY_AUTHORIZED'), RETURNED);

    expect(outcome).toMatchObject({ kind: 'connected', alreadyFinished: true, accounts: [] });
  });

  it.each([
    [errorReply(502, 'PROVIDER_UNAVAILABLE', 5), 'bank-unavailable', 5],
    [errorReply(504, 'PROVIDER_TIMEOUT', 5), 'bank-no-answer', 5],
    [errorReply(502, 'PROVIDER_ERROR', 5), 'bank-no-answer', 5],
    [errorReply(503, 'AUTHORIZATION_IN_PROGRESS', 1), 'in-progress', 1],
    [errorReply(503, 'SERVICE_UNAVAILABLE', 2), 'service-unavailable', 2],
    [errorReply(429, 'RATE_LIMIT_EXCEEDED', 37), 'rate-limited', 37],
    [errorReply(500, 'Internal Server Error'), 'service-unavailable', 0],
    [reply('no-answer'), 'service-unavailable', 0],
  ])('%j: a retry with the same code, after Retry-After', async (answer, cause, seconds) => {
    const api = new FakeApi();

    const outcome = await authorizeOutcome(api, 'Intent111111111111111111', answer, RETURNED);

    expect(outcome).toEqual({ kind: 'retry', cause, retryAfterSeconds: seconds, returned: RETURNED });
  });

  it.each([
    [errorReply(400, 'code is required')],
    [errorReply(401, 'Invalid authentication')],
    [errorReply(403, 'Forbidden')],
  ])('%j: refused, with no retry', async (answer) => {
    const outcome = await authorizeOutcome(new FakeApi(), 'Intent111111111111111111', answer, RETURNED);

    expect(outcome).toMatchObject({ kind: 'refused', status: answer.status });
  });

  it('an intent that cannot be read after authorize: unread, not a guess', async () => {
    const api = new FakeApi();

    const outcome = await authorizeOutcome(api, 'Intent111111111111111111', reply(200, {}), RETURNED);

    expect(outcome).toEqual({ kind: 'unread', after: 'authorized', status: 403, returned: RETURNED });
  });

  it('an intent answered in a shape the views do not know: unread', async () => {
    const api = new FakeApi();
    api.getIntent = async () => reply(200, { id: 'x', status: 'authorized', secret: 'no' });

    const outcome = await finishedOutcome(api, 'x', { after: 'finished', returned: undefined });

    expect(outcome).toMatchObject({ kind: 'unread', after: 'finished', status: 200 });
  });
});
