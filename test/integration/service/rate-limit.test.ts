import { batchedRateLimits } from '../../../functions/shared/container-caches';
import { systemClock } from '../../../functions/shared/domain/clock';
import { newId } from '../../../functions/shared/domain/ids';
import { issueApiKey } from '../../../functions/shared/domain/manage-api-keys';
import type { RateLimitCounter } from '../../../functions/shared/domain/ports';
import { RATE_LIMIT_BATCH, REQUESTS_PER_MINUTE } from '../../../functions/shared/domain/rate-limit';
import { ApiKeyRepository } from '../../../functions/shared/repository/api-key-repository';
import { RateLimitRepository } from '../../../functions/shared/repository/rate-limit-repository';
import { createDocumentClient } from '../../../functions/shared/services';
import { type ApiAnswer, ServiceClient } from '../../support/service-client';
import { useLocalStack } from '../../support/use-local-stack';

const local = useLocalStack();

const minuteOf = (time: number) => Math.floor(time / 60_000);

/** A new account with an account-owner key of its own, so that each attempt starts with a full budget. */
async function freshAccount(): Promise<{ accountId: string; api: ServiceClient }> {
  const accountId = newId();
  const apiKeys = new ApiKeyRepository({
    client: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: local.stack.dynamoEndpoint }),
    tableName: local.stack.tableName,
  });
  const { secret } = await issueApiKey(
    { apiKeys, clock: systemClock },
    { accountId, name: 'rate-limit-test', role: 'account-owner', createdBy: 'crn::system:test' },
  );
  return { accountId, api: new ServiceClient(local.stack, secret) };
}

/**
 * Spends an account's whole budget and one request more, all within one minute window: an attempt
 * that a minute boundary cut in two (the machine was slow) proves nothing and is repeated with a
 * new account, which then starts early in the next window.
 */
async function budgetAndOneMore(): Promise<{ answers: ApiAnswer[]; over: ApiAnswer }> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const { accountId, api } = await freshAccount();
    const invalid = { accountId }; // a 400 still counts: the caller was authenticated
    const firstMinute = minuteOf(Date.now());
    const answers: ApiAnswer[] = [];
    for (let i = 0; i < REQUESTS_PER_MINUTE; i += 20) {
      answers.push(...(await Promise.all(Array.from({ length: 20 }, () => api.createIntent(invalid)))));
    }
    const over = await api.createIntent(invalid);
    if (minuteOf(Date.now()) === firstMinute) return { answers, over };
  }
  throw new Error(`${REQUESTS_PER_MINUTE + 1} requests did not fit into one minute in three attempts`);
}

describe('rate limit against the real table', () => {
  it('lets an account make 200 requests a minute, then answers 429 with Retry-After', async () => {
    const { answers, over } = await budgetAndOneMore();

    expect(answers).toHaveLength(REQUESTS_PER_MINUTE);
    expect(answers.every((answer) => answer.status === 400)).toBe(true);
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({
      statusCode: 429,
      error: 'Too Many Requests',
      message: 'RATE_LIMIT_EXCEEDED',
    });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    // Three attempts of up to a minute each on a busy machine.
  }, 300_000);
});

describe('rate-limit tokens taken in batches from the real counter', () => {
  it('serves exactly the limit across busy containers sharing one counter, with one write per batch', async () => {
    const counter = new RateLimitRepository({
      client: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: local.stack.dynamoEndpoint }),
      tableName: local.stack.tableName,
    });
    const writes = { count: 0 };
    const counting: RateLimitCounter = {
      take: (...args) => {
        writes.count += 1;
        return counter.take(...args);
      },
    };
    const containers = Array.from({ length: 5 }, () => batchedRateLimits(counting));
    const accountId = newId();
    // The window is the caller's to name: no clock, no minute boundary to race.
    const windowStart = Date.parse('2030-01-01T00:00:00.000Z');

    // More requests in each container than the limit, so none is left holding tokens.
    const answers = await Promise.all(
      Array.from({ length: 5 * REQUESTS_PER_MINUTE }, (_, i) =>
        containers[i % 5]?.hit(accountId, 'create-intent', windowStart, REQUESTS_PER_MINUTE),
      ),
    );

    expect(answers.filter((answer) => answer === true)).toHaveLength(REQUESTS_PER_MINUTE);
    // 20 batches (some containers may split the last one), and one refused take per container.
    expect(writes.count).toBeGreaterThanOrEqual(REQUESTS_PER_MINUTE / RATE_LIMIT_BATCH + 5);
    expect(writes.count).toBeLessThanOrEqual(REQUESTS_PER_MINUTE / RATE_LIMIT_BATCH + 2 * 5);
  });
});
