import * as fc from 'fast-check';
import { BatchedRateLimits } from '../../../functions/shared/domain/batched-rate-limits';
import type { Clock } from '../../../functions/shared/domain/clock';
import { RateLimitExceededError } from '../../../functions/shared/domain/errors';
import type { RateLimitCounter } from '../../../functions/shared/domain/ports';
import {
  enforceRateLimit,
  RATE_LIMIT_BATCH,
  REQUESTS_PER_MINUTE,
} from '../../../functions/shared/domain/rate-limit';
import { InMemoryRateLimitCounter } from '../../support/in-memory-auth-stores';

const ACCOUNT = 'B4u4WZCu3joZFVWT3XjWW3';
const BUDGET = 'create-intent';
const WINDOW = Date.parse('2026-01-05T09:00:00.000Z');

const container = (
  counter: RateLimitCounter,
  batchSize = RATE_LIMIT_BATCH,
  onCounterUnavailable: (error: unknown) => void = () => {},
) => new BatchedRateLimits(counter, { batchSize, maxReservoirs: 1_000, onCounterUnavailable });

/** Time that moves only when the test moves it. */
const clockAt = (time: { ms: number }): Clock => ({ now: () => new Date(time.ms) });

describe('BatchedRateLimits: one container', () => {
  it('serves the whole limit of a window with one write per batch, then refuses without writing', async () => {
    const counter = new InMemoryRateLimitCounter();
    const limits = container(counter);

    const answers = [];
    for (let i = 0; i < REQUESTS_PER_MINUTE + 50; i++)
      answers.push(await limits.hit(ACCOUNT, BUDGET, WINDOW, REQUESTS_PER_MINUTE));

    expect(answers.filter(Boolean)).toHaveLength(REQUESTS_PER_MINUTE);
    expect(answers.slice(0, REQUESTS_PER_MINUTE).every(Boolean)).toBe(true);
    // 20 batches, and one refused take that tells the container the window is spent.
    expect(counter.writes).toBe(REQUESTS_PER_MINUTE / RATE_LIMIT_BATCH + 1);
  });

  it('takes a smaller last batch when fewer tokens are left than a batch', async () => {
    const counter = new InMemoryRateLimitCounter();
    const limits = container(counter);

    const served = [];
    for (let i = 0; i < 30; i++) served.push(await limits.hit(ACCOUNT, BUDGET, WINDOW, 25));

    expect(served.filter(Boolean)).toHaveLength(25);
    expect(counter.granted).toBe(25);
    expect(counter.writes).toBe(3);
  });

  it('keeps each account, budget and window apart', async () => {
    const counter = new InMemoryRateLimitCounter();
    const limits = container(counter);

    for (let i = 0; i < 3; i++) await limits.hit(ACCOUNT, BUDGET, WINDOW, 3);
    const spent = await limits.hit(ACCOUNT, BUDGET, WINDOW, 3);
    const otherBudget = await limits.hit(ACCOUNT, 'authorize-intent', WINDOW, 3);
    const otherAccount = await limits.hit('uooxSens6ykJaim1Cu1Q55', BUDGET, WINDOW, 3);
    const nextWindow = await limits.hit(ACCOUNT, BUDGET, WINDOW + 60_000, 3);

    expect([spent, otherBudget, otherAccount, nextWindow]).toEqual([false, true, true, true]);
  });

  it('waits for a batch under way instead of writing one per request', async () => {
    const counter = new InMemoryRateLimitCounter();
    const limits = container(counter);

    const answers = await Promise.all(
      Array.from({ length: 25 }, () => limits.hit(ACCOUNT, BUDGET, WINDOW, REQUESTS_PER_MINUTE)),
    );

    expect(answers.every(Boolean)).toBe(true);
    expect(counter.writes).toBe(3);
  });

  it('lets the request through, uncounted, when the counter cannot be reached, and says so', async () => {
    const counter = new InMemoryRateLimitCounter();
    counter.failure = new Error('Throttling');
    const unavailable: unknown[] = [];
    const limits = container(counter, RATE_LIMIT_BATCH, (error) => unavailable.push(error));

    const answers = await Promise.all([1, 2, 3].map(() => limits.hit(ACCOUNT, BUDGET, WINDOW, 1)));
    counter.failure = undefined;
    const afterwards = [
      await limits.hit(ACCOUNT, BUDGET, WINDOW, 1),
      await limits.hit(ACCOUNT, BUDGET, WINDOW, 1),
    ];

    expect(answers).toEqual([true, true, true]);
    expect(unavailable).toEqual([counter.failure ?? expect.any(Error)]);
    expect(afterwards).toEqual([true, false]);
  });

  it('keeps a bounded number of reservoirs: a dropped one loses its tokens, never serves them twice', async () => {
    const counter = new InMemoryRateLimitCounter();
    const limits = new BatchedRateLimits(counter, { batchSize: 10, maxReservoirs: 2 });

    await limits.hit('account-a', BUDGET, WINDOW, 20);
    await limits.hit('account-b', BUDGET, WINDOW, 20);
    await limits.hit('account-c', BUDGET, WINDOW, 20);
    const served = [];
    for (let i = 0; i < 30; i++) served.push(await limits.hit('account-a', BUDGET, WINDOW, 20));

    // account-a's first batch (9 tokens left) was dropped with its reservoir: 10 more, then spent.
    expect(served.filter(Boolean)).toHaveLength(10);
  });
});

describe('BatchedRateLimits: containers sharing one counter', () => {
  it('never serves more than the limit, and serves it all but the tokens parked in other containers (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 250 }),
        fc.integer({ min: 1, max: 20 }),
        // Each request: the container it reaches; requests in one group run concurrently.
        fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), { maxLength: 80 }),
        fc.scheduler(),
        async (containerCount, limit, batchSize, groups, scheduler) => {
          const shared = new InMemoryRateLimitCounter();
          // The scheduler decides in which order the counter's answers come back.
          const counter: RateLimitCounter = {
            take: scheduler.scheduleFunction((...args: Parameters<RateLimitCounter['take']>) =>
              shared.take(...args),
            ),
          };
          const containers = Array.from({ length: containerCount }, () => container(counter, batchSize));
          let served = 0;
          let requests = 0;
          for (const group of groups) {
            const answers = group.map((target) =>
              (containers[target % containerCount] as BatchedRateLimits).hit(ACCOUNT, BUDGET, WINDOW, limit),
            );
            requests += group.length;
            await scheduler.waitFor(Promise.all(answers));
            served += (await Promise.all(answers)).filter(Boolean).length;
          }

          expect(served).toBeLessThanOrEqual(limit);
          expect(shared.granted).toBeLessThanOrEqual(limit);
          // Refused only when the counter is spent, with at most batchSize - 1 tokens left in each container.
          expect(served).toBeGreaterThanOrEqual(Math.min(requests, limit - containerCount * (batchSize - 1)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('serves exactly the limit when many containers race for the last tokens', async () => {
    const shared = new InMemoryRateLimitCounter();
    const containers = Array.from({ length: 30 }, () => container(shared));

    const answers = await Promise.all(
      Array.from({ length: 600 }, (_, i) =>
        (containers[i % 30] as BatchedRateLimits).hit(ACCOUNT, BUDGET, WINDOW, REQUESTS_PER_MINUTE),
      ),
    );

    expect(answers.filter(Boolean)).toHaveLength(REQUESTS_PER_MINUTE);
  });
});

describe('enforceRateLimit over batched tokens', () => {
  it('answers 429 with Retry-After to the end of the window once the account has spent it', async () => {
    const time = { ms: WINDOW + 29_713 };
    const deps = { rateLimits: container(new InMemoryRateLimitCounter()), clock: clockAt(time) };
    for (let i = 0; i < REQUESTS_PER_MINUTE; i++) await enforceRateLimit(deps, ACCOUNT, BUDGET);

    const refused = await enforceRateLimit(deps, ACCOUNT, BUDGET).catch((error: unknown) => error);
    time.ms = WINDOW + 60_000;
    const nextMinute = await enforceRateLimit(deps, ACCOUNT, BUDGET).then(() => 'served');

    expect(refused).toBeInstanceOf(RateLimitExceededError);
    expect((refused as RateLimitExceededError).retryAfterSeconds).toBe(31);
    expect(nextMinute).toBe('served');
  });

  it('writes at most a tenth of a write per request in steady state', async () => {
    const counter = new InMemoryRateLimitCounter();
    const time = { ms: WINDOW };
    const deps = { rateLimits: container(counter), clock: clockAt(time) };
    const accounts = ['account-a', 'account-b', 'account-c'];
    const perMinute = 150;
    let requests = 0;

    // Ten minutes of three accounts, each sending 150 requests a minute, evenly spread.
    for (let minute = 0; minute < 10; minute++) {
      for (let i = 0; i < perMinute; i++) {
        time.ms = WINDOW + minute * 60_000 + Math.floor((i * 60_000) / perMinute);
        for (const account of accounts) {
          await enforceRateLimit(deps, account, BUDGET);
          requests += 1;
        }
      }
    }

    expect(counter.writes / requests).toBeLessThanOrEqual(0.1);
  });
});
