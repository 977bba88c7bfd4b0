import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An event as EventBridge hands it to a rule's target. */
export interface LocalBusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
}

export interface LocalEventBus {
  /** The bus's endpoint, for AWS_ENDPOINT_URL_EVENTBRIDGE. */
  endpoint: string;
  /** The only bus name it takes entries for, for EVENT_BUS_NAME. */
  name: string;
  /** Every event it took, in the order it took them. */
  events(): readonly LocalBusEvent[];
  /** How many entries the fault switch has refused so far. */
  refused(): number;
  /** Refuses the next `count` entries, as PutEvents refuses an entry (InternalFailure), to exercise retries. */
  refuseNext(count: number): void;
  close(): Promise<void>;
}

export interface LocalEventBusOptions {
  name: string;
  /** Where each event is told, one line each (the local stack prints them). */
  print: (line: string) => void;
}

interface PutEventsEntry {
  EventBusName?: unknown;
  Source?: unknown;
  DetailType?: unknown;
  Detail?: unknown;
  Time?: unknown;
  Resources?: unknown;
}

type EntryAnswer = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const ACCOUNT = '000000000000';
const REGION = 'local';

/**
 * EventBridge's PutEvents on loopback, for the local stack: the publisher's own EventBridge client
 * (AWS_ENDPOINT_URL_EVENTBRIDGE) puts its events here, so the local stack runs the same adapter
 * as Lambda, refused entries included. Each event taken is printed as one line and kept for
 * `GET /local/events`. It speaks the JSON protocol the SDK sends (`X-Amz-Target:
 * AWSEvents.PutEvents`) and nothing else, checks no signature, and listens on 127.0.0.1 only.
 */
export async function startLocalEventBus(options: LocalEventBusOptions): Promise<LocalEventBus> {
  const taken: LocalBusEvent[] = [];
  let toRefuse = 0;
  let refused = 0;

  const answerEntry = (entry: PutEventsEntry): EntryAnswer => {
    const problem = entryProblem(entry, options.name);
    if (problem) return problem;
    if (toRefuse > 0) {
      toRefuse -= 1;
      refused += 1;
      options.print(`event refused by the faults switch: ${String(entry.DetailType)}`);
      return { ErrorCode: 'InternalFailure', ErrorMessage: 'Refused by the local faults switch' };
    }
    const event: LocalBusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': String(entry.DetailType),
      source: String(entry.Source),
      account: ACCOUNT,
      time: eventTime(entry.Time),
      region: REGION,
      resources: Array.isArray(entry.Resources) ? entry.Resources.map(String) : [],
      detail: JSON.parse(String(entry.Detail)),
    };
    taken.push(event);
    options.print(`event ${JSON.stringify(event)}`);
    return { EventId: event.id };
  };

  const server = createServer((request, response) => {
    readJson(request)
      .then((body) => {
        if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
          answer(response, 400, {
            __type: 'UnknownOperationException',
            message: 'Only PutEvents is emulated',
          });
          return;
        }
        const entries = (body as { Entries?: unknown }).Entries;
        if (!Array.isArray(entries) || entries.length < 1 || entries.length > 10) {
          answer(response, 400, {
            __type: 'ValidationException',
            message: 'Entries must hold 1 to 10 entries',
          });
          return;
        }
        const answers = entries.map((entry: PutEventsEntry) => answerEntry(entry));
        answer(response, 200, {
          FailedEntryCount: answers.filter((entryAnswer) => 'ErrorCode' in entryAnswer).length,
          Entries: answers,
        });
      })
      .catch(() => answer(response, 400, { __type: 'SerializationException', message: 'Not JSON' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    name: options.name,
    events: () => taken,
    refused: () => refused,
    refuseNext: (count) => {
      toRefuse = count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** What EventBridge would refuse the entry for, as it answers it: the entry's own error. */
function entryProblem(entry: PutEventsEntry, busName: string): EntryAnswer | undefined {
  if (entry.EventBusName !== busName) {
    return {
      ErrorCode: 'ResourceNotFoundException',
      ErrorMessage: `Event bus ${String(entry.EventBusName)} does not exist.`,
    };
  }
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter ${field} is not valid.` };
    }
  }
  try {
    const detail: unknown = JSON.parse(String(entry.Detail));
    if (typeof detail === 'object' && detail !== null && !Array.isArray(detail)) return undefined;
  } catch {
    // Told below, as EventBridge tells a detail that is not a JSON object.
  }
  return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
}

/** The SDK sends `Time` in epoch seconds; EventBridge tells it to the second, in UTC. */
function eventTime(time: unknown): string {
  const seconds = typeof time === 'number' ? time : Date.now() / 1_000;
  return new Date(Math.floor(seconds) * 1_000).toISOString().replace('.000Z', 'Z');
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

function answer(response: ServerResponse, statusCode: number, body: unknown): void {
  response.writeHead(statusCode, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}
