import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { buildHandler as getBankAccount } from '../../../functions/get-bank-account/handler';
import { buildHandler as getIntent } from '../../../functions/get-intent/handler';
import { buildHandler as listBankAccounts } from '../../../functions/list-bank-accounts/handler';
import { buildHandler as listIntents } from '../../../functions/list-intents/handler';
import type { ApiHandlerOptions } from '../../../functions/shared/http/api-handler';
import type { ProxyHandler } from '../../../functions/shared/http/time-budget-wrapper';
import {
  ACCOUNT_ID,
  bankAccount,
  DISABLED_SECRET,
  getEvent,
  intent,
  OWNER_SECRET,
  parse,
  TERMINAL_SECRET,
} from '../../support/fixtures';
import { dynamo, type Harness, harness, storeBankAccount } from '../../support/handler-harness';
import { conditionFailed } from '../../support/mocked-table';
import { storeIntent } from '../../support/stored-intent';

/** What every read operation shares: authentication, its own rate-limit budget, no body, a strict query. */
interface ReadRoute {
  budget: string;
  build: (options?: ApiHandlerOptions) => ProxyHandler;
  path: string;
  pathParameters: Record<string, string>;
  /** Stores what the operation reads, so that it answers 200. */
  arrange: () => void;
}

const STORED_INTENT = intent();
const STORED_BANK_ACCOUNT = bankAccount();

const ROUTES: [string, ReadRoute][] = [
  [
    'get intent',
    {
      budget: 'get-intent',
      build: getIntent,
      path: `/api/bank-account-connection-intents/${STORED_INTENT.id}`,
      pathParameters: { bankAccountConnectionIntentId: STORED_INTENT.id },
      arrange: () => storeIntent(STORED_INTENT),
    },
  ],
  [
    'list intents',
    {
      budget: 'list-intents',
      build: listIntents,
      path: `/api/accounts/${ACCOUNT_ID}/bank-account-connection-intents`,
      pathParameters: { accountId: ACCOUNT_ID },
      arrange: () => dynamo.on(QueryCommand).resolves({ Items: [] }),
    },
  ],
  [
    'get bank account',
    {
      budget: 'get-bank-account',
      build: getBankAccount,
      path: `/api/bank-accounts/${STORED_BANK_ACCOUNT.id}`,
      pathParameters: { bankAccountId: STORED_BANK_ACCOUNT.id },
      arrange: () => storeBankAccount(STORED_BANK_ACCOUNT),
    },
  ],
  [
    'list bank accounts',
    {
      budget: 'list-bank-accounts',
      build: listBankAccounts,
      path: `/api/accounts/${ACCOUNT_ID}/bank-accounts`,
      pathParameters: { accountId: ACCOUNT_ID },
      arrange: () => dynamo.on(QueryCommand).resolves({ Items: [] }),
    },
  ],
];

describe.each(ROUTES)('%s', (_name, route) => {
  let h: Harness;
  beforeEach(() => {
    h = harness(route.build);
    route.arrange();
  });

  const call = async (
    overrides: Partial<Parameters<typeof getEvent>[0]> = {},
    adjust: (event: APIGatewayProxyEvent) => APIGatewayProxyEvent = (event) => event,
  ) =>
    parse(
      await h.invoke(
        adjust(
          getEvent({
            path: route.path,
            pathParameters: route.pathParameters,
            headers: { 'X-Api-Key': OWNER_SECRET },
            ...overrides,
          }),
        ),
      ),
    );

  const rateLimitCounters = () =>
    dynamo
      .commandCalls(UpdateCommand)
      .map((command) => command.args[0].input)
      .filter((input) => String(input.Key?.pk).startsWith('RATE_LIMIT#'));

  it('answers 200 JSON, not cacheable, with the request id, for a GET without body or content type', async () => {
    const { statusCode, headers } = await call();

    expect(statusCode).toBe(200);
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'x-request-id': 'req-123',
    });
  });

  it('counts the request against its own budget of the account', async () => {
    await call();

    expect(rateLimitCounters().map((input) => input.Key?.pk)).toEqual([
      `RATE_LIMIT#${ACCOUNT_ID}#${route.budget}`,
    ]);
  });

  it('answers 429 RATE_LIMIT_EXCEEDED with Retry-After once its minute is full, reading nothing', async () => {
    dynamo
      .on(UpdateCommand, { Key: { pk: `RATE_LIMIT#${ACCOUNT_ID}#${route.budget}` } })
      .rejects(conditionFailed());

    const { statusCode, body, headers } = await call();

    expect(statusCode).toBe(429);
    expect(body.message).toBe('RATE_LIMIT_EXCEEDED');
    expect(headers['retry-after']).toBe('31');
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it.each([
    [{}, 'Missing authentication'],
    [{ 'X-Api-Key': 'no-such-key' }, 'Invalid authentication'],
    [{ 'X-Api-Key': DISABLED_SECRET }, 'Invalid authentication'],
  ])('answers 401 for headers %j', async (headers, message) => {
    const { statusCode, body } = await call({ headers });

    expect(statusCode).toBe(401);
    expect(body).toEqual({ statusCode: 401, error: 'Unauthorized', message, requestId: 'req-123' });
  });

  it('forbids a merchant-terminal key, spending no budget', async () => {
    const { statusCode, body } = await call({ headers: { 'X-Api-Key': TERMINAL_SECRET } });

    expect(statusCode).toBe(403);
    expect(body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: 'Forbidden' });
    expect(rateLimitCounters()).toHaveLength(0);
  });

  it('refuses a body: a GET takes none', async () => {
    const { statusCode, body } = await call({}, (event) => ({ ...event, body: '{}' }));

    expect(statusCode).toBe(400);
    expect(body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'body is not allowed',
      requestId: 'req-123',
    });
  });

  it('answers 400 naming an unknown query parameter', async () => {
    const { statusCode, body } = await call({ query: { status: ['failed'] } });

    expect(statusCode).toBe(400);
    expect(body.message).toBe('status is not allowed');
  });

  it('answers 400 naming a query parameter given twice', async () => {
    const { statusCode, body } = await call({ query: { status: ['a', 'b'] } });

    expect(statusCode).toBe(400);
    expect(body.message).toBe('status must be given once');
  });

  it('answers 401 before a malformed request is looked at', async () => {
    const { statusCode } = await call({ headers: {}, query: { status: ['a', 'b'] } });

    expect(statusCode).toBe(401);
  });

  it('answers a 5xx that says nothing of a failing table', async () => {
    const throttled = Object.assign(new Error('Throttled: internal detail'), {
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 400 },
    });
    dynamo.on(GetCommand, { Key: { sk: 'INTENT' } }).rejects(throttled);
    dynamo.on(GetCommand, { Key: { sk: 'BANK_ACCOUNT' } }).rejects(throttled);
    dynamo.on(QueryCommand).rejects(throttled);

    const response = await h.invoke(
      getEvent({
        path: route.path,
        pathParameters: route.pathParameters,
        headers: { 'X-Api-Key': OWNER_SECRET },
      }),
    );

    expect(response.statusCode).toBeGreaterThanOrEqual(500);
    expect(response.body).not.toContain('internal detail');
  });
});
