import type { Clock } from '../../functions/shared/domain/clock';
import type { ApiKeyStore, RateLimitCounter } from '../../functions/shared/domain/ports';
import type { ApiKey } from '../../functions/shared/domain/schemas';

/**
 * The shared rate-limit counter as the repository keeps it in DynamoDB: a batch is added only while
 * the window is not full (the condition), and the part of it under the limit is granted. Counts its
 * writes, refused ones included (DynamoDB charges a write for a failed condition too).
 */
export class InMemoryRateLimitCounter implements RateLimitCounter {
  readonly counts = new Map<string, number>();
  writes = 0;
  granted = 0;
  /** Set to make every take fail, as an unreachable table does. */
  failure: Error | undefined;

  async take(
    accountId: string,
    budget: string,
    windowStart: number,
    limit: number,
    count: number,
  ): Promise<number> {
    this.writes += 1;
    if (this.failure) throw this.failure;
    const key = `${accountId}#${budget}#${windowStart}`;
    const before = this.counts.get(key) ?? 0;
    if (before >= limit) return 0;
    this.counts.set(key, before + count);
    const granted = Math.min(count, limit - before);
    this.granted += granted;
    return granted;
  }
}

/**
 * API keys by secret hash, counting reads. Each change is stamped with the clock, so a test can ask
 * what a key looked like at any moment (`stateAt`).
 */
export class CountingApiKeyStore implements ApiKeyStore {
  reads = 0;
  private readonly history = new Map<string, { at: number; key: ApiKey | undefined }[]>();

  constructor(private readonly clock: Clock) {}

  async findBySecretHash(secretHash: string): Promise<ApiKey | undefined> {
    this.reads += 1;
    return this.current(secretHash);
  }

  async create(key: ApiKey): Promise<void> {
    this.put(key);
  }

  /** Writes the key as it now is (enabled, disabled, or a new one). */
  put(key: ApiKey): void {
    const changes = this.history.get(key.secretHash) ?? [];
    changes.push({ at: this.clock.now().getTime(), key: { ...key } });
    this.history.set(key.secretHash, changes);
  }

  setEnabled(secretHash: string, enabled: boolean): void {
    const key = this.current(secretHash);
    if (key) this.put({ ...key, enabled });
  }

  /** The key as the store held it at `at` (epoch ms): the last change at or before it. */
  stateAt(secretHash: string, at: number): ApiKey | undefined {
    const changes = (this.history.get(secretHash) ?? []).filter((change) => change.at <= at);
    return changes.at(-1)?.key;
  }

  /** Every state the key was in at some moment from `from` to `to` (epoch ms, both included). */
  statesBetween(secretHash: string, from: number, to: number): (ApiKey | undefined)[] {
    const changes = (this.history.get(secretHash) ?? []).filter(
      (change) => change.at > from && change.at <= to,
    );
    return [this.stateAt(secretHash, from), ...changes.map((change) => change.key)];
  }

  private current(secretHash: string): ApiKey | undefined {
    const key = this.history.get(secretHash)?.at(-1)?.key;
    return key ? { ...key } : undefined;
  }
}
