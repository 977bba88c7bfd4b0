import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildHandler } from '../../../functions/create/handler';
import { ID_PATTERN } from '../../../functions/shared/domain/ids';
import { RATE_LIMIT_BATCH } from '../../../functions/shared/domain/rate-limit';
import { intentFromItem } from '../../../functions/shared/repository/intent-item';
import { FakeQuartz } from '../../support/fake-quartz';
import {
  ACCOUNT_ID,
  apiEvent,
  bankAccount,
  DISABLED_SECRET,
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

const PATH = '/api/bank-account-connection-intents';
const SEED_BODY = { accountId: ACCOUNT_ID, type: 'quartz-accounts', test: true };

let h: Harness;
beforeEach(() => {
  h = harness(buildHandler);
  dynamo.on(PutCommand).resolves({});
});

const create = async (body: unknown, headers: Record<string, string> = { 'X-Api-Key': OWNER_SECRET }) =>
  parse(await h.invoke(apiEvent({ path: PATH, body, headers })));

const storedIntents = () =>
  dynamo.commandCalls(PutCommand).map((call) => call.args[0].input.Item as Record<string, unknown>);

describe('create: success', () => {
  it('answers exactly the seed fields for the seed example body', async () => {
    const { statusCode, body, headers } = await create(SEED_BODY);

    expect(statusCode).toBe(200);
    expect(Object.keys(body).sort()).toEqual(
      [
        'accountId',
        'authorizationUrl',
        'createdAt',
        'createdBy',
        'id',
        'status',
        'test',
        'type',
        'updatedAt',
        'updatedBy',
      ].sort(),
    );
    expect(body).toMatchObject({
      accountId: ACCOUNT_ID,
      type: 'quartz-accounts',
      status: 'created',
      createdAt: '2022-03-31T02:56:29.713Z',
      createdBy: OWNER_CRN,
      updatedAt: '2022-03-31T02:56:29.713Z',
      updatedBy: OWNER_CRN,
      test: true,
    });
    expect(body.id).toMatch(ID_PATTERN);
    expect(headers['x-request-id']).toBe('req-123');
    expect(headers['cache-control']).toBe('no-store');
  });

  it('builds the authorization URL on the test issuer with state and PKCE S256', async () => {
    const { body } = await create(SEED_BODY);

    const url = new URL(String(body.authorizationUrl));
    expect(url.origin + url.pathname).toBe(`${TEST_ISSUER}/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'test-client',
      redirect_uri: 'https://app.example.com/test-callback',
      scope: 'openid accounts',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [item] = storedIntents();
    // The state is stored once, in the (deflated) URL: read the item as the repository does.
    const oauth = intentFromItem(item ?? {}).oauth as { state: string; codeVerifier: string };
    expect(url.searchParams.get('state')).toBe(oauth.state);
    expect(oauth.state.startsWith(`${body.id}.`)).toBe(true);
    expect(String(body.authorizationUrl)).not.toContain(oauth.codeVerifier);
  });

  it('stores the intent with a conditional put and keeps internals out of the answer', async () => {
    const { body } = await create(SEED_BODY);

    const put = dynamo.commandCalls(PutCommand)[0]?.args[0].input;
    expect(put).toMatchObject({
      TableName: 'intents-test',
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: { pk: `INTENT#${body.id}`, sk: 'INTENT', status: 'created', test: true },
    });
    const { codeVerifier } = (storedIntents()[0]?.oauth ?? {}) as { codeVerifier?: string };
    expect(codeVerifier).toEqual(expect.any(String));
    expect(JSON.stringify(body)).not.toContain(String(codeVerifier));
    expect(body).not.toHaveProperty('oauth');
    expect(body).not.toHaveProperty('pk');
  });

  it('stores when the intent stops being authorizable (an hour on), in the expiry index, and never answers it', async () => {
    const { body } = await create(SEED_BODY);

    const [stored] = storedIntents();
    expect(stored).toMatchObject({
      // The creation time is stored once, in the account-timeline index's sort key.
      gsi1sk: `INTENT#2022-03-31T02:56:29.713Z#${body.id}`,
      expiresAt: '2022-03-31T03:56:29.713Z',
      gsi2pk: expect.stringMatching(/^EXPIRING#[0-3]$/),
      gsi2sk: `2022-03-31T03:56:29.713Z#${body.id}`,
    });
    expect(JSON.stringify(body)).not.toMatch(/expiresAt|03:56|gsi2|EXPIRING/);
  });

  it('uses the live issuer and leaves test out when test is false or absent', async () => {
    for (const requestBody of [
      { accountId: ACCOUNT_ID, type: 'quartz-accounts', test: false },
      { accountId: ACCOUNT_ID, type: 'quartz-accounts' },
    ]) {
      const { statusCode, body } = await create(requestBody);

      expect(statusCode).toBe(200);
      expect(body).not.toHaveProperty('test');
      expect(String(body.authorizationUrl).startsWith(`${LIVE_ISSUER}/auth?`)).toBe(true);
    }
  });

  it('creates a payment intent for a bank account of the same liveness, naming it to the provider', async () => {
    const account = bankAccount({ test: true, providerAccountId: 'qa-1' });
    storeBankAccount(account);

    const { statusCode, body } = await create({
      accountId: ACCOUNT_ID,
      type: 'quartz-payment',
      bankAccountId: account.id,
      test: true,
    });

    expect(statusCode).toBe(200);
    expect(body).toMatchObject({ type: 'quartz-payment', bankAccountId: account.id, test: true });
    const url = new URL(String(body.authorizationUrl));
    expect(url.searchParams.get('scope')).toBe('openid payments');
    expect(JSON.parse(url.searchParams.get('authorization_details') ?? 'null')).toEqual([
      {
        type: 'enduring_payment_consent',
        account_number: account.accountNumber,
        account_id: 'qa-1',
        period: 'daily',
      },
    ]);
  });
});

describe('create: 400 names the field and stores nothing', () => {
  it.each([
    [{ type: 'quartz-accounts' }, 'accountId is required'],
    [{ accountId: ACCOUNT_ID }, 'type is required'],
    [
      { accountId: ACCOUNT_ID, type: 'quartz-other' },
      'type must be one of: quartz-accounts, quartz-payment, account-information-consent, enduring-payment-consent',
    ],
    [{ accountId: 42, type: 'quartz-accounts' }, 'accountId must be a string'],
    [{ accountId: '', type: 'quartz-accounts' }, 'accountId must not be empty'],
    [{ accountId: ACCOUNT_ID, type: 'quartz-accounts', test: 'yes' }, 'test must be a boolean'],
    [{ accountId: ACCOUNT_ID, type: 'quartz-accounts', colour: 'red' }, 'colour is not allowed'],
    [
      { accountId: ACCOUNT_ID, type: 'quartz-accounts', ['k'.repeat(5_000)]: 1 },
      `${'k'.repeat(64)}… is not allowed`,
    ],
    [
      { accountId: ACCOUNT_ID, type: 'quartz-payment' },
      'bankAccountId is required when type is quartz-payment',
    ],
    [
      { accountId: ACCOUNT_ID, type: 'quartz-accounts', bankAccountId: 'Bnk1111111111111111111' },
      'bankAccountId is not allowed when type is quartz-accounts',
    ],
    [[], 'body must be an object'],
  ])('%j → %s', async (requestBody, message) => {
    const { statusCode, body } = await create(requestBody);

    expect(statusCode).toBe(400);
    expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message, requestId: 'req-123' });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('rejects a body that is not JSON', async () => {
    const response = parse(
      await h.invoke(
        apiEvent({ path: PATH, rawBody: '{"accountId":', headers: { 'X-Api-Key': OWNER_SECRET } }),
      ),
    );

    expect(response.statusCode).toBe(400);
    expect(response.body.message).toBe('body must be valid JSON');
  });

  it('rejects a body sent with another content type', async () => {
    const response = parse(
      await h.invoke(
        apiEvent({
          path: PATH,
          body: SEED_BODY,
          headers: { 'X-Api-Key': OWNER_SECRET, 'Content-Type': 'text/plain' },
        }),
      ),
    );

    expect(response.statusCode).toBe(400);
    expect(response.body.message).toBe('Content-Type must be application/json');
  });
});

describe('create: authentication and permission', () => {
  it.each([
    [{}, 'Missing authentication'],
    [{ 'X-Api-Key': 'no-such-key' }, 'Invalid authentication'],
    [{ 'X-Api-Key': DISABLED_SECRET }, 'Invalid authentication'],
  ])('401 for headers %j', async (headers, message) => {
    const { statusCode, body } = await create(SEED_BODY, headers);

    expect(statusCode).toBe(401);
    expect(body).toEqual({ statusCode: 401, error: 'Unauthorized', message, requestId: 'req-123' });
  });

  it('answers 401 before looking at a malformed body', async () => {
    const response = parse(await h.invoke(apiEvent({ path: PATH, rawBody: 'not json' })));

    expect(response.statusCode).toBe(401);
  });

  it('forbids a merchant-terminal key', async () => {
    const { statusCode, body } = await create(SEED_BODY, { 'X-Api-Key': TERMINAL_SECRET });

    expect(statusCode).toBe(403);
    expect(body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'Forbidden' });
  });

  it('forbids creating an intent for another account', async () => {
    const { statusCode, body } = await create({ ...SEED_BODY, accountId: OTHER_ACCOUNT_ID });

    expect(statusCode).toBe(403);
    expect(body.message).toBe('Forbidden');
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('create: payment bank account rules', () => {
  it('forbids a bank account that does not exist', async () => {
    const { statusCode, body } = await create({
      accountId: ACCOUNT_ID,
      type: 'quartz-payment',
      bankAccountId: 'Missing111111111111111',
    });

    expect(statusCode).toBe(403);
    expect(body.message).toBe('Forbidden');
  });

  it('forbids a bank account id this service never issues, without a lookup', async () => {
    const { statusCode, body } = await create({
      accountId: ACCOUNT_ID,
      type: 'quartz-payment',
      bankAccountId: 'not-an-id-of-ours-0OIl',
    });

    expect(statusCode).toBe(403);
    expect(body.message).toBe('Forbidden');
    expect(
      dynamo.commandCalls(GetCommand).filter((call) => call.args[0].input.Key?.sk === 'BANK_ACCOUNT'),
    ).toHaveLength(0);
  });

  it('answers 400 for an overlong bank account id', async () => {
    const { statusCode, body } = await create({
      accountId: ACCOUNT_ID,
      type: 'quartz-payment',
      bankAccountId: 'x'.repeat(3_000),
    });

    expect(statusCode).toBe(400);
    expect(body.message).toBe('bankAccountId is too long');
  });

  it("forbids another account's bank account", async () => {
    const account = bankAccount({ accountId: OTHER_ACCOUNT_ID });
    storeBankAccount(account);

    const { statusCode, body } = await create({
      accountId: ACCOUNT_ID,
      type: 'quartz-payment',
      bankAccountId: account.id,
    });

    expect(statusCode).toBe(403);
    expect(body.message).toBe('Forbidden');
  });

  it.each([
    ['a test intent with a live bank account', { test: true }, {}],
    ['a live intent with a test bank account', {}, { test: true }],
  ])('answers LIVENESS_MISMATCH for %s', async (_case, intentFlags, accountFlags) => {
    const account = bankAccount(accountFlags);
    storeBankAccount(account);

    const { statusCode, body } = await create({
      accountId: ACCOUNT_ID,
      type: 'quartz-payment',
      bankAccountId: account.id,
      ...intentFlags,
    });

    expect(statusCode).toBe(403);
    expect(body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'LIVENESS_MISMATCH' });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('create: dependency failures', () => {
  it('answers 502 and stores nothing when the provider cannot be discovered', async () => {
    h.quartz.discovery = FakeQuartz.outage();

    const { statusCode, body } = await create(SEED_BODY);

    expect(statusCode).toBe(502);
    expect(body).toMatchObject({ statusCode: 502, error: 'Bad Gateway', message: 'PROVIDER_UNAVAILABLE' });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('caches discovery per process but retries it after a failure', async () => {
    h.quartz.discovery = FakeQuartz.outage();
    await create(SEED_BODY);
    h.quartz.discovery = () => new Response('{}');

    await create(SEED_BODY);
    await create(SEED_BODY);

    expect(h.quartz.requestsTo('/.well-known/openid-configuration')).toHaveLength(2);
  });

  it('answers a 500 that leaks nothing when DynamoDB fails', async () => {
    dynamo.on(PutCommand).rejects(new Error('ProvisionedThroughputExceeded: secret internals'));
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);

    const { statusCode, body } = await create(SEED_BODY);

    expect(statusCode).toBe(500);
    expect(body).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'Internal Server Error',
      requestId: 'req-123',
    });
    spy.mockRestore();
  });
});

describe('create: rate limit', () => {
  it('takes a batch of the account tokens for the current minute with one write', async () => {
    await create(SEED_BODY);

    expect(rateLimitCounters()).toEqual([
      expect.objectContaining({
        Key: {
          pk: `RATE_LIMIT#${ACCOUNT_ID}#create-intent`,
          sk: `WINDOW#${Date.parse('2022-03-31T02:56:00.000Z')}`,
        },
        UpdateExpression: 'ADD #count :count SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        // Kept an hour past the window, then DynamoDB's time to live removes it.
        ExpressionAttributeValues: {
          ':count': RATE_LIMIT_BATCH,
          ':limit': 200,
          ':ttl': Date.parse('2022-03-31T02:56:00.000Z') / 1_000 + 3_600,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    ]);
  });

  it('spends the rest of the batch without writing, then takes the next batch', async () => {
    for (let i = 0; i < RATE_LIMIT_BATCH + 1; i++) expect((await create(SEED_BODY)).statusCode).toBe(200);

    expect(rateLimitCounters()).toHaveLength(2);
  });

  it('answers 429 RATE_LIMIT_EXCEEDED with Retry-After once the minute is full, creating nothing', async () => {
    dynamo
      .on(UpdateCommand, { Key: { pk: `RATE_LIMIT#${ACCOUNT_ID}#create-intent` } })
      .rejects(conditionFailed());

    const { statusCode, body, headers } = await create(SEED_BODY);

    expect(statusCode).toBe(429);
    expect(body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'RATE_LIMIT_EXCEEDED',
    });
    // The clock stands at 02:56:29.713: the window ends 30.287 s later.
    expect(headers['retry-after']).toBe('31');
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('spends no budget on a key whose role may not create intents', async () => {
    const { statusCode } = await create(SEED_BODY, { 'X-Api-Key': TERMINAL_SECRET });

    expect(statusCode).toBe(403);
    expect(rateLimitCounters()).toHaveLength(0);
  });

  it('lets the request through when the counter cannot be written', async () => {
    dynamo
      .on(UpdateCommand, { Key: { pk: `RATE_LIMIT#${ACCOUNT_ID}#create-intent` } })
      .rejects(new Error('Throttling'));

    const { statusCode } = await create(SEED_BODY);

    expect(statusCode).toBe(200);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
  });
});

const rateLimitCounters = () =>
  dynamo
    .commandCalls(UpdateCommand)
    .map((call) => call.args[0].input)
    .filter((input) => String(input.Key?.pk).startsWith('RATE_LIMIT#'));
