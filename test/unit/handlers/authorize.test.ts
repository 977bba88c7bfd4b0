import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildHandler } from '../../../functions/authorize/handler';
import { codeHash, sha256Hex } from '../../../functions/shared/domain/hashing';
import { bankAccountKey, intentKey } from '../../../functions/shared/repository/table-keys';
import { captureLogs } from '../../support/capture-logs';
import { FakeQuartz } from '../../support/fake-quartz';
import {
  ACCOUNT_ID,
  apiEvent,
  bankAccount,
  intent,
  LIVE_ISSUER,
  OTHER_ACCOUNT_ID,
  OWNER_CRN,
  OWNER_SECRET,
  parse,
  TERMINAL_SECRET,
  TEST_ISSUER,
} from '../../support/fixtures';
import { dynamo, type Harness, harness, storeBankAccount } from '../../support/handler-harness';
import { conditionFailed } from '../../support/mocked-table';
import { storeIntent } from '../../support/stored-intent';

const CODE = 'hKpKupTM391pE10xfQiorMxXarRKAHRhTfH_x';
const INTENT_ID = '3KVjuKW2CZCJeJVqPxwkX7';
const PATH = `/api/bank-account-connection-intents/${INTENT_ID}/authorize`;

let h: Harness;
beforeEach(() => {
  h = harness(buildHandler);
  dynamo.on(PutCommand).resolves({});
});

const authorize = async (
  body: unknown = { code: CODE },
  headers: Record<string, string> = { 'X-Api-Key': OWNER_SECRET },
  id = INTENT_ID,
) =>
  parse(
    await h.invoke(
      apiEvent({ path: PATH, body, headers, pathParameters: { bankAccountConnectionIntentId: id } }),
    ),
  );

/** Updates of intents and Bank Accounts (the rate-limit counter is tested on its own). */
const updates = () =>
  dynamo
    .commandCalls(UpdateCommand)
    .map((call) => call.args[0].input)
    .filter((input) => !String(input.Key?.pk).startsWith('RATE_LIMIT#'));
const puts = () =>
  dynamo.commandCalls(PutCommand).map((call) => call.args[0].input.Item as Record<string, unknown>);
const forbidden = { statusCode: 403, error: 'Forbidden', message: 'Forbidden' };

describe('authorize: quartz-accounts, provider accepts', () => {
  it('redeems the code once with PKCE and client authentication, then answers {}', async () => {
    const stored = storeIntent(intent());

    const { statusCode, body, headers } = await authorize();

    expect(statusCode).toBe(200);
    expect(body).toEqual({});
    expect(headers['x-request-id']).toBe('req-123');
    const [token, ...more] = h.quartz.requestsTo('/token');
    expect(more).toHaveLength(0);
    const form = new URLSearchParams(token?.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'authorization_code',
      code: CODE,
      redirect_uri: 'https://app.example.com/callback',
      code_verifier: intent().oauth?.codeVerifier,
    });
    const basic = Buffer.from(
      String(token?.headers.authorization).replace(/^Basic /, ''),
      'base64',
    ).toString();
    expect(basic.split(':').map(decodeURIComponent)).toEqual(['live-client', 'live-secret']);
    expect(h.quartz.requestsTo('/accounts')[0]?.headers.authorization).toBe('Bearer access-token-1');
    expect(stored.current()).toMatchObject({
      status: 'authorized',
      authorizedCodeHash: codeHash(CODE),
      updatedBy: OWNER_CRN,
    });
    expect(stored.current()).not.toHaveProperty('claim');
    expect(stored.current()).not.toHaveProperty('grant');
    expect(stored.current()).not.toHaveProperty('oauth');
  });

  it("accepts the state and iss the bank returned with the code (RFC 9207) when they are the intent's", async () => {
    const stored = storeIntent(intent());

    const { statusCode } = await authorize({ code: CODE, state: intent().oauth?.state, iss: LIVE_ISSUER });

    expect(statusCode).toBe(200);
    expect(stored.current()).toMatchObject({ status: 'authorized' });
  });

  it("refuses another intent's state, or a guess, even once this one is final (its URL keeps the state), and changes nothing", async () => {
    const bound = `${INTENT_ID}.bound`;
    storeIntent(
      intent({
        status: 'authorized',
        authorizedCodeHash: sha256Hex(CODE),
        oauth: undefined,
        authorizationUrl: `${LIVE_ISSUER}/auth?state=${bound}`,
      }),
    );

    const mine = await authorize({ code: CODE, state: bound });
    const guess = await authorize({ code: CODE, state: `${INTENT_ID}.anything` });
    const theirs = await authorize({ code: CODE, state: 'Xyz1111111111111111111.random' });

    expect(mine.statusCode).toBe(200);
    expect(guess).toMatchObject({ statusCode: 400, body: { message: 'state does not match this intent' } });
    expect(theirs).toMatchObject({ statusCode: 400, body: { message: 'state does not match this intent' } });
    expect(updates()).toHaveLength(0);
  });

  it('runs claim → save grant → finish, each conditional on the claim: the grant is saved once', async () => {
    storeIntent(intent());

    await authorize();

    const [claim, grant, finish, ...more] = updates();
    expect(more).toEqual([]);
    expect(claim?.ConditionExpression).toBe(
      '#status = :created AND (attribute_not_exists(#claim) OR #claim.#expiresAt <= :now) ' +
        'AND (attribute_not_exists(#expiresAt) OR #expiresAt > :nowTimestamp) ' +
        'AND (attribute_not_exists(#backchannel) OR #backchannel.#pollAfter <= :now)',
    );
    const claimId = (claim?.ExpressionAttributeValues?.[':claim'] as { id: string } | undefined)?.id;
    expect(claimId).toEqual(expect.any(String));
    for (const step of [grant, finish]) {
      expect(step?.ConditionExpression).toBe('#claim.#claimId = :claimId AND #status = :created');
      expect(step?.ExpressionAttributeValues?.[':claimId']).toBe(claimId);
    }
    expect(grant?.ExpressionAttributeValues?.[':grant']).toEqual({
      codeHash: codeHash(CODE),
      accessToken: 'access-token-1',
    });
    // The finish drops the grant, and the token with it.
    expect(finish?.UpdateExpression).toContain('REMOVE #claim, #grant');
    expect(finish?.ExpressionAttributeValues?.[':status']).toBe('authorized');
  });

  it('creates one quartz Bank Account per selected account, each guarded by its number', async () => {
    storeIntent(intent());

    await authorize();

    const bankAccounts = puts().filter((item) => item.entity === 'bank-account');
    expect(bankAccounts).toHaveLength(2);
    expect(bankAccounts.map((item) => item.accountNumber)).toEqual([
      '12-3456-7890123-00',
      '12-3456-7890123-01',
    ]);
    expect(bankAccounts[0]).toMatchObject({
      accountId: ACCOUNT_ID,
      type: 'quartz',
      name: 'Everyday',
      providerAccountId: 'qa-1',
      createdBy: OWNER_CRN,
    });
    expect(bankAccounts[0]).not.toHaveProperty('test');
    const numbers = puts().filter((item) => item.entity === 'bank-account-number');
    expect(numbers.map((item) => item.sk)).toEqual([
      'BANK_ACCOUNT_NUMBER#live#12-3456-7890123-00',
      'BANK_ACCOUNT_NUMBER#live#12-3456-7890123-01',
    ]);
  });

  it('does not duplicate a bank account the account already holds', async () => {
    storeIntent(intent());
    const existing = bankAccount({ id: 'Exist11111111111111111', accountNumber: '12-3456-7890123-00' });
    dynamo
      .on(PutCommand, {
        Item: {
          entity: 'bank-account-number',
          accountNumber: undefined,
          sk: 'BANK_ACCOUNT_NUMBER#live#12-3456-7890123-00',
        },
      })
      .rejects(conditionFailed());
    dynamo
      .on(GetCommand, {
        Key: { pk: `ACCOUNT#${ACCOUNT_ID}`, sk: 'BANK_ACCOUNT_NUMBER#live#12-3456-7890123-00' },
      })
      .resolves({ Item: { bankAccountId: existing.id } });
    dynamo.on(PutCommand, { Item: { entity: 'bank-account', id: existing.id } }).rejects(conditionFailed());
    storeBankAccount(existing);

    const { statusCode } = await authorize();

    expect(statusCode).toBe(200);
    const written = puts().filter((item) => item.entity === 'bank-account');
    const ids = written.map((item) => item.id);
    expect(ids).toHaveLength(2);
    expect(ids.filter((id) => id === existing.id)).toHaveLength(1);
  });

  it('uses the test configuration and flags the Bank Accounts for a test intent', async () => {
    storeIntent(intent({ test: true }));

    await authorize();

    expect(h.quartz.requestsTo('/token')[0]?.url).toBe(`${TEST_ISSUER}/token`);
    const bankAccounts = puts().filter((item) => item.entity === 'bank-account');
    expect(bankAccounts.every((item) => item.test === true)).toBe(true);
  });
});

describe('authorize: quartz-payment consent details', () => {
  const consentFor = (accountNumber: string) => () =>
    Response.json({
      access_token: 'at',
      token_type: 'Bearer',
      authorization_details: [{ type: 'enduring_payment_consent', account_number: accountNumber }],
    });

  it('accepts a consent the provider reports for the intent bank account', async () => {
    const account = bankAccount();
    storeBankAccount(account);
    storeIntent(intent({ type: 'quartz-payment', bankAccountId: account.id }));
    h.quartz.token = consentFor(account.accountNumber);

    const { statusCode } = await authorize();

    expect(statusCode).toBe(200);
  });

  it('fails the intent when the provider reports a consent for another account', async () => {
    const account = bankAccount();
    storeBankAccount(account);
    const stored = storeIntent(intent({ type: 'quartz-payment', bankAccountId: account.id }));
    h.quartz.token = consentFor('99-9999-9999999-99');

    const { statusCode, body } = await authorize();

    expect(statusCode).toBe(403);
    expect(body.message).toBe('AUTHORIZATION_FAILED');
    expect(stored.current()).toMatchObject({
      status: 'failed',
      failureReason: 'authorization_details_mismatch',
    });
    expect(updates().some((input) => input.Key?.pk === `BANK_ACCOUNT#${account.id}`)).toBe(false);
  });
});

describe('authorize: quartz-payment', () => {
  it('marks the Bank Account enduringPaymentConsentAuthorized without reading accounts', async () => {
    const account = bankAccount();
    storeIntent(intent({ type: 'quartz-payment', bankAccountId: account.id }));

    const { statusCode } = await authorize();

    expect(statusCode).toBe(200);
    expect(h.quartz.requestsTo('/accounts')).toHaveLength(0);
    const consent = updates().find((input) => input.Key?.pk === bankAccountKey(account.id).pk);
    expect(consent).toMatchObject({
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#consent': 'enduringPaymentConsentAuthorized' },
      ExpressionAttributeValues: { ':true': true, ':updatedBy': OWNER_CRN },
    });
  });
});

describe('authorize: the provider refuses', () => {
  it.each(['invalid_grant', 'access_denied'])(
    '%s → 403 AUTHORIZATION_FAILED and the intent fails',
    async (error) => {
      const stored = storeIntent(intent());
      h.quartz.token = FakeQuartz.rejected(error);

      const { statusCode, body } = await authorize();

      expect(statusCode).toBe(403);
      expect(body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'AUTHORIZATION_FAILED' });
      expect(stored.current()).toMatchObject({ status: 'failed', failureReason: error });
      expect(puts()).toHaveLength(0);
    },
  );

  it('fails the intent when the provider refuses the access token for the accounts', async () => {
    const stored = storeIntent(intent());
    h.quartz.accounts = () =>
      new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });

    const { statusCode, body } = await authorize();

    expect(statusCode).toBe(403);
    expect(body.message).toBe('AUTHORIZATION_FAILED');
    expect(stored.current()).toMatchObject({ status: 'failed', failureReason: 'invalid_token' });
  });
});

describe('authorize: the provider is unavailable', () => {
  it.each([
    ['answers 5xx', FakeQuartz.outage(), { cause: 'http', status: 503 }],
    ['cannot be reached', FakeQuartz.refused(), { cause: 'refused', code: 'ECONNREFUSED' }],
    [
      'answers a temporarily_unavailable error',
      FakeQuartz.rejected('temporarily_unavailable'),
      { cause: 'http', status: 400, oauthError: 'temporarily_unavailable' },
    ],
  ])(
    'when the token endpoint %s: 502, the claim is released, the intent stays created and the cause is logged',
    async (_case, answer, cause) => {
      const stored = storeIntent(intent());
      h.quartz.token = answer;
      const logs = captureLogs();

      const { statusCode, headers, body } = await authorize();
      logs.restore();

      expect(statusCode).toBe(502);
      expect(headers['retry-after']).toBe('5');
      expect(body).toMatchObject({ statusCode: 502, error: 'Bad Gateway', message: 'PROVIDER_UNAVAILABLE' });
      expect(stored.current()).toMatchObject({ status: 'created' });
      expect(stored.current()).not.toHaveProperty('claim');
      expect(logs.lines()).toContainEqual(
        expect.objectContaining({ message: 'bank request failed', operation: 'token', ...cause }),
      );
      expect(logs.text()).not.toContain(CODE);
    },
  );

  it('when the token request was sent and timed out: 504 PROVIDER_TIMEOUT, retryable, the intent stays created', async () => {
    const stored = storeIntent(intent());
    h.quartz.token = FakeQuartz.timeout();

    const { statusCode, headers, body } = await authorize();

    expect(statusCode).toBe(504);
    expect(headers['retry-after']).toBe('5');
    expect(body).toMatchObject({ statusCode: 504, error: 'Gateway Timeout', message: 'PROVIDER_TIMEOUT' });
    expect(body.reason).toMatch(/unless the bank already used the code/);
    expect(stored.current()).toMatchObject({ status: 'created' });
    expect(stored.current()).not.toHaveProperty('claim');
  });

  it('when the bank answers a token response that cannot be read: 502 PROVIDER_ERROR, outcome unknown', async () => {
    const stored = storeIntent(intent());
    h.quartz.token = () => Promise.resolve(new Response('{"token_type":"Bearer"}', { status: 200 }));

    const { statusCode, body } = await authorize();

    expect(statusCode).toBe(502);
    expect(body).toMatchObject({ message: 'PROVIDER_ERROR' });
    expect(stored.current()).toMatchObject({ status: 'created' });
  });

  it('can be retried with the same code after an outage', async () => {
    const stored = storeIntent(intent());
    h.quartz.token = FakeQuartz.outage();
    await authorize();
    h.quartz.token = new FakeQuartz().token;

    const { statusCode } = await authorize();

    expect(statusCode).toBe(200);
    expect(stored.current()).toMatchObject({ status: 'authorized' });
  });

  it('continues from the saved grant when the accounts could not be read, without redeeming again', async () => {
    const stored = storeIntent(intent());
    h.quartz.accounts = FakeQuartz.outage();
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect((await authorize()).statusCode).toBe(502);
    expect(stored.current()).toMatchObject({ status: 'created', grant: { accessToken: 'access-token-1' } });
    h.quartz.accounts = new FakeQuartz().accounts;

    const { statusCode } = await authorize();

    expect(statusCode).toBe(200);
    expect(h.quartz.requestsTo('/token')).toHaveLength(1);
    expect(stored.current()).toMatchObject({ status: 'authorized' });
  });
});

describe('authorize: crash recovery and races', () => {
  it('resumes from a grant left by a call that died, without calling the provider', async () => {
    const stored = storeIntent(
      intent({
        claim: {
          id: 'dead-claim',
          codeHash: sha256Hex(CODE),
          expiresAt: Date.parse('2022-03-31T02:00:00.000Z'),
        },
        grant: {
          codeHash: sha256Hex(CODE),
          accounts: [{ id: 'qa-9', accountNumber: '12-3456-7890123-09', accountName: 'Bills' }],
        },
      }),
    );

    const { statusCode } = await authorize();

    expect(statusCode).toBe(200);
    expect(h.quartz.requests).toHaveLength(0);
    expect(
      puts()
        .filter((item) => item.entity === 'bank-account')
        .map((item) => item.accountNumber),
    ).toEqual(['12-3456-7890123-09']);
    expect(stored.current()).toMatchObject({ status: 'authorized' });
  });

  it('finishes a grant saved for another code, then answers ALREADY_AUTHORIZED', async () => {
    const firstCode = 'the-code-that-was-redeemed';
    const stored = storeIntent(
      intent({
        claim: {
          id: 'dead-claim',
          codeHash: sha256Hex(firstCode),
          expiresAt: Date.parse('2022-03-31T02:00:00.000Z'),
        },
        grant: {
          codeHash: sha256Hex(firstCode),
          accounts: [{ id: 'qa-9', accountNumber: '12-3456-7890123-09', accountName: 'Bills' }],
        },
      }),
    );

    const { statusCode, body } = await authorize();

    expect(statusCode).toBe(403);
    expect(body.message).toBe('ALREADY_AUTHORIZED');
    expect(h.quartz.requests).toHaveLength(0);
    expect(stored.current()).toMatchObject({
      status: 'authorized',
      authorizedCodeHash: sha256Hex(firstCode),
    });
    expect(puts().filter((item) => item.entity === 'bank-account')).toHaveLength(1);
  });

  it('a caller that loses the claim answers the winner outcome and never redeems', async () => {
    const created = intent();
    const authorized = intent({ status: 'authorized', authorizedCodeHash: sha256Hex(CODE) });
    dynamo
      .on(GetCommand, { Key: intentKey(INTENT_ID) })
      .resolvesOnce({ Item: { ...intentKey(INTENT_ID), ...created } })
      .resolves({ Item: { ...intentKey(INTENT_ID), ...authorized } });
    dynamo.on(UpdateCommand, { Key: intentKey(INTENT_ID) }).rejects(conditionFailed());

    const { statusCode, body } = await authorize();

    expect(statusCode).toBe(200);
    expect(body).toEqual({});
    expect(h.quartz.requestsTo('/token')).toHaveLength(0);
  });

  it('answers a retryable 503 when another call keeps the intent claimed', async () => {
    const live = {
      id: 'other',
      codeHash: sha256Hex(CODE),
      expiresAt: Date.parse('2030-01-01T00:00:00.000Z'),
    };
    storeIntent(intent({ claim: live }));

    const { statusCode, body, headers } = await authorize();

    expect(statusCode).toBe(503);
    expect(body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'AUTHORIZATION_IN_PROGRESS',
    });
    expect(headers['retry-after']).toBe('1');
    expect(h.quartz.requests).toHaveLength(0);
    expect(updates()).toHaveLength(0);
  });
});

describe('authorize: grants that cannot be used', () => {
  it('fails the intent when the grant lacks the scope the intent needs', async () => {
    const stored = storeIntent(intent());
    h.quartz.token = () =>
      Response.json({ access_token: 'at', token_type: 'Bearer', scope: 'openid payments' }, { status: 200 });

    const { statusCode, body } = await authorize();

    expect(statusCode).toBe(403);
    expect(body.message).toBe('AUTHORIZATION_FAILED');
    expect(stored.current()).toMatchObject({ status: 'failed', failureReason: 'insufficient_scope' });
    expect(h.quartz.requestsTo('/accounts')).toHaveLength(0);
  });

  it('fails the intent when the accounts resource refuses the token for its scope', async () => {
    const stored = storeIntent(intent());
    h.quartz.accounts = () =>
      new Response(null, {
        status: 403,
        headers: { 'www-authenticate': 'Bearer error="insufficient_scope"' },
      });

    const { statusCode } = await authorize();

    expect(statusCode).toBe(403);
    expect(stored.current()).toMatchObject({ status: 'failed', failureReason: 'insufficient_scope' });
    expect(stored.current()).not.toHaveProperty('grant');
  });

  it('keeps no access token at rest for a payment consent', async () => {
    storeIntent(intent({ type: 'quartz-payment', bankAccountId: bankAccount().id }));

    await authorize();

    const grant = updates().find((input) => input.UpdateExpression?.startsWith('SET #grant = :grant'));
    expect(grant?.ExpressionAttributeValues?.[':grant']).toEqual({ codeHash: codeHash(CODE) });
  });
});

describe('authorize: the accounts resource answers without a challenge', () => {
  it.each([
    [401, 'invalid_token'],
    [403, 'insufficient_scope'],
  ])('%i fails the intent (%s)', async (status, reason) => {
    const stored = storeIntent(intent());
    h.quartz.accounts = () => new Response(null, { status });

    const { statusCode } = await authorize();

    expect(statusCode).toBe(403);
    expect(stored.current()).toMatchObject({ status: 'failed', failureReason: reason });
  });

  it.each([408, 429, 404, 500])('%i keeps the intent retryable with its saved grant', async (status) => {
    const stored = storeIntent(intent());
    h.quartz.accounts = () => new Response(null, { status });

    const { statusCode, headers } = await authorize();

    expect(statusCode).toBe(502);
    expect(headers['retry-after']).toBe('5');
    expect(stored.current()).toMatchObject({ status: 'created', grant: { accessToken: 'access-token-1' } });
  });
});

describe('authorize: rate limit', () => {
  it('counts against its own budget, apart from create', async () => {
    storeIntent(intent());

    await authorize();

    const counters = dynamo
      .commandCalls(UpdateCommand)
      .map((call) => String(call.args[0].input.Key?.pk))
      .filter((pk) => pk.startsWith('RATE_LIMIT#'));
    expect(counters).toEqual([`RATE_LIMIT#${ACCOUNT_ID}#authorize-intent`]);
  });
});

describe('authorize: final states', () => {
  it('answers {} again for the same code once authorized, doing nothing twice', async () => {
    storeIntent(intent({ status: 'authorized', authorizedCodeHash: sha256Hex(CODE) }));

    const { statusCode, body } = await authorize();

    expect(statusCode).toBe(200);
    expect(body).toEqual({});
    expect(h.quartz.requests).toHaveLength(0);
    expect(updates()).toHaveLength(0);
    expect(puts()).toHaveLength(0);
  });

  it('answers ALREADY_AUTHORIZED for another code', async () => {
    storeIntent(intent({ status: 'authorized', authorizedCodeHash: sha256Hex('the-first-code') }));

    const { statusCode, body } = await authorize();

    expect(statusCode).toBe(403);
    expect(body).toMatchObject({ message: 'ALREADY_AUTHORIZED' });
  });

  it('answers AUTHORIZATION_FAILED for a failed intent, whatever the code', async () => {
    storeIntent(intent({ status: 'failed', failureReason: 'invalid_grant' }));

    const { statusCode, body } = await authorize();

    expect(statusCode).toBe(403);
    expect(body).toMatchObject({ message: 'AUTHORIZATION_FAILED' });
    expect(h.quartz.requests).toHaveLength(0);
  });
});

describe('authorize: who may call, and bad input', () => {
  it('answers 403 Forbidden for a missing intent', async () => {
    const { statusCode, body } = await authorize(undefined, undefined, 'Missing111111111111111');

    expect(statusCode).toBe(403);
    expect(body).toMatchObject(forbidden);
  });

  it('answers 403 Forbidden for an id this service never issues, without a lookup', async () => {
    const { statusCode, body } = await authorize(undefined, undefined, 'x'.repeat(3_000));

    expect(statusCode).toBe(403);
    expect(body).toMatchObject(forbidden);
    expect(
      dynamo.commandCalls(GetCommand).filter((call) => call.args[0].input.Key?.sk === 'INTENT'),
    ).toHaveLength(0);
  });

  it("answers 403 Forbidden for another account's intent and changes nothing", async () => {
    storeIntent(intent({ accountId: OTHER_ACCOUNT_ID }));

    const { statusCode, body } = await authorize();

    expect(statusCode).toBe(403);
    expect(body).toMatchObject(forbidden);
    expect(updates()).toHaveLength(0);
  });

  it('forbids a merchant-terminal key', async () => {
    storeIntent(intent());

    const { statusCode } = await authorize(undefined, { 'X-Api-Key': TERMINAL_SECRET });

    expect(statusCode).toBe(403);
    expect(updates()).toHaveLength(0);
  });

  it.each([
    [{}, 'Missing authentication'],
    [{ 'X-Api-Key': 'nope' }, 'Invalid authentication'],
  ])('answers 401 for headers %j', async (headers, message) => {
    const { statusCode, body } = await authorize(undefined, headers);

    expect(statusCode).toBe(401);
    expect(body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message });
  });

  it.each([
    [{}, 'code is required'],
    [{ code: 7 }, 'code must be a string'],
    [{ code: '' }, 'code must not be empty'],
    [{ code: CODE, state: 'x' }, 'state does not match this intent'],
    [{ code: CODE, iss: 'https://elsewhere.example.com' }, 'iss is not the issuer this intent was sent to'],
    [{ code: CODE, nonce: 'x' }, 'nonce is not allowed'],
  ])('answers 400 for %j: %s', async (requestBody, message) => {
    storeIntent(intent());

    const { statusCode, body } = await authorize(requestBody);

    expect(statusCode).toBe(400);
    expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message, requestId: 'req-123' });
    expect(updates()).toHaveLength(0);
  });
});
