import type { ServerResponse } from 'node:http';
import * as z from 'zod';
import type { LocalPage } from './local-api';
import type { LocalEventBus } from './local-event-bus';
import type { DeadLetter } from './stream-reader';

/** Where the local stack shows the events it published (not part of the API). */
export const EVENTS_PATH = '/local/events';

export interface EventsPageOptions {
  bus: LocalEventBus;
  deadLetters: () => readonly DeadLetter[];
  /** Reads the table's stream again from its oldest record, as a rewound event source mapping would. */
  replay: () => Promise<void>;
}

const faultsSchema = z.strictObject({ refuseNext: z.number().int().min(0).max(1_000) });

/**
 * The local stack's view of its event bus, for people and tests:
 *
 * - `GET /local/events`: every event the bus took, in order, as EventBridge hands them to a target,
 *   with how many entries the faults switch refused and the batches given up after their retries;
 * - `PUT /local/events/faults` `{"refuseNext": n}`: the bus refuses the next n entries as PutEvents
 *   refuses one (the publisher hands the changes back and they are delivered again);
 * - `POST /local/events/replay`: the stream is read again from its oldest record, so every event is
 *   published again, with the same event ids.
 */
export function eventsPage(options: EventsPageOptions): LocalPage {
  return async (request, response, body) => {
    const { pathname } = new URL(request.url ?? '/', 'http://local');
    if (pathname === EVENTS_PATH && request.method === 'GET') {
      json(response, 200, {
        events: options.bus.events(),
        refused: options.bus.refused(),
        deadLetters: options.deadLetters(),
      });
      return true;
    }
    if (pathname === `${EVENTS_PATH}/faults` && request.method === 'PUT') {
      const faults = faultsSchema.safeParse(parseJson(body));
      if (!faults.success) {
        json(response, 400, { message: 'send {"refuseNext": <a whole number from 0 to 1000>}' });
        return true;
      }
      options.bus.refuseNext(faults.data.refuseNext);
      json(response, 200, faults.data);
      return true;
    }
    if (pathname === `${EVENTS_PATH}/replay` && request.method === 'POST') {
      await options.replay();
      json(response, 200, { replaying: true });
      return true;
    }
    return false;
  };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function json(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify(body));
}
