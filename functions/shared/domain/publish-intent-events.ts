import { PUBLISHER_BUDGET, type PublisherBudget } from '../time-budget';
import { type IntentChange, type IntentEvent, intentEventOf } from './intent-events';
import type { IntentEventBus } from './ports';

export interface PublishDependencies {
  bus: IntentEventBus;
  /** Time left in the invocation; no request is started without its reserve. */
  timeLeftMs: () => number;
  budget?: PublisherBudget;
}

export interface PublishOutcome {
  /**
   * How many of the changes, from the first, are dealt with: their events published, or none due.
   * The changes from this position on must be delivered again, in order.
   */
  done: number;
  /** How many events the bus took (some may be taken again when the rest is delivered again). */
  published: number;
  /** Why the change at `done` was not published; absent when every change is dealt with. */
  stoppedBecause?: string;
}

interface DueEvent {
  /** The change's position in the batch. */
  position: number;
  event: IntentEvent;
}

/**
 * Publishes the events of a batch of changes (one per position; undefined for a change that is not
 * an intent's), in the batch's order, at least once. It stops at the first event the bus did not
 * take: that change and every later one are handed back to be delivered again (Lambda retries a
 * stream from the first change it is handed back), so no event is lost and none of an intent's
 * events overtakes an earlier one. Events a request carried after the refused one may be published
 * twice; their ids are stable, so consumers drop the copy.
 */
export async function publishIntentEvents(
  deps: PublishDependencies,
  changes: readonly (IntentChange | undefined)[],
): Promise<PublishOutcome> {
  const budget = deps.budget ?? PUBLISHER_BUDGET;
  const due = changes.flatMap((change, position): DueEvent[] => {
    const event = change ? intentEventOf(change) : undefined;
    return event ? [{ position, event }] : [];
  });
  let published = 0;
  for (const request of requests(due, Math.max(1, deps.bus.maxEventsPerRequest))) {
    const first = request[0]?.position ?? changes.length;
    if (deps.timeLeftMs() < budget.putEventsReserveMs) {
      return { done: first, published, stoppedBecause: 'too little time left for another request' };
    }
    let outcomes: Awaited<ReturnType<IntentEventBus['publish']>>;
    try {
      outcomes = await deps.bus.publish(request.map(({ event }) => event));
    } catch (error) {
      return { done: first, published, stoppedBecause: `request failed: ${errorName(error)}` };
    }
    published += outcomes.filter((outcome) => outcome.published).length;
    const refused = request.findIndex((_, index) => outcomes[index]?.published !== true);
    if (refused >= 0) {
      const outcome = outcomes[refused];
      return {
        done: request[refused]?.position ?? first,
        published,
        stoppedBecause: outcome && !outcome.published ? outcome.reason : 'the bus gave no answer for it',
      };
    }
  }
  return { done: changes.length, published };
}

/**
 * The due events cut into requests, in order: at most `max` per request, and at most one of each
 * intent, so that an intent's later event is never taken in the same request as an earlier one the
 * bus refused (which would publish them out of order).
 */
function requests(due: readonly DueEvent[], max: number): DueEvent[][] {
  const all: DueEvent[][] = [];
  let current: DueEvent[] = [];
  for (const item of due) {
    const sameIntent = current.some(({ event }) => event.detail.id === item.event.detail.id);
    if (current.length >= max || sameIntent) {
      all.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) all.push(current);
  return all;
}

const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);
