import { KEY_PREFIXES, TABLE_KEY_SCHEMA } from '../../functions/shared/repository/table-keys';
import type { AttributeValue, Item } from './item-size';

/** The partition prefix of the bare handlers' items, apart from every kind the service keeps. */
export const FLOOR_PREFIX = 'FLOOR#';

/** One request a function made to the table, as the recording proxy saw it. */
export interface TableCall {
  /** What the bench was doing when the request arrived (an operation's name, `priming`…). */
  tag: string;
  /** The DynamoDB operation, from X-Amz-Target: `PutItem`, `Query`… */
  operation: string;
  /** The kind of item, by its partition key's prefix (`intent`, `rateLimit`, `floor`…). */
  kind: string;
  /** The request as the function sent it. */
  request: Record<string, unknown>;
  status: number;
  /** A conditional write whose condition failed: DynamoDB still charges it. */
  conditionFailed: boolean;
  readUnits: number;
  /** Write units of the table and of its indexes together. */
  writeUnits: number;
  indexWriteUnits: number;
  /** The item's size after a successful write. */
  itemBytes?: number;
}

export const READ_OPERATIONS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
export const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);
/** The single-item writes whose item the proxy can read before and after. */
export const SINGLE_ITEM_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem']);

const PREFIXES: [string, string][] = [
  ...Object.entries(KEY_PREFIXES).map(([kind, prefix]): [string, string] => [kind, prefix]),
  ['floor', FLOOR_PREFIX],
];

export function kindOfPartition(partitionKey: string | undefined): string {
  if (partitionKey === undefined) return 'other';
  return PREFIXES.find(([, prefix]) => partitionKey.startsWith(prefix))?.[0] ?? 'other';
}

/** The table key of a single-item request: its Key, or the keys of the item it puts. */
export function keyOf(request: Record<string, unknown>): Item | undefined {
  const key = (request.Key ?? request.Item) as Item | undefined;
  if (!key) return undefined;
  const { partitionKey, sortKey } = TABLE_KEY_SCHEMA;
  const picked: Item = {};
  for (const name of [partitionKey, sortKey]) if (key[name]) picked[name] = key[name] as AttributeValue;
  return picked;
}

/**
 * A request's kind of item: by its key, for a batch read by its first key, or for a query by the
 * first key-like value it names.
 */
export function kindOfRequest(request: Record<string, unknown>): string {
  const key = keyOf(request);
  if (key) return kindOfPartition(key[TABLE_KEY_SCHEMA.partitionKey]?.S);
  const batches = Object.values((request.RequestItems ?? {}) as Record<string, { Keys?: Item[] }>);
  const batchKey = batches[0]?.Keys?.[0];
  if (batchKey) return kindOfPartition(batchKey[TABLE_KEY_SCHEMA.partitionKey]?.S);
  const values = Object.values((request.ExpressionAttributeValues ?? {}) as Item);
  const named = values.map((value) => kindOfPartition(value.S)).find((kind) => kind !== 'other');
  return named ?? 'other';
}

export const isRead = (call: TableCall): boolean => READ_OPERATIONS.has(call.operation);
export const isWrite = (call: TableCall): boolean => WRITE_OPERATIONS.has(call.operation);
