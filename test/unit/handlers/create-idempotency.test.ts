import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildHandler } from '../../../functions/create/handler';
import { requestFingerprint } from '../../../functions/shared/domain/idempotency';
import { ACCOUNT_ID, apiEvent, OWNER_CRN, OWNER_SECRET, parse } from '../../support/fixtures';
import { dynamo, type Harness, harness } from '../../support/handler-harness';

const PATH = '/api/bank-account-connection-intents';
const SEED_BODY = { accountId: ACCOUNT_ID, type: 'quartz-accounts', test: true };
const KEY = 'checkout-7f3a 2026/01/05 ~ #1';
const RECORD_KEY = { pk: `IDEMPOTENCY#${ACCOUNT_ID}`, sk: `KEY#${KEY}` };
const NOW = Date.parse('2022-03-31T02:56:29.713Z');

let h: Harness;
beforeEach(() => {
  h = harness(buildHandler);
  dynamo.on(PutCommand).resolves({});
});

const create = async (body: unknown) =>
  parse(await h.invoke(apiEvent({ path: PATH, body, headers: { 'X-Api-Key': OWNER_SECRET } })));

const idempotencyCalls = () =>
  [
    ...dynamo.commandCalls(GetCommand),
    ...dynamo.commandCalls(PutCommand),
    ...dynamo.commandCalls(UpdateCommand),
  ]
    .map((call) => call.args[0].input as { Key?: Record<string, unknown>; Item?: Record<string, unknown> })
    .filter((input) => String((input.Key ?? input.Item)?.pk).startsWith('IDEMPOTENCY#'));

/** A stored record of SEED_BODY under KEY, as the table returns it. */
const storedRecord = (fields: Record<string, unknown>) => ({
  ...RECORD_KEY,
  entity: 'idempotency-record',
  accountId: ACCOUNT_ID,
  key: KEY,
  requestHash: requestFingerprint(SEED_BODY),
  intentId: 'Saved11111111111111111',
  createdAt: '2022-03-31T02:56:00.000Z',
  ttl: Math.floor(NOW / 1_000) + 86_400,
  ...fields,
});

describe('create: the idempotencyKey field', () => {
  it.each([
    ['', 'idempotencyKey must not be empty'],
    ['k'.repeat(256), 'idempotencyKey is too long'],
    ['café', 'idempotencyKey must be 1 to 255 characters of printable ASCII'],
    ['line\nbreak', 'idempotencyKey must be 1 to 255 characters of printable ASCII'],
    ['tab\there', 'idempotencyKey must be 1 to 255 characters of printable ASCII'],
    [42, 'idempotencyKey must be a string'],
    [null, 'idempotencyKey must be a string'],
  ])('%j → 400 %s, before any record is read', async (idempotencyKey, message) => {
    const { statusCode, body } = await create({ ...SEED_BODY, idempotencyKey });

    expect(statusCode).toBe(400);
    expect(body).toEqual({ statusCode: 400, error: 'Bad Request', message, requestId: 'req-123' });
    expect(idempotencyCalls()).toHaveLength(0);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('takes 255 characters of printable ASCII, space and tilde included, and never answers the key', async () => {
    const idempotencyKey = ` ~${'K'.repeat(253)}`;

    const { statusCode, body } = await create({ ...SEED_BODY, idempotencyKey });

    expect(statusCode).toBe(200);
    expect(body).not.toHaveProperty('idempotencyKey');
    expect(JSON.stringify(body)).not.toContain('KKKK');
  });

  it('without a key, create touches no idempotency record', async () => {
    const { statusCode } = await create(SEED_BODY);

    expect(statusCode).toBe(200);
    expect(idempotencyCalls()).toHaveLength(0);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(1);
  });
});

describe('create with an idempotencyKey, on the table', () => {
  it('claims the key, writes the intent under the id bound to it, then saves the answer', async () => {
    const { statusCode, body } = await create({ ...SEED_BODY, idempotencyKey: KEY });

    expect(statusCode).toBe(200);
    const [claim, intent] = dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);
    expect(claim).toMatchObject({
      Item: {
        ...RECORD_KEY,
        status: 'in-progress',
        intentId: body.id,
        requestHash: requestFingerprint(SEED_BODY),
        ttl: Math.floor(NOW / 1_000) + 86_400,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR #status = :released OR #ttl <= :nowSeconds',
    });
    expect(intent).toMatchObject({
      Item: { pk: `INTENT#${body.id}` },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    const complete = dynamo
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input)
      .find((input) => input.Key?.pk === RECORD_KEY.pk);
    expect(complete).toMatchObject({
      UpdateExpression: 'SET #status = :done, #response = :response REMOVE #claim',
      ExpressionAttributeValues: { ':response': body },
    });
  });

  it('answers the saved answer of a done record, creating nothing', async () => {
    const saved = {
      id: 'Saved11111111111111111',
      accountId: ACCOUNT_ID,
      type: 'quartz-accounts',
      status: 'created',
      createdAt: '2022-03-31T02:56:00.000Z',
      createdBy: OWNER_CRN,
      updatedAt: '2022-03-31T02:56:00.000Z',
      updatedBy: OWNER_CRN,
      authorizationUrl: 'https://sandbox.quartz.example.com/auth?state=saved',
      test: true,
    };
    dynamo
      .on(GetCommand, { Key: RECORD_KEY })
      .resolves({ Item: storedRecord({ status: 'done', response: saved }) });

    const { statusCode, body } = await create({ ...SEED_BODY, idempotencyKey: KEY });

    expect(statusCode).toBe(200);
    expect(body).toEqual(saved);
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers 400 naming idempotencyKey when the key was used with another request', async () => {
    dynamo
      .on(GetCommand, { Key: RECORD_KEY })
      .resolves({ Item: storedRecord({ status: 'in-progress', requestHash: 'b'.repeat(64) }) });

    const { statusCode, body } = await create({ ...SEED_BODY, idempotencyKey: KEY });

    expect(statusCode).toBe(400);
    expect(body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'idempotencyKey was already used with another request',
      requestId: 'req-123',
    });
  });

  it('answers a retryable 503 IDEMPOTENT_REQUEST_IN_PROGRESS with Retry-After while the first one runs', async () => {
    dynamo.on(GetCommand, { Key: RECORD_KEY }).resolves({
      Item: storedRecord({ status: 'in-progress', claim: { id: 'running', expiresAt: NOW + 60_000 } }),
    });

    const { statusCode, body, headers } = await create({ ...SEED_BODY, idempotencyKey: KEY });

    expect(statusCode).toBe(503);
    expect(body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'IDEMPOTENT_REQUEST_IN_PROGRESS',
    });
    expect(headers['retry-after']).toBe('1');
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });
});
