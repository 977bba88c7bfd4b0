import * as fc from 'fast-check';
import { authenticateApiKey } from '../../../functions/shared/domain/authenticate';
import { type ApiKeyCacheOptions, CachedApiKeys } from '../../../functions/shared/domain/cached-api-keys';
import type { Clock } from '../../../functions/shared/domain/clock';
import { UnauthorizedError } from '../../../functions/shared/domain/errors';
import { sha256Hex } from '../../../functions/shared/domain/hashing';
import type { ApiKey } from '../../../functions/shared/domain/schemas';
import { API_KEY_CACHE_BUDGET } from '../../../functions/shared/time-budget';
import { apiKey, OWNER_SECRET } from '../../support/fixtures';
import { CountingApiKeyStore } from '../../support/in-memory-auth-stores';

const BOUND_MS = API_KEY_CACHE_BUDGET.revocationBoundMs;
const UNKNOWN_TTL_MS = API_KEY_CACHE_BUDGET.unknownSecretTtlMs;

/** Time that moves only when the test moves it. */
class TestClock implements Clock {
  constructor(public ms = Date.parse('2026-01-05T09:00:00.000Z')) {}
  now = () => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

function setup(options: Partial<ApiKeyCacheOptions> = {}) {
  const clock = new TestClock();
  const store = new CountingApiKeyStore(clock);
  const cache = new CachedApiKeys(store, clock, {
    revocationBoundMs: BOUND_MS,
    unknownSecretTtlMs: UNKNOWN_TTL_MS,
    maxKnownKeys: 100,
    maxUnknownSecrets: 100,
    ...options,
  });
  const authenticates = async (secret: string) => {
    try {
      await authenticateApiKey(cache, secret);
      return true;
    } catch (error) {
      if (error instanceof UnauthorizedError) return false;
      throw error;
    }
  };
  return { clock, store, cache, authenticates };
}

describe('CachedApiKeys: known keys', () => {
  it('reads a key once, then answers it from memory for the whole bound', async () => {
    const { clock, store, authenticates } = setup();
    store.put(apiKey({ secret: OWNER_SECRET }));

    const answers = [];
    for (let i = 0; i < 100; i++) {
      answers.push(await authenticates(OWNER_SECRET));
      clock.advance((BOUND_MS - 1) / 100);
    }

    expect(answers.every(Boolean)).toBe(true);
    expect(store.reads).toBe(1);
  });

  it('refuses a disabled key once the read that last saw it enabled is a bound old, within a bound of the change', async () => {
    const { clock, store, authenticates } = setup();
    const key = apiKey({ secret: OWNER_SECRET });
    store.put(key);
    const readAt = clock.ms;
    await authenticates(OWNER_SECRET);
    clock.advance(1_000);
    const disabledAt = clock.ms;

    store.setEnabled(key.secretHash, false);
    clock.ms = readAt + BOUND_MS;
    const lastTrustedMoment = await authenticates(OWNER_SECRET);
    clock.advance(1);
    const afterIt = await authenticates(OWNER_SECRET);

    expect(lastTrustedMoment).toBe(true);
    expect(afterIt).toBe(false);
    expect(clock.ms).toBeLessThan(disabledAt + BOUND_MS);
    expect(store.reads).toBe(2);
  });

  it('counts the bound from the moment the read began, however long the read took', async () => {
    const clock = new TestClock();
    const store = new CountingApiKeyStore(clock);
    const key = apiKey({ secret: OWNER_SECRET });
    store.put(key);
    // A slow read: what it answers was true when it began.
    const slowStore = {
      findBySecretHash: async (hash: string) => {
        const found = await store.findBySecretHash(hash);
        clock.advance(1_500);
        return found;
      },
      create: (value: ApiKey) => store.create(value),
    };
    const cache = new CachedApiKeys(slowStore, clock, {
      revocationBoundMs: BOUND_MS,
      unknownSecretTtlMs: UNKNOWN_TTL_MS,
      maxKnownKeys: 10,
      maxUnknownSecrets: 10,
    });
    const readStartedAt = clock.ms;
    await cache.findBySecretHash(key.secretHash);
    store.setEnabled(key.secretHash, false);

    clock.ms = readStartedAt + BOUND_MS + 1;
    const found = await cache.findBySecretHash(key.secretHash);

    expect(found?.enabled).toBe(false);
  });

  it('keeps the bound whatever happens to a key and whenever it is asked (property)', async () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: BOUND_MS }) }),
      fc.record({ kind: fc.constant('toggle' as const), key: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('ask' as const), key: fc.integer({ min: 0, max: 3 }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 60 }),
        fc.integer({ min: 0, max: BOUND_MS }),
        async (steps, boundMs) => {
          const { clock, store, cache } = setup({ revocationBoundMs: boundMs });
          const keys = [0, 1, 2].map((i) => apiKey({ secret: `secret-${i}`, name: `key-${i}` }));
          for (const key of keys) store.put(key);
          // Key 3 was never issued.
          const hashes = [...keys.map((key) => key.secretHash), sha256Hex('never-issued')];
          for (const current of steps) {
            if (current.kind === 'advance') clock.advance(current.ms);
            else if (current.kind === 'toggle') {
              const hash = hashes[current.key] ?? '';
              store.setEnabled(hash, !store.stateAt(hash, clock.ms)?.enabled);
            } else {
              const hash = hashes[current.key] ?? '';
              const answer = await cache.findBySecretHash(hash);
              // What the answer says was true at some moment within the last bound.
              const truths = store
                .statesBetween(hash, clock.ms - boundMs, clock.ms)
                .map((state) => state?.enabled);
              expect(truths).toContain(answer?.enabled);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads every time when the bound is zero', async () => {
    const { store, authenticates } = setup({ revocationBoundMs: 0 });
    const key = apiKey({ secret: OWNER_SECRET });
    store.put(key);

    await authenticates(OWNER_SECRET);
    store.setEnabled(key.secretHash, false);
    const afterDisable = await authenticates(OWNER_SECRET);
    await authenticates('unknown-secret');
    await authenticates('unknown-secret');

    expect(afterDisable).toBe(false);
    expect(store.reads).toBe(4);
  });

  it('keeps at most its number of keys, dropping the least recently used', async () => {
    const { store, cache } = setup({ maxKnownKeys: 2 });
    const keys = [0, 1, 2].map((i) => apiKey({ secret: `secret-${i}`, name: `key-${i}` }));
    for (const key of keys) store.put(key);

    for (const key of keys) await cache.findBySecretHash(key.secretHash);
    const readsBefore = store.reads;
    await cache.findBySecretHash(keys[2]?.secretHash ?? '');
    await cache.findBySecretHash(keys[1]?.secretHash ?? '');
    await cache.findBySecretHash(keys[0]?.secretHash ?? '');

    expect(store.reads - readsBefore).toBe(1);
  });
});

describe('CachedApiKeys: unknown secrets', () => {
  it('answers an unknown secret 401 from memory for a short while, then reads it again', async () => {
    const { clock, store, authenticates } = setup();

    for (let i = 0; i < 50; i++) expect(await authenticates('wrong-secret')).toBe(false);
    const readsWithin = store.reads;
    clock.advance(UNKNOWN_TTL_MS + 1);
    await authenticates('wrong-secret');

    expect(readsWithin).toBe(1);
    expect(store.reads).toBe(2);
  });

  it('never remembers an unknown secret longer than the revocation bound', async () => {
    const { clock, store, authenticates } = setup({ revocationBoundMs: 2_000, unknownSecretTtlMs: 10_000 });

    await authenticates('wrong-secret');
    clock.advance(2_001);
    await authenticates('wrong-secret');

    expect(store.reads).toBe(2);
  });

  it('finds a key at once when it is created through the cache', async () => {
    const { cache, authenticates } = setup();
    const key = apiKey({ secret: 'new-secret' });
    await authenticates('new-secret');

    await cache.create(key);

    expect(await authenticates('new-secret')).toBe(true);
  });

  it('remembers a bounded number of unknown secrets, and a flood of them never pushes a known key out', async () => {
    const { store, authenticates } = setup({ maxUnknownSecrets: 50, maxKnownKeys: 10 });
    store.put(apiKey({ secret: OWNER_SECRET }));
    await authenticates(OWNER_SECRET);

    for (let i = 0; i < 1_000; i++) await authenticates(`made-up-${i}`);
    const readsAfterFlood = store.reads;
    // The last 50 are remembered; the first is not any more.
    for (let i = 950; i < 1_000; i++) await authenticates(`made-up-${i}`);
    const readsForRemembered = store.reads - readsAfterFlood;
    await authenticates('made-up-0');
    const readsForForgotten = store.reads - readsAfterFlood - readsForRemembered;
    await authenticates(OWNER_SECRET);

    expect(readsAfterFlood).toBe(1 + 1_000);
    expect(readsForRemembered).toBe(0);
    expect(readsForForgotten).toBe(1);
    expect(store.reads).toBe(1 + 1_000 + 1);
  });
});
