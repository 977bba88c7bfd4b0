import { useRealPeers } from '../../support/service-on-real-peers';

// Real bank answers take seconds here (sloane's is 8 s): room for that on a busy machine.
jest.setTimeout(60_000);

/**
 * The fault matrix, bank rows: the real handlers against a sandbox bank process that answers slowly,
 * unreadably, not at all, or not its accounts. Each row shows the answer, what is stored and what a
 * retry with the same code gets.
 */
describe('fault matrix: the bank', () => {
  const peers = useRealPeers();

  it('a token answer after 8 s (user sloane) still ends authorized: the token request has the budget', async () => {
    const { intentId, code } = await peers.approvedIntent('sloane');

    const answer = await peers.authorize(intentId, code);

    expect(answer.statusCode).toBe(200);
    expect(await peers.storedIntent(intentId)).toMatchObject({ status: 'authorized' });
  });

  it('a token answer later than the budget: 504 PROVIDER_TIMEOUT before the deadline, intent still created; the retry meets the redeemed code', async () => {
    const { intentId, code } = await peers.approvedIntent('alice');
    // 9 s left: the token request gets 9 − 1 (answer margin) − 4 (grant-save reserve) = 4 s.
    const remainingMs = 9_000;
    await peers.setBankFaults({ tokenDelayMs: remainingMs });
    const before = await peers.bankStats();

    const startedAt = Date.now();
    const answer = await peers.authorize(intentId, code, { remainingMs });
    const elapsedMs = Date.now() - startedAt;

    expect(answer.statusCode).toBe(504);
    expect(answer.body).toMatchObject({ message: 'PROVIDER_TIMEOUT' });
    expect(answer.headers['retry-after']).toBe('5');
    expect(elapsedMs).toBeLessThan(remainingMs);
    const stored = await peers.storedIntent(intentId);
    expect(stored).toMatchObject({ status: 'created' });
    expect(stored?.claim).toBeUndefined();
    // The bank did redeem the code (it answers late, not never), so the retry the answer allows is refused.
    expect((await peers.bankStats()).redeemedCodes).toBe(before.redeemedCodes + 1);
    await peers.setBankFaults({});
    const retry = await peers.authorize(intentId, code);
    expect(retry).toMatchObject({ statusCode: 403, body: { message: 'AUTHORIZATION_FAILED' } });
    expect(await peers.storedIntent(intentId)).toMatchObject({ status: 'failed' });
  });

  it('a frozen bank (connections accepted, nothing answered): 504 PROVIDER_TIMEOUT before the deadline, intent still created', async () => {
    const { intentId, code } = await peers.approvedIntent('alice');
    const remainingMs = 9_000;
    peers.bank.signal('SIGSTOP');

    const startedAt = Date.now();
    const answer = await peers.authorize(intentId, code, { remainingMs });
    const elapsedMs = Date.now() - startedAt;
    peers.bank.signal('SIGCONT');

    expect(answer).toMatchObject({ statusCode: 504, body: { message: 'PROVIDER_TIMEOUT' } });
    expect(elapsedMs).toBeLessThan(remainingMs);
    expect(await peers.storedIntent(intentId)).toMatchObject({ status: 'created' });
  });

  it('a token answer that cannot be read: 502 PROVIDER_ERROR, intent still created; the retry meets the redeemed code', async () => {
    const { intentId, code } = await peers.approvedIntent('alice');
    await peers.setBankFaults({ tokenMalformed: true });

    const answer = await peers.authorize(intentId, code);

    expect(answer).toMatchObject({ statusCode: 502, body: { message: 'PROVIDER_ERROR' } });
    expect(await peers.storedIntent(intentId)).toMatchObject({ status: 'created' });
    await peers.setBankFaults({});
    expect(await peers.authorize(intentId, code)).toMatchObject({
      statusCode: 403,
      body: { message: 'AUTHORIZATION_FAILED' },
    });
  });

  it('a token endpoint answering 503 (user olive): 502 PROVIDER_UNAVAILABLE, nothing redeemed; the retry completes', async () => {
    const { intentId, code } = await peers.approvedIntent('olive');

    const answer = await peers.authorize(intentId, code);

    expect(answer).toMatchObject({ statusCode: 502, body: { message: 'PROVIDER_UNAVAILABLE' } });
    expect(answer.headers['retry-after']).toBe('5');
    expect(await peers.storedIntent(intentId)).toMatchObject({ status: 'created' });
    expect(await peers.authorize(intentId, code)).toMatchObject({ statusCode: 200 });
  });

  it('the accounts resource down: 502 PROVIDER_UNAVAILABLE with the grant kept; the retry completes without redeeming again', async () => {
    const { intentId, code } = await peers.approvedIntent('alice');
    await peers.setBankFaults({ accountsStatus: 503 });
    const before = await peers.bankStats();

    const answer = await peers.authorize(intentId, code);

    expect(answer).toMatchObject({ statusCode: 502, body: { message: 'PROVIDER_UNAVAILABLE' } });
    const stored = await peers.storedIntent(intentId);
    expect(stored).toMatchObject({ status: 'created' });
    expect(stored?.grant).toBeDefined();
    await peers.setBankFaults({});
    expect(await peers.authorize(intentId, code)).toMatchObject({ statusCode: 200 });
    expect(await peers.storedIntent(intentId)).toMatchObject({ status: 'authorized' });
    expect((await peers.bankStats()).redeemedCodes).toBe(before.redeemedCodes + 1);
  });

  describe('with the bank process stopped', () => {
    it('authorize: 502 PROVIDER_UNAVAILABLE (the code never reached the bank), intent still created', async () => {
      const { intentId, code } = await peers.approvedIntent('alice');
      await peers.bank.stop();

      const answer = await peers.authorize(intentId, code);

      expect(answer).toMatchObject({ statusCode: 502, body: { message: 'PROVIDER_UNAVAILABLE' } });
      expect(answer.body.reason).toMatch(/nothing was changed/);
      expect(await peers.storedIntent(intentId)).toMatchObject({ status: 'created' });
    });

    it('create with no discovery document cached: 502 PROVIDER_UNAVAILABLE and no intent stored', async () => {
      const fresh = peers.freshServices();
      const writesBefore = peers.tableProxy.requests.filter((r) => r.operation === 'PutItem').length;

      const answer = await peers.create({}, fresh);

      expect(answer).toMatchObject({ statusCode: 502, body: { message: 'PROVIDER_UNAVAILABLE' } });
      expect(peers.tableProxy.requests.filter((r) => r.operation === 'PutItem')).toHaveLength(writesBefore);
    });
  });
});
