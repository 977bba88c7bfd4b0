import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { KEY_PREFIXES, type TableKey } from '../../functions/shared/repository/table-keys';
import { conditionFailed } from './mocked-table';
import { applyUpdate } from './stored-intent';

/** A command the client received that is not a read, with the keys it names. */
export interface RecordedWrite {
  command: string;
  keys: TableKey[];
}

/**
 * Reads by name; anything else the client receives counts as a write. Failing closed this way, a
 * write command nobody listed here (a Delete, a BatchWrite, a PartiQL statement) is still caught.
 */
const READ_COMMANDS = new Set([
  'GetCommand',
  'GetItemCommand',
  'BatchGetCommand',
  'BatchGetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'TransactGetCommand',
  'TransactGetItemsCommand',
]);

const keyOf = (item: { pk?: unknown; sk?: unknown }): string => `${String(item.pk)}|${String(item.sk)}`;

interface Command {
  constructor: { name: string };
  input: Record<string, unknown>;
}

/**
 * An in-memory table behind a DynamoDB document client, for suites that send thousands of requests
 * through one handler: reads answer from a map, puts and updates change it, and every command that
 * is not a read is recorded (queries answer too). A put honours `attribute_not_exists(pk)` and the rate-limit counter
 * refuses while `limitReached` (else it answers as an empty window would); other conditions are not evaluated (each run starts from the same
 * items, so the ones the service sends hold).
 *
 * The client's own `send` answers, not aws-sdk-client-mock's stub: sinon's argument matching costs
 * more than a whole request here, and these suites send tens of thousands.
 */
export class RecordingTable {
  readonly client: DynamoDBDocumentClient;
  private items = new Map<string, Record<string, unknown>>();
  private limitReached = false;
  private recorded: RecordedWrite[] = [];

  constructor() {
    this.client = DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    );
    // An own property shadows the prototype's send (and any stub other tests put there).
    Object.defineProperty(this.client, 'send', { value: (command: Command) => this.send(command) });
  }

  /**
   * Starts a run: these items and nothing else, the counter's state, and no recorded writes. The
   * items are frozen and shared between runs, not copied: writes replace an item, never change it.
   */
  reset(items: readonly Record<string, unknown>[], options: { limitReached: boolean }): void {
    this.items = new Map(items.map((item) => [keyOf(item), deepFreeze(item)]));
    this.limitReached = options.limitReached;
    this.recorded = [];
  }

  /** Every command since the last reset that is not a read. */
  writes(): readonly RecordedWrite[] {
    return this.recorded;
  }

  private async send(command: Command): Promise<Record<string, unknown>> {
    if (!READ_COMMANDS.has(command.constructor.name)) {
      this.recorded.push({ command: command.constructor.name, keys: keysNamedBy(command.input) });
    }
    if (command instanceof GetCommand) {
      const item = this.items.get(keyOf(command.input.Key ?? {}));
      return { Item: item ? structuredClone(item) : undefined };
    }
    if (command instanceof QueryCommand) return this.query(command.input);
    if (command instanceof PutCommand) return this.put(command.input);
    if (command instanceof UpdateCommand) return this.update(command.input);
    return {};
  }

  /**
   * The queries the service sends: one partition (of the table, or of the index named) whose sort
   * key begins with a prefix, in either order, up to `Limit`; a start key is not honoured (the
   * suites' partitions hold less than a page).
   */
  private query(input: QueryCommandInput): Record<string, unknown> {
    const names = input.ExpressionAttributeNames ?? {};
    const values = input.ExpressionAttributeValues ?? {};
    const [partition = 'pk', sort = 'sk'] = [
      ...(input.KeyConditionExpression ?? '').matchAll(/([#\w]+)\s*[=,]/g),
    ]
      .map((match) => match[1] ?? '')
      .map((name) => names[name] ?? name);
    const matching = [...this.items.values()]
      .filter((item) => item[partition] === values[':pk'])
      .filter((item) => String(item[sort] ?? '').startsWith(String(values[':prefix'] ?? '')))
      .sort((a, b) => (String(a[sort]) < String(b[sort]) ? -1 : 1));
    if (input.ScanIndexForward === false) matching.reverse();
    return { Items: structuredClone(matching.slice(0, input.Limit ?? matching.length)) };
  }

  private put(input: PutCommandInput): Record<string, unknown> {
    const item = input.Item ?? {};
    if (input.ConditionExpression === 'attribute_not_exists(pk)' && this.items.has(keyOf(item))) {
      throw conditionFailed();
    }
    this.items.set(keyOf(item), structuredClone(item));
    return {};
  }

  private update(input: UpdateCommandInput): Record<string, unknown> {
    const key = (input.Key ?? {}) as Partial<TableKey>;
    if (String(key.pk).startsWith(KEY_PREFIXES.rateLimit)) {
      if (this.limitReached) throw conditionFailed();
      // A window with room: the count is what this take added.
      return { Attributes: { requestCount: input.ExpressionAttributeValues?.[':count'] } };
    }
    const next = applyUpdate(this.items.get(keyOf(key)) ?? { ...key }, input);
    this.items.set(keyOf(key), next);
    return { Attributes: structuredClone(next) };
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The keys a write names: `Key`, `Item`, or the items of a batch or transaction. */
function keysNamedBy(input: Record<string, unknown>): TableKey[] {
  const keys: TableKey[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (typeof record.pk === 'string' && typeof record.sk === 'string') {
      keys.push({ pk: record.pk, sk: record.sk });
      return;
    }
    for (const child of Object.values(record)) visit(child, depth + 1);
  };
  visit(
    {
      Key: input.Key,
      Item: input.Item,
      RequestItems: input.RequestItems,
      TransactItems: input.TransactItems,
    },
    0,
  );
  return keys;
}
