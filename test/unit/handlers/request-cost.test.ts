import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { buildHandler } from '../../../functions/create/handler';
import { RATE_LIMIT_BATCH } from '../../../functions/shared/domain/rate-limit';
import { KEY_PREFIXES } from '../../../functions/shared/repository/table-keys';
import { API_KEY_CACHE_BUDGET } from '../../../functions/shared/time-budget';
import { ACCOUNT_ID, apiEvent, OWNER_SECRET, parse } from '../../support/fixtures';
import { dynamo, type Harness, harness } from '../../support/handler-harness';

const PATH = '/api/bank-account-connection-intents';
const SEED_BODY = { accountId: ACCOUNT_ID, type: 'quartz-accounts', test: true };

let h: Harness;
beforeEach(() => {
  h = harness(buildHandler);
  dynamo.on(PutCommand).resolves({});
});

const create = async (body: unknown, secret = OWNER_SECRET) =>
  parse(await h.invoke(apiEvent({ path: PATH, body, headers: { 'X-Api-Key': secret } })));

/** The DynamoDB calls since `dynamo` was last reset, by what they are for. */
function calls() {
  const counterKeys = dynamo
    .commandCalls(UpdateCommand)
    .map((call) => String(call.args[0].input.Key?.pk))
    .filter((pk) => pk.startsWith(KEY_PREFIXES.rateLimit));
  const keyReads = dynamo
    .commandCalls(GetCommand)
    .map((call) => String(call.args[0].input.Key?.pk))
    .filter((pk) => pk.startsWith(KEY_PREFIXES.apiKey));
  return { apiKeyReads: keyReads.length, counterWrites: counterKeys.length, all: dynamo.calls().length };
}

/**
 * What the shared chain costs a warm container: before the caches, every request read its key and
 * wrote the counter (3 calls for a create: those two and its own put).
 */
describe('DynamoDB calls per request of a warm container', () => {
  it('costs a warm authenticated create its own put and a tenth of a counter write', async () => {
    await create(SEED_BODY);
    dynamo.resetHistory();

    for (let i = 0; i < 100; i++) expect((await create(SEED_BODY)).statusCode).toBe(200);

    const { apiKeyReads, counterWrites, all } = calls();
    expect(apiKeyReads).toBe(0);
    expect(counterWrites).toBe(100 / RATE_LIMIT_BATCH);
    expect(all / 100).toBe(1 + 1 / RATE_LIMIT_BATCH);
  });

  it('reads the key again once the revocation bound has passed', async () => {
    await create(SEED_BODY);
    dynamo.resetHistory();

    await h.clock.sleep(API_KEY_CACHE_BUDGET.revocationBoundMs + 1);
    await create(SEED_BODY);

    expect(calls().apiKeyReads).toBe(1);
  });

  it('costs a 400 of a warm container no key read and a tenth of a counter write', async () => {
    await create(SEED_BODY);
    dynamo.resetHistory();

    for (let i = 0; i < 100; i++) expect((await create({ accountId: ACCOUNT_ID })).statusCode).toBe(400);

    expect(calls()).toEqual({
      apiKeyReads: 0,
      counterWrites: 100 / RATE_LIMIT_BATCH,
      all: 100 / RATE_LIMIT_BATCH,
    });
  });

  it('costs a repeated unknown key one read per container until it is forgotten', async () => {
    for (let i = 0; i < 100; i++) expect((await create(SEED_BODY, 'no-such-key')).statusCode).toBe(401);

    expect(calls()).toEqual({ apiKeyReads: 1, counterWrites: 0, all: 1 });
  });
});
