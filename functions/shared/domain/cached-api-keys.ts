import { LRUCache } from 'lru-cache';
import type { Clock } from './clock';
import type { ApiKeyStore } from './ports';
import type { ApiKey } from './schemas';

export interface ApiKeyCacheOptions {
  /**
   * How long a key's record is answered from memory, counted from the moment its read began (see
   * ApiKeyCacheBudget.revocationBoundMs). Zero: every lookup reads the store.
   */
  revocationBoundMs: number;
  /** How long a secret hash that no key has is answered from memory (at most the bound). */
  unknownSecretTtlMs: number;
  /** The most key records one container keeps; the least recently used goes first. */
  maxKnownKeys: number;
  /** The most unknown secret hashes one container remembers, apart from the known keys. */
  maxUnknownSecrets: number;
}

/**
 * The API keys as one container sees them: a lookup by secret hash reads the store once, then answers
 * from memory until the revocation bound has passed since that read began, so a disabled or rotated
 * key stops working in every container at most that long after the change. Secrets no key has are
 * remembered for a shorter while, in a separate bounded set, so a client repeating a wrong secret
 * costs one read per period, and a flood of made-up secrets can neither grow the memory nor push
 * the real keys out.
 *
 * Only secret hashes are kept, never a secret. Both maps are bounded LRUs (lru-cache: bounded by
 * count, per-entry expiry on an injected clock, and widely used, so not written here again).
 */
export class CachedApiKeys implements ApiKeyStore {
  private readonly known?: LRUCache<string, ApiKey>;
  private readonly unknown?: LRUCache<string, true>;

  constructor(
    private readonly store: ApiKeyStore,
    private readonly clock: Clock,
    options: ApiKeyCacheOptions,
  ) {
    // The cache reads this clock for every age check (ttlResolution 0: no timer of its own).
    const perf = { now: () => clock.now().getTime() };
    if (options.revocationBoundMs > 0)
      this.known = new LRUCache({
        max: options.maxKnownKeys,
        ttl: options.revocationBoundMs,
        ttlResolution: 0,
        perf,
      });
    const unknownTtl = Math.min(options.unknownSecretTtlMs, options.revocationBoundMs);
    if (unknownTtl > 0)
      this.unknown = new LRUCache({
        max: options.maxUnknownSecrets,
        ttl: unknownTtl,
        ttlResolution: 0,
        perf,
      });
  }

  async findBySecretHash(secretHash: string): Promise<ApiKey | undefined> {
    const cached = this.known?.get(secretHash);
    if (cached) return cached;
    if (this.unknown?.get(secretHash)) return undefined;
    // The age counts from before the read: whatever the read saw was true at that moment at the latest.
    const readStart = this.clock.now().getTime();
    const key = await this.store.findBySecretHash(secretHash);
    if (key) this.known?.set(secretHash, Object.freeze(key), { start: readStart });
    else this.unknown?.set(secretHash, true, { start: readStart });
    return key;
  }

  /** A key created through this container is known here at once. */
  async create(key: ApiKey): Promise<void> {
    await this.store.create(key);
    this.unknown?.delete(key.secretHash);
  }
}
