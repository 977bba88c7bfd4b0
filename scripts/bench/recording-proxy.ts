import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { TABLE_KEY_SCHEMA } from '../../functions/shared/repository/table-keys';
import { GLOBAL_SECONDARY_INDEXES } from '../../local/table-indexes';
import { type IndexDefinition, type Item, indexWriteUnits, itemBytes, writeUnitsFor } from './item-size';
import {
  keyOf,
  kindOfRequest,
  READ_OPERATIONS,
  SINGLE_ITEM_WRITES,
  type TableCall,
  WRITE_OPERATIONS,
} from './table-calls';

export interface RecordingProxyOptions {
  /** The engine's endpoint. */
  engine: string;
  /**
   * Whether to compute the index write units from the item before and after each write (dynalite
   * reports none) rather than take the engine's (DynamoDB Local reports them as DynamoDB does).
   */
  modelIndexWrites: boolean;
  /** The indexes of the table, as the stack defines them; the local stack's by default. */
  indexes?: readonly IndexDefinition[];
}

export interface RecordingProxy {
  endpoint: string;
  /** The tag the next requests are recorded under; undefined: not recorded. */
  tag: string | undefined;
  /** Every recorded call since the last take, in the order they were answered. */
  take(): TableCall[];
  close(): Promise<void>;
}

interface ConsumedCapacity {
  CapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

/** The operations that take ReturnConsumedCapacity. */
const CAPACITY_OPERATIONS = new Set([...READ_OPERATIONS, ...WRITE_OPERATIONS]);

/**
 * An HTTP proxy between the functions and the DynamoDB engine that records every request: its
 * operation (X-Amz-Target), its kind of item, and what it consumed. It asks the engine for the
 * consumed capacity of each request (`ReturnConsumedCapacity: INDEXES`) and hands the function
 * the answer it would have had without it; for single-item writes it reads the item before and
 * after (past itself), for the item's size and the index writes. The functions only see a
 * different endpoint (AWS_ENDPOINT_URL_DYNAMODB): nothing in functions/ knows it is there.
 */
export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const engine = new URL(options.engine);
  const agent = new Agent({ keepAlive: true });
  const images = new DynamoDBClient({
    endpoint: options.engine,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const indexes = options.indexes ?? GLOBAL_SECONDARY_INDEXES;
  const tableKeys = [TABLE_KEY_SCHEMA.partitionKey, TABLE_KEY_SCHEMA.sortKey];
  let recorded: TableCall[] = [];
  const state = { tag: undefined as string | undefined };

  const imageOf = async (tableName: string, key: Item | undefined): Promise<Item | undefined> => {
    if (!key) return undefined;
    const { Item: item } = await images.send(
      new GetItemCommand({ TableName: tableName, Key: key as never, ConsistentRead: true }),
    );
    return item as Item | undefined;
  };

  const server = createServer(async (incoming, outgoing) => {
    try {
      const tag = state.tag;
      const text = (await readAll(incoming)).toString('utf8');
      const target = String(incoming.headers['x-amz-target'] ?? '');
      const operation = target.slice(target.indexOf('.') + 1);
      const request = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      const asked = request.ReturnConsumedCapacity as string | undefined;
      const measured = CAPACITY_OPERATIONS.has(operation);
      const sent = measured ? { ...request, ReturnConsumedCapacity: 'INDEXES' } : request;
      const tableName = String(request.TableName ?? '');
      const single = tag !== undefined && SINGLE_ITEM_WRITES.has(operation);
      const before = single ? await imageOf(tableName, keyOf(request)) : undefined;

      const answer = await forward(engine, agent, incoming, JSON.stringify(sent));
      let body = answer.body;
      if (measured && answer.status === 200) {
        const parsed = JSON.parse(body.toString('utf8')) as { ConsumedCapacity?: ConsumedCapacity };
        const consumed = parsed.ConsumedCapacity;
        if (tag !== undefined) {
          const after = single ? await imageOf(tableName, keyOf(request)) : undefined;
          recorded.push(
            recordOf({ tag, operation, request, status: 200, consumed, before, after }, indexes, tableKeys, {
              modelIndexWrites: options.modelIndexWrites,
            }),
          );
        }
        body = Buffer.from(JSON.stringify(withAskedCapacity(parsed, asked)), 'utf8');
      } else if (tag !== undefined) {
        const error = parseError(body);
        const conditionFailed = error.endsWith('ConditionalCheckFailedException');
        recorded.push({
          tag,
          operation,
          kind: kindOfRequest(request),
          request,
          status: answer.status,
          conditionFailed,
          readUnits: 0,
          // DynamoDB charges a failed condition the write it would have been (at least one unit).
          writeUnits: conditionFailed ? writeUnitsFor(before ? itemBytes(before) : 0) : 0,
          indexWriteUnits: 0,
        });
      }
      const headers: Record<string, string> = { ...answer.headers, 'content-length': String(body.length) };
      if (headers['x-amz-crc32'] !== undefined) headers['x-amz-crc32'] = String(crc32(body));
      outgoing.writeHead(answer.status, headers);
      outgoing.end(body);
    } catch (error) {
      outgoing.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      outgoing.end(JSON.stringify({ __type: 'BenchProxyError', message: String(error) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get tag() {
      return state.tag;
    },
    set tag(tag) {
      state.tag = tag;
    },
    take: () => {
      const taken = recorded;
      recorded = [];
      return taken;
    },
    close: () =>
      closeServer(server).finally(() => {
        agent.destroy();
        images.destroy();
      }),
  };
}

interface Observed {
  tag: string;
  operation: string;
  request: Record<string, unknown>;
  status: number;
  consumed: ConsumedCapacity | undefined;
  before: Item | undefined;
  after: Item | undefined;
}

/** One call's units: the engine's for the table, and for the indexes the engine's or the model's. */
export function recordOf(
  observed: Observed,
  indexes: readonly IndexDefinition[],
  tableKeys: readonly string[],
  options: { modelIndexWrites: boolean },
): TableCall {
  const { consumed, operation } = observed;
  const total = consumed?.CapacityUnits ?? 0;
  const reported = Object.values(consumed?.GlobalSecondaryIndexes ?? {}).reduce(
    (sum, index) => sum + (index.CapacityUnits ?? 0),
    0,
  );
  const isWrite = WRITE_OPERATIONS.has(operation);
  const tableUnits = consumed?.Table?.CapacityUnits ?? total - reported;
  const modelled = SINGLE_ITEM_WRITES.has(operation);
  const indexUnits = !isWrite
    ? 0
    : options.modelIndexWrites && modelled
      ? indexes.reduce(
          (sum, index) => sum + indexWriteUnits(index, tableKeys, observed.before, observed.after),
          0,
        )
      : reported;
  return {
    tag: observed.tag,
    operation,
    kind: kindOfRequest(observed.request),
    request: observed.request,
    status: observed.status,
    conditionFailed: false,
    readUnits: isWrite ? 0 : total,
    writeUnits: isWrite ? tableUnits + indexUnits : 0,
    indexWriteUnits: indexUnits,
    ...(observed.after ? { itemBytes: itemBytes(observed.after) } : {}),
  };
}

/** The answer as the function asked for it: without the consumed capacity, or with TOTAL's only. */
function withAskedCapacity(
  answer: { ConsumedCapacity?: ConsumedCapacity },
  asked: string | undefined,
): Record<string, unknown> {
  const { ConsumedCapacity: consumed, ...rest } = answer;
  if (asked === 'INDEXES' || consumed === undefined) return answer;
  if (asked === 'TOTAL') {
    const {
      Table: _table,
      GlobalSecondaryIndexes: _global,
      LocalSecondaryIndexes: _local,
      ...total
    } = consumed;
    return { ...rest, ConsumedCapacity: total };
  }
  return rest;
}

function parseError(body: Buffer): string {
  try {
    return String((JSON.parse(body.toString('utf8')) as { __type?: unknown }).__type ?? '');
  } catch {
    return '';
  }
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Sends the request on with its headers, the body changed: the engines do not check the signature,
 * which no longer matches it.
 */
function forward(engine: URL, agent: Agent, incoming: IncomingMessage, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = {
      ...incoming.headers,
      host: engine.host,
      'content-length': String(Buffer.byteLength(body)),
    };
    const request = httpRequest(
      {
        hostname: engine.hostname,
        port: engine.port,
        path: incoming.url,
        method: incoming.method,
        headers,
        agent,
      },
      (response) => {
        readAll(response).then(
          (answerBody) =>
            resolve({
              status: response.statusCode ?? 500,
              headers: Object.fromEntries(
                Object.entries(response.headers)
                  .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
                  .filter(([name]) => name !== 'transfer-encoding' && name !== 'connection'),
              ),
              body: answerBody,
            }),
          reject,
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
