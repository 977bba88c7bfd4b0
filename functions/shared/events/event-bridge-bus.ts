import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import type { IntentEvent } from '../domain/intent-events';
import type { EventPublication, IntentEventBus } from '../domain/ports';

/** PutEvents takes at most 10 entries a request. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

export interface EventBridgeBusOptions {
  client: EventBridgeClient;
  eventBusName: string;
}

/**
 * The intents' events on an EventBridge bus. PutEvents answers 200 even when it refused some
 * entries (FailedEntryCount, and an ErrorCode on each refused entry, in the request's order): each
 * event is told published only when its entry came back with an EventId.
 */
export class EventBridgeBus implements IntentEventBus {
  readonly maxEventsPerRequest = PUT_EVENTS_MAX_ENTRIES;

  constructor(private readonly options: EventBridgeBusOptions) {}

  async publish(events: readonly IntentEvent[]): Promise<EventPublication[]> {
    const { Entries = [] } = await this.options.client.send(
      new PutEventsCommand({ Entries: events.map((event) => this.entryOf(event)) }),
    );
    return events.map((_, index): EventPublication => {
      const entry = Entries[index];
      if (entry?.ErrorCode) return { published: false, reason: entry.ErrorCode };
      return entry?.EventId ? { published: true } : { published: false, reason: 'no entry in the answer' };
    });
  }

  private entryOf(event: IntentEvent): PutEventsRequestEntry {
    return {
      EventBusName: this.options.eventBusName,
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      Time: new Date(event.time),
    };
  }
}
