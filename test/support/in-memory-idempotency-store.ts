import { StateConflictError } from '../../functions/shared/domain/errors';
import {
  type IdempotencyClaim,
  type IdempotencyRecord,
  idempotencyRecordSchema,
} from '../../functions/shared/domain/idempotency';
import type { IdempotencyStore } from '../../functions/shared/domain/ports';
import type { IntentResponse } from '../../functions/shared/domain/schemas';
import type { Invocation } from './in-memory-ports';

/** The idempotency records as the table holds them, by account and key. */
export class InMemoryIdempotencyRecords {
  private readonly records = new Map<string, IdempotencyRecord>();

  get(accountId: string, key: string): IdempotencyRecord | undefined {
    const stored = this.records.get(recordKey(accountId, key));
    return stored ? idempotencyRecordSchema.parse(structuredClone(stored)) : undefined;
  }

  set(record: IdempotencyRecord): void {
    this.records.set(recordKey(record.accountId, record.key), structuredClone(record));
  }

  get size(): number {
    return this.records.size;
  }
}

const recordKey = (accountId: string, key: string): string => JSON.stringify([accountId, key]);

/** Held by the run with `claimId`: the condition of every write after the claim (the repository's HELD_BY_CLAIM). */
const heldBy = (claimId: string) => (record: IdempotencyRecord) =>
  record.status === 'in-progress' && record.claim?.id === claimId;

/**
 * IdempotencyStore with IdempotencyRepository's conditions, the record's retention judged in epoch
 * seconds as the table's time to live is; every call goes through `invocation`.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly records: InMemoryIdempotencyRecords,
    private readonly invocation: Invocation,
  ) {}

  get(accountId: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.invocation.read('idempotency.get', () => this.records.get(accountId, key));
  }

  claimNew(record: IdempotencyRecord, now: number): Promise<IdempotencyRecord> {
    return this.invocation.effect('idempotency.claimNew', () => {
      const current = this.records.get(record.accountId, record.key);
      const free =
        !current || current.status === 'released' || current.retainedUntil <= Math.floor(now / 1_000);
      if (!free) throw new StateConflictError();
      this.records.set(record);
      return idempotencyRecordSchema.parse(structuredClone(record));
    });
  }

  takeOver(
    accountId: string,
    key: string,
    requestHash: string,
    claim: IdempotencyClaim,
    now: number,
  ): Promise<IdempotencyRecord> {
    return this.invocation.effect('idempotency.takeOver', () =>
      this.update(
        accountId,
        key,
        (record) =>
          record.status === 'in-progress' &&
          record.requestHash === requestHash &&
          record.retainedUntil > Math.floor(now / 1_000) &&
          (record.claim === undefined || record.claim.expiresAt <= now),
        (record) => ({ ...record, claim }),
      ),
    );
  }

  async complete(accountId: string, key: string, claimId: string, response: IntentResponse): Promise<void> {
    await this.invocation.effect('idempotency.complete', () =>
      this.update(accountId, key, heldBy(claimId), ({ claim: _claim, ...record }) => ({
        ...record,
        status: 'done',
        response,
      })),
    );
  }

  async releaseClaim(accountId: string, key: string, claimId: string): Promise<void> {
    await this.invocation.effect('idempotency.releaseClaim', () =>
      this.update(accountId, key, heldBy(claimId), ({ claim: _claim, ...record }) => record),
    );
  }

  async releaseKey(accountId: string, key: string, claimId: string): Promise<void> {
    await this.invocation.effect('idempotency.releaseKey', () =>
      this.update(accountId, key, heldBy(claimId), ({ claim: _claim, ...record }) => ({
        ...record,
        status: 'released',
      })),
    );
  }

  /** A conditional update of an existing record: a missing one fails the condition too. */
  private update(
    accountId: string,
    key: string,
    condition: (record: IdempotencyRecord) => boolean,
    change: (record: IdempotencyRecord) => IdempotencyRecord,
  ): IdempotencyRecord {
    const current = this.records.get(accountId, key);
    if (!current || !condition(current)) throw new StateConflictError();
    this.records.set(change(current));
    const updated = this.records.get(accountId, key);
    if (!updated) throw new Error(`idempotency record ${key} vanished`);
    return updated;
  }
}
