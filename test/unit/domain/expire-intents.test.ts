import { ServiceUnavailableError } from '../../../functions/shared/domain/errors';
import { EXPIRY_CRN } from '../../../functions/shared/domain/intent-expiry';
import type { ConnectionIntent } from '../../../functions/shared/domain/schemas';
import { TIME_BUDGET } from '../../../functions/shared/time-budget';
import { intent } from '../../support/fixtures';
import { InMemoryExpiryStore, InMemoryTable, Invocation, VirtualClock } from '../../support/in-memory-ports';
import { sweep } from './sweep-harness';

const NOW = Date.parse('2026-01-05T09:00:00.000Z');
const iso = (epochMs: number) => new Date(epochMs).toISOString();
const idOf = (index: number) => `Sweep${String(index).padStart(17, '1')}`;

/** A table holding `count` intents whose lifetimes ended a minute ago, plus what is given. */
function tableWith(count: number, ...others: ConnectionIntent[]): InMemoryTable {
  const table = new InMemoryTable();
  for (let index = 0; index < count; index++) {
    const due = intent({ id: idOf(index), expiresAt: iso(NOW - 60_000 + index) });
    table.intents.set(due.id, due);
  }
  for (const other of others) table.intents.set(other.id, other);
  return table;
}

describe('the expiry sweeper', () => {
  it('expires every intent whose lifetime ended, and nothing else', async () => {
    const notYet = intent({ id: 'NotYet1111111111111111', expiresAt: iso(NOW + 1) });
    const authorized = intent({
      id: 'Authorized111111111111',
      expiresAt: iso(NOW - 1),
      status: 'authorized',
    });
    const denied = intent({
      id: 'Denied1111111111111111',
      expiresAt: iso(NOW - 1),
      status: 'failed',
      failureReason: 'access_denied',
    });
    const older = intent({ id: 'Older11111111111111111' });
    const table = tableWith(3, notYet, authorized, denied, older);

    const result = await sweep(table, new VirtualClock(NOW));

    expect(result).toEqual({ expired: 3, skipped: 0, failed: 0, errors: [], complete: true });
    for (let index = 0; index < 3; index++) {
      const expired = table.intent(idOf(index));
      expect(expired).toMatchObject({
        status: 'failed',
        failureReason: 'EXPIRED',
        updatedAt: iso(NOW - 60_000 + index),
        updatedBy: EXPIRY_CRN,
      });
      expect(expired).not.toHaveProperty('oauth');
    }
    expect(table.intent(notYet.id)).toEqual(notYet);
    expect(table.intent(authorized.id)).toEqual(authorized);
    expect(table.intent(denied.id)).toEqual(denied);
    expect(table.intent(older.id)).toEqual(older);
  });

  it('skips an intent held by a live claim, and expires it on a later sweep once the lease ran out', async () => {
    const claimed = intent({
      id: 'Claimed111111111111111',
      expiresAt: iso(NOW - 1),
      claim: { id: 'c', codeHash: 'h', expiresAt: NOW + 10_000 },
    });
    const table = tableWith(0, claimed);
    const clock = new VirtualClock(NOW);

    const first = await sweep(table, clock);
    await clock.advance(10_000);
    const later = await sweep(table, clock);

    expect(first).toMatchObject({ expired: 0, skipped: 1, complete: true });
    expect(later).toMatchObject({ expired: 1, skipped: 0, complete: true });
    expect(table.intent(claimed.id)).not.toHaveProperty('claim');
  });

  it('writes a page at a time', async () => {
    const table = tableWith(7);
    const store = new InMemoryExpiryStore(table, new Invocation());

    await sweep(table, new VirtualClock(NOW), { intents: store, pageSize: 3 });

    expect(store.pages.map((page) => page.length)).toEqual([3, 3, 1]);
  });

  it('starts no page with less than its reserve of time left, and says the sweep is incomplete', async () => {
    const table = tableWith(10);
    const clock = new VirtualClock(NOW);
    // Each expiry write takes a second of the invocation's time.
    const slow = new InMemoryExpiryStore(
      table,
      new Invocation({
        beforeStep: (step) => {
          if (step === 'intent.expire') clock.jumpTo(clock.epochMs + 1_000);
          return undefined;
        },
      }),
    );

    const cut = await sweep(table, clock, {
      intents: slow,
      pageSize: 1,
      remainingMs: TIME_BUDGET.expirySweepReserveMs + 2_500,
    });
    const next = await sweep(table, clock, { intents: slow, pageSize: 1 });

    expect(cut).toMatchObject({ expired: 3, complete: false });
    expect(next).toMatchObject({ expired: 7, complete: true });
  });

  it('does nothing at all when it starts with less than the reserve', async () => {
    const table = tableWith(2);

    const result = await sweep(table, new VirtualClock(NOW), {
      remainingMs: TIME_BUDGET.expirySweepReserveMs - 1,
    });

    expect(result).toEqual({ expired: 0, skipped: 0, failed: 0, errors: [], complete: false });
    expect(table.intent(idOf(0))?.status).toBe('created');
  });

  it('goes on past a write that fails, and reports it', async () => {
    const table = tableWith(3);
    const store = new InMemoryExpiryStore(table, new Invocation());
    const flaky = {
      dueForExpiry: store.dueForExpiry.bind(store),
      expire: (id: string, now: number, updatedBy: string) =>
        id === idOf(1) ? Promise.reject(new ServiceUnavailableError()) : store.expire(id, now, updatedBy),
    };

    const result = await sweep(table, new VirtualClock(NOW), { intents: flaky });

    expect(result).toEqual({
      expired: 2,
      skipped: 0,
      failed: 1,
      errors: ['ServiceUnavailableError'],
      complete: true,
    });
    expect(table.intent(idOf(1))?.status).toBe('created');
  });
});
