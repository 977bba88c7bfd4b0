import fc from 'fast-check';
import {
  type IntentChange,
  type IntentEvent,
  intentEventOf,
} from '../../../functions/shared/domain/intent-events';
import type { EventPublication, IntentEventBus } from '../../../functions/shared/domain/ports';
import { publishIntentEvents } from '../../../functions/shared/domain/publish-intent-events';
import type { ConnectionIntent } from '../../../functions/shared/domain/schemas';
import { PUBLISHER_BUDGET } from '../../../functions/shared/time-budget';
import { intent } from '../../support/fixtures';

/** A bus that records each request and refuses the events a test tells it to. */
class RecordingBus implements IntentEventBus {
  readonly requests: IntentEvent[][] = [];
  /** For each request, whether the bus took each of its events. */
  readonly outcomes: boolean[][] = [];
  constructor(
    readonly maxEventsPerRequest = 10,
    private readonly refuses: (event: IntentEvent) => boolean = () => false,
  ) {}
  async publish(events: readonly IntentEvent[]): Promise<EventPublication[]> {
    this.requests.push([...events]);
    const taken = events.map((event) => !this.refuses(event));
    this.outcomes.push(taken);
    return taken.map((published) => (published ? { published } : { published, reason: 'InternalFailure' }));
  }
  /** The ids of the events the bus took, in the order it took them. */
  get published(): string[] {
    return this.requests.flatMap((request, r) =>
      request.filter((_, i) => this.outcomes[r]?.[i] === true).map((event) => event.detail.eventId),
    );
  }
}

const PLENTY_OF_TIME = () => 30_000;
const idOf = (n: number) => `${'I'.repeat(21)}${'123456789ABCDEFGH'[n]}`;
const createdIntent = (n: number): ConnectionIntent => intent({ id: idOf(n) });
const creation = (n: number): IntentChange => ({ after: createdIntent(n) });
const authorization = (n: number): IntentChange => ({
  before: createdIntent(n),
  after: {
    ...createdIntent(n),
    status: 'authorized',
    oauth: undefined,
    updatedAt: '2022-03-31T03:00:00.000Z',
  },
});
const claim = (n: number): IntentChange => ({
  before: createdIntent(n),
  after: { ...createdIntent(n), claim: { id: 'c', codeHash: 'h', expiresAt: 1 } },
});
const eventIdOf = (change: IntentChange) => intentEventOf(change)?.detail.eventId ?? '';

describe('publishing a batch of changes', () => {
  it('publishes every status change in order and reports the whole batch done', async () => {
    const bus = new RecordingBus();
    const changes = [creation(1), undefined, claim(1), creation(2), authorization(1)];

    const outcome = await publishIntentEvents({ bus, timeLeftMs: PLENTY_OF_TIME }, changes);

    expect(outcome).toEqual({ done: 5, published: 3 });
    expect(bus.published).toEqual([creation(1), creation(2), authorization(1)].map(eventIdOf));
  });

  it('sends at most the bus maximum per request, and never two events of one intent in one request', async () => {
    const bus = new RecordingBus(3);
    const changes = [creation(1), creation(2), authorization(1), creation(3), creation(4), creation(5)];

    await publishIntentEvents({ bus, timeLeftMs: PLENTY_OF_TIME }, changes);

    expect(bus.requests.map((request) => request.map((event) => event.detail.id))).toEqual([
      [idOf(1), idOf(2)],
      [idOf(1), idOf(3), idOf(4)],
      [idOf(5)],
    ]);
  });

  it('stops at the first event the bus refused and hands back that change and all after it', async () => {
    const refused = eventIdOf(creation(2));
    const bus = new RecordingBus(10, (event) => event.detail.eventId === refused);
    const changes = [creation(1), undefined, creation(2), creation(3), authorization(1), creation(4)];

    const outcome = await publishIntentEvents({ bus, timeLeftMs: PLENTY_OF_TIME }, changes);

    expect(outcome).toEqual({ done: 2, published: 2, stoppedBecause: 'InternalFailure' });
    // The request after the refusal, which held the authorization of intent 1, was never sent.
    expect(bus.requests).toHaveLength(1);
  });

  it('hands back the changes of a request that failed as a whole', async () => {
    const bus: IntentEventBus = {
      maxEventsPerRequest: 10,
      publish: async () => {
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      },
    };

    const outcome = await publishIntentEvents({ bus, timeLeftMs: PLENTY_OF_TIME }, [undefined, creation(1)]);

    expect(outcome).toEqual({ done: 1, published: 0, stoppedBecause: 'request failed: TimeoutError' });
  });

  it('starts no request without the time its attempts may take, and hands the rest back', async () => {
    const bus = new RecordingBus(1);
    let timeLeft = PUBLISHER_BUDGET.putEventsReserveMs + 1;
    const timeLeftMs = () => {
      const now = timeLeft;
      timeLeft -= 2;
      return now;
    };

    const outcome = await publishIntentEvents({ bus, timeLeftMs }, [creation(1), creation(2)]);

    expect(outcome).toEqual({
      done: 1,
      published: 1,
      stoppedBecause: 'too little time left for another request',
    });
  });

  it('treats an event the bus gave no answer for as not published', async () => {
    const bus: IntentEventBus = { maxEventsPerRequest: 10, publish: async () => [{ published: true }] };

    const outcome = await publishIntentEvents({ bus, timeLeftMs: PLENTY_OF_TIME }, [
      creation(1),
      creation(2),
    ]);

    expect(outcome).toMatchObject({ done: 1, stoppedBecause: 'the bus gave no answer for it' });
  });
});

/**
 * Lambda's side, as the event source mapping behaves: it delivers a batch, and delivers again
 * everything from the first change handed back, until the whole stream is done.
 */
async function deliverUntilDone(changes: IntentChange[], bus: IntentEventBus, batchSize: number) {
  let position = 0;
  for (let deliveries = 0; position < changes.length; deliveries += 1) {
    if (deliveries > 1_000) throw new Error('the stream never got through');
    const batch = changes.slice(position, position + batchSize);
    const { done } = await publishIntentEvents({ bus, timeLeftMs: PLENTY_OF_TIME }, batch);
    position += done;
  }
}

describe('publishing a stream that the bus refuses at random', () => {
  it('publishes every status change at least once, and each intent’s events first in their order', async () => {
    const intents = [1, 2, 3, 4];
    const stream = fc.array(fc.constantFrom(...intents), { minLength: 1, maxLength: 30 }).map((picks) => {
      // Each pick writes to an intent: its creation first, then a claim, then its authorization.
      const writes = new Map<number, number>();
      return picks.flatMap((n): IntentChange[] => {
        const step = writes.get(n) ?? 0;
        writes.set(n, step + 1);
        return [[creation], [claim], [authorization]][step]?.map((make) => make(n)) ?? [];
      });
    });

    await fc.assert(
      fc.asyncProperty(
        stream,
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.infiniteStream(fc.boolean()),
        async (changes, batchSize, maxPerRequest, refusals) => {
          const bus = new RecordingBus(maxPerRequest, () => refusals.next().value === true);

          await deliverUntilDone(changes, bus, batchSize);

          const due = changes.map(eventIdOf).filter(Boolean);
          const taken = bus.published;
          const firstTimes = taken.filter((id, index) => taken.indexOf(id) === index);
          expect(new Set(firstTimes)).toEqual(new Set(due));
          for (const n of intents) {
            const ofIntent = (ids: string[]) =>
              ids.filter((id) => [creation(n), authorization(n)].map(eventIdOf).includes(id));
            expect(ofIntent(firstTimes)).toEqual(ofIntent(due));
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
