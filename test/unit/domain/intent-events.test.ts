import { ID_PATTERN } from '../../../functions/shared/domain/ids';
import {
  INTENT_EVENT_SOURCE,
  type IntentEvent,
  intentEventId,
  intentEventOf,
} from '../../../functions/shared/domain/intent-events';
import { toIntentView } from '../../../functions/shared/domain/intent-view';
import type { ConnectionIntent } from '../../../functions/shared/domain/schemas';
import { passesStreamFilter } from '../../../functions/shared/events/stream-mapping';
import { intentChangeOf, UnreadableRecordError } from '../../../functions/shared/repository/intent-stream';
import {
  apiKeyNameKey,
  bankAccountNumberKey,
  idempotencyRecordKey,
  rateLimitKey,
} from '../../../functions/shared/repository/table-keys';
import { apiKey, apiKeyItem, bankAccount, bankAccountItem, intent } from '../../support/fixtures';
import { intentRecord, storedIntent, streamRecord } from '../../support/stream-records';

/** The event a stream record publishes, as the publisher works it out: read the change, then map it. */
const eventOf = (record: ReturnType<typeof streamRecord>): IntentEvent | undefined => {
  const change = intentChangeOf(record);
  return change ? intentEventOf(change) : undefined;
};

const LATER = '2022-03-31T02:58:01.250Z';
const created = intent();
const claimed = intent({ claim: { id: 'claim-1', codeHash: 'code-hash', expiresAt: 1_648_695_414_000 } });
const withGrant = { ...claimed, grant: { codeHash: 'code-hash', accessToken: 'access-token-0123456789' } };
const finished = { updatedAt: LATER, oauth: undefined, claim: undefined, grant: undefined } as const;
const authorized: ConnectionIntent = {
  ...created,
  ...finished,
  status: 'authorized',
  authorizedCodeHash: 'code-hash',
  bankAccountIds: ['Bnk1111111111111111111', 'Bnk2222222222222222222'],
};
const denied: ConnectionIntent = {
  ...created,
  ...finished,
  status: 'failed',
  failureReason: 'access_denied',
};
/** What an expiry writes: a conditional update of a `created` intent to `failed`, reason EXPIRED. */
const expired: ConnectionIntent = {
  ...created,
  ...finished,
  status: 'failed',
  failureReason: 'EXPIRED',
  updatedBy: 'crn::system:intent-expiry',
};

describe("a stream record's event", () => {
  it('is Created for the INSERT of a new intent, its detail the intent as GET answers it plus its event id', () => {
    const event = eventOf(intentRecord(undefined, created));

    expect(event).toEqual({
      source: INTENT_EVENT_SOURCE,
      detailType: 'Bank Account Connection Intent Created',
      time: created.updatedAt,
      detail: { ...toIntentView(created), eventId: intentEventId(created.id, 'created') },
    });
    expect(event?.detail.eventId).toMatch(ID_PATTERN);
  });

  it('is Authorized when a write makes the intent authorized, with the Bank Accounts it connected', () => {
    const event = eventOf(intentRecord(claimed, authorized));

    expect(event?.detailType).toBe('Bank Account Connection Intent Authorized');
    expect(event?.time).toBe(LATER);
    expect(event?.detail).toEqual({
      ...toIntentView(authorized),
      eventId: intentEventId(created.id, 'authorized'),
    });
    expect(event?.detail.bankAccountIds).toEqual(authorized.bankAccountIds);
  });

  it('is Failed when a write makes the intent failed, with the documented failure reason', () => {
    const event = eventOf(intentRecord(withGrant, denied));

    expect(event?.detailType).toBe('Bank Account Connection Intent Failed');
    expect(event?.detail).toMatchObject({ status: 'failed', failureReason: 'ACCESS_DENIED' });
    expect(event?.detail).toEqual({ ...toIntentView(denied), eventId: intentEventId(created.id, 'failed') });
  });

  it('is Failed with failureReason EXPIRED for an intent that expired (created → failed, nothing else)', () => {
    const event = eventOf(intentRecord(created, expired));

    expect(event?.detailType).toBe('Bank Account Connection Intent Failed');
    expect(event?.detail).toEqual({ ...toIntentView(expired), eventId: intentEventId(created.id, 'failed') });
    expect(event?.detail.failureReason).toBe('EXPIRED');
  });

  it.each([
    ['a claim', created, claimed],
    ['a saved grant', claimed, withGrant],
    ['a released claim', claimed, created],
    ['a write to a finished intent that keeps its status', authorized, { ...authorized, updatedAt: LATER }],
  ])('is none for %s, which leaves the status as it was', (_what, before, after) => {
    expect(eventOf(intentRecord(before, after))).toBeUndefined();
  });

  it('is none for the removal of an intent', () => {
    expect(eventOf(intentRecord(denied, undefined))).toBeUndefined();
  });

  it.each([
    ['an API key', apiKeyItem(apiKey({ secret: 'secret-0123456789' }))],
    ['a Bank Account', bankAccountItem(bankAccount())],
    ['a bank account number', { ...bankAccountNumberKey('acc', true, '12-3456'), bankAccountId: 'B' }],
    ['an API key name', { ...apiKeyNameKey('acc', 'MyApiKey'), secretHash: 'h' }],
    ['a rate-limit counter', { ...rateLimitKey('acc', 'create', 1_648_695_360), count: 3 }],
    ['an idempotency record', { ...idempotencyRecordKey('acc', 'key-1'), status: 'completed' }],
  ])('is none for %s, whatever the write', (_kind, item) => {
    for (const record of [
      streamRecord(undefined, item),
      streamRecord(item, { ...item, status: 'changed' }),
      streamRecord(item, undefined),
    ]) {
      expect(intentChangeOf(record)).toBeUndefined();
    }
  });

  it('never carries what the intent keeps to itself', () => {
    const events = [
      eventOf(intentRecord(undefined, created)),
      eventOf(intentRecord(withGrant, authorized)),
      eventOf(intentRecord(withGrant, denied)),
    ];

    for (const event of events) {
      const text = JSON.stringify(event);
      for (const secret of [
        'verifier-0123456789',
        'access-token-0123456789',
        'code-hash',
        'claim-1',
        'access_denied',
      ])
        expect(text).not.toContain(secret);
      expect(Object.keys(event?.detail ?? {})).not.toEqual(expect.arrayContaining(['oauth']));
    }
  });
});

describe('the event id', () => {
  it('is the same each time a record is delivered, whatever the delivery', () => {
    const first = streamRecord(storedIntent(claimed), storedIntent(authorized), {
      sequenceNumber: '000000000000000000101',
    });
    const again = streamRecord(storedIntent(claimed), storedIntent(authorized), {
      sequenceNumber: '000000000000000000101',
    });

    expect(first.eventID).not.toBe(again.eventID);
    expect(eventOf(again)?.detail.eventId).toBe(eventOf(first)?.detail.eventId);
  });

  it('differs between the statuses of one intent and between intents', () => {
    const ids = [
      intentEventId(created.id, 'created'),
      intentEventId(created.id, 'authorized'),
      intentEventId(created.id, 'failed'),
      intentEventId('4LWkvLX3DaDKfKqQyAmY8Z', 'created'),
    ];

    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(ID_PATTERN);
  });
});

describe('an intent record that cannot be read', () => {
  it('is refused when the stream carries no images (a stream of keys only)', () => {
    const record = intentRecord(undefined, created);
    const keysOnly = {
      ...record,
      dynamodb: { ...record.dynamodb, NewImage: undefined, StreamViewType: 'KEYS_ONLY' as const },
    };

    expect(() => intentChangeOf(keysOnly)).toThrow(UnreadableRecordError);
  });

  it('is refused, naming the field and not its value, when its image is not an intent', () => {
    const broken = { ...storedIntent(created), status: 'lost' };

    const reading = () => intentChangeOf(streamRecord(undefined, broken));

    expect(reading).toThrow(UnreadableRecordError);
    expect(reading).toThrow(/status/);
    expect(reading).not.toThrow(/verifier-0123456789/);
  });
});

describe("the event source mapping's filter", () => {
  it('hands the publisher the records of intents, and of no other item', () => {
    expect(passesStreamFilter(intentRecord(undefined, created))).toBe(true);
    expect(passesStreamFilter(intentRecord(claimed, authorized))).toBe(true);
    for (const item of [
      apiKeyItem(apiKey({ secret: 'secret-0123456789' })),
      bankAccountItem(bankAccount()),
      { ...rateLimitKey('acc', 'create', 1_648_695_360), count: 3 },
    ]) {
      expect(passesStreamFilter(streamRecord(undefined, item))).toBe(false);
    }
  });
});
