import { randomUUID } from 'node:crypto';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { toLambdaRecord } from './lambda-stream-records';

/** A function fed by a DynamoDB stream, as Lambda calls it. */
export type StreamHandler = (
  event: DynamoDBStreamEvent,
  context: Context,
) => Promise<DynamoDBBatchResponse | undefined>;

/** A batch given up after its retries: what Lambda would send the mapping's on-failure destination. */
export interface DeadLetter {
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize: number;
  reason: string;
}

export interface StreamReaderOptions {
  endpoint: string;
  tableName: string;
  handler: StreamHandler;
  /** The mapping's filter: records it does not accept never reach the handler. */
  accepts: (record: DynamoDBRecord) => boolean;
  batchSize: number;
  retryAttempts: number;
  /** The function timeout the handler sees through `getRemainingTimeInMillis`. */
  functionTimeoutMs: number;
  functionName: string;
  onDeadLetter: (letter: DeadLetter) => void;
  /** Where the reader tells what went wrong (handed-back records, a failed invocation, a read error). */
  log: (line: string) => void;
}

export interface StreamReader {
  streamArn: string;
  /** Reads every shard again from its oldest record, as a rewound event source mapping would. */
  replay(): Promise<void>;
  /** Stops reading; resolves once no read or invocation is under way. */
  close(): Promise<void>;
}

/** How often an idle shard is polled (Lambda polls a shard about four times a second). */
const POLL_INTERVAL_MS = 250;
/** How often the stream's shards are listed, to find the ones that follow a closed shard. */
const DISCOVERY_INTERVAL_MS = 1_000;
/** The wait before a batch is delivered again grows from this to the cap below. */
const FIRST_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 2_000;

/**
 * Lambda's DynamoDB event source mapping, on the local stack's DynamoDB Local: it follows every
 * shard of the table's stream (a shard's children only once the shard is read to its end), hands
 * the handler batches of Lambda-shaped records in the stream's order, delivers again from the first
 * record the handler hands back (ReportBatchItemFailures; a whole batch when the invocation fails),
 * and after `retryAttempts` gives the batch up as Lambda names it in the on-failure destination.
 * It resolves once it holds an iterator on every open shard, so no write after that is missed;
 * shards open at the start are read from their latest record (older records belong to an earlier
 * run kept with --persist), shards found later from their oldest.
 *
 * Unlike Lambda it does not split a failed batch in two (bisect on error): a failed invocation is
 * retried whole, which changes when a batch is given up, not what is published.
 */
export async function startStreamReader(options: StreamReaderOptions): Promise<StreamReader> {
  const client = new DynamoDBStreamsClient({
    endpoint: options.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { Streams = [] } = await client.send(new ListStreamsCommand({ TableName: options.tableName }));
  const streamArn = Streams.at(-1)?.StreamArn;
  if (!streamArn) {
    client.destroy();
    throw new Error(`The table ${options.tableName} has no stream`);
  }
  const reader = new ShardFollower(client, streamArn, options);
  await reader.start();
  return {
    streamArn,
    replay: () => reader.replay(),
    close: async () => {
      await reader.stop();
      client.destroy();
    },
  };
}

class ShardFollower {
  private readonly stopping = new AbortController();
  /** Each replay starts a new generation; the workers of an older one stop. */
  private generation = 0;
  private readonly started = new Set<string>();
  private readonly finished = new Set<string>();
  private workers: Promise<void>[] = [];
  private discovery: Promise<void> | undefined;

  constructor(
    private readonly client: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly options: StreamReaderOptions,
  ) {}

  async start(): Promise<void> {
    const shards = await this.shards();
    const positioned = await Promise.all(
      shards
        .filter((shard) => shard.ShardId && !shard.SequenceNumberRange?.EndingSequenceNumber)
        .map(async (shard) => ({ shard, iterator: await this.iterator(shard.ShardId ?? '', 'LATEST') })),
    );
    for (const shard of shards) {
      const id = shard.ShardId ?? '';
      this.started.add(id);
      // Closed before this run: nothing of this run is in it.
      if (shard.SequenceNumberRange?.EndingSequenceNumber) this.finished.add(id);
    }
    for (const { shard, iterator } of positioned) this.follow(shard.ShardId ?? '', iterator, 'LATEST');
    this.discovery = this.discover(this.generation);
  }

  async replay(): Promise<void> {
    this.generation += 1;
    const old = [...this.workers, ...(this.discovery ? [this.discovery] : [])];
    await Promise.all(old);
    this.workers = [];
    this.started.clear();
    this.finished.clear();
    this.discovery = this.discover(this.generation);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.workers, ...(this.discovery ? [this.discovery] : [])]);
  }

  private current(generation: number): boolean {
    return generation === this.generation && !this.stopping.signal.aborted;
  }

  /** Starts a worker on each shard whose parent is read to its end (or gone from the stream). */
  private async discover(generation: number): Promise<void> {
    while (this.current(generation)) {
      try {
        const shards = await this.shards();
        const known = new Set(shards.map((shard) => shard.ShardId));
        for (const shard of shards) {
          const id = shard.ShardId ?? '';
          const parent = shard.ParentShardId;
          const parentDone = !parent || !known.has(parent) || this.finished.has(parent);
          if (this.started.has(id) || !parentDone || !this.current(generation)) continue;
          this.started.add(id);
          const iterator = await this.iterator(id, 'TRIM_HORIZON');
          this.follow(id, iterator, 'TRIM_HORIZON');
        }
      } catch (error) {
        if (this.current(generation))
          this.options.log(`stream reader: listing shards failed: ${describe(error)}`);
      }
      await this.pause(DISCOVERY_INTERVAL_MS);
    }
  }

  private follow(shardId: string, iterator: string | undefined, type: ShardIteratorType): void {
    const generation = this.generation;
    this.workers.push(
      this.read(shardId, iterator, type, generation).catch((error: unknown) => {
        if (this.current(generation))
          this.options.log(`stream reader: shard ${shardId} stopped: ${describe(error)}`);
      }),
    );
  }

  /** One shard, as one event source mapping reads it: one batch at a time, in order. */
  private async read(
    shardId: string,
    first: string | undefined,
    type: ShardIteratorType,
    generation: number,
  ): Promise<void> {
    let iterator = first;
    let lastRead: string | undefined;
    let pending: DynamoDBRecord[] = [];
    let attempts = 0;
    while (this.current(generation)) {
      if (pending.length === 0) {
        if (!iterator) {
          this.finished.add(shardId);
          return;
        }
        let records: DynamoDBRecord[];
        try {
          const out = await this.client.send(new GetRecordsCommand({ ShardIterator: iterator }), {
            abortSignal: this.stopping.signal,
          });
          iterator = out.NextShardIterator;
          records = (out.Records ?? []).map((record) => toLambdaRecord(record, this.streamArn));
        } catch (error) {
          if (!this.current(generation)) return;
          if (error instanceof ExpiredIteratorException) {
            // Unused for 15 minutes (a long run of retries): continue after the last record read.
            iterator = lastRead
              ? await this.iterator(shardId, 'AFTER_SEQUENCE_NUMBER', lastRead)
              : await this.iterator(shardId, type);
          } else {
            // DynamoDB Local busy or restarting: the same iterator reads the same records later.
            this.options.log(
              `stream reader: reading shard ${shardId} failed, trying again: ${describe(error)}`,
            );
            await this.pause(MAX_RETRY_DELAY_MS);
          }
          continue;
        }
        lastRead = records.at(-1)?.dynamodb?.SequenceNumber ?? lastRead;
        pending = records.filter(this.options.accepts);
        if (pending.length === 0) {
          if (iterator) await this.pause(POLL_INTERVAL_MS);
          continue;
        }
      }
      const batch = pending.slice(0, this.options.batchSize);
      const { done, reason } = await this.invoke(batch);
      if (done === batch.length) {
        pending = pending.slice(batch.length);
        attempts = 0;
        continue;
      }
      pending = pending.slice(done);
      attempts += 1;
      const failed = batch.slice(done);
      if (attempts > this.options.retryAttempts) {
        this.giveUp(shardId, failed, reason);
        pending = pending.slice(failed.length);
        attempts = 0;
        continue;
      }
      await this.pause(Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (attempts - 1)));
    }
  }

  /**
   * Calls the handler; resolves with how many records of the batch are done. As Lambda reads a
   * partial batch response: the lowest sequence number handed back is where delivery starts again,
   * and an identifier that names no record of the batch (or a failed invocation) fails all of it.
   */
  private async invoke(batch: DynamoDBRecord[]): Promise<{ done: number; reason: string }> {
    try {
      const response = await this.options.handler({ Records: batch }, this.context());
      const handedBack = response?.batchItemFailures ?? [];
      if (handedBack.length === 0) return { done: batch.length, reason: '' };
      const positions = handedBack.map(({ itemIdentifier }) =>
        batch.findIndex((record) => record.dynamodb?.SequenceNumber === itemIdentifier),
      );
      const done = positions.some((position) => position < 0) ? 0 : Math.min(...positions);
      this.options.log(`stream reader: ${batch.length - done} record(s) handed back, delivering them again`);
      return { done, reason: 'records handed back by the function' };
    } catch (error) {
      this.options.log(`stream reader: the function failed, delivering the batch again: ${describe(error)}`);
      return { done: 0, reason: `the function failed: ${describe(error)}` };
    }
  }

  private giveUp(shardId: string, failed: DynamoDBRecord[], reason: string): void {
    this.options.onDeadLetter({
      shardId,
      startSequenceNumber: failed[0]?.dynamodb?.SequenceNumber ?? '',
      endSequenceNumber: failed.at(-1)?.dynamodb?.SequenceNumber ?? '',
      batchSize: failed.length,
      reason,
    });
  }

  private context(): Context {
    const deadline = Date.now() + this.options.functionTimeoutMs;
    const name = this.options.functionName;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${name}`,
      memoryLimitInMB: '512',
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }

  private async shards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let after: string | undefined;
    do {
      const { StreamDescription } = await this.client.send(
        new DescribeStreamCommand({
          StreamArn: this.streamArn,
          ...(after ? { ExclusiveStartShardId: after } : {}),
        }),
        { abortSignal: this.stopping.signal },
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      after = StreamDescription?.LastEvaluatedShardId;
    } while (after);
    return shards;
  }

  private async iterator(
    shardId: string,
    type: ShardIteratorType,
    sequenceNumber?: string,
  ): Promise<string | undefined> {
    const { ShardIterator } = await this.client.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(sequenceNumber ? { SequenceNumber: sequenceNumber } : {}),
      }),
      { abortSignal: this.stopping.signal },
    );
    return ShardIterator;
  }

  /** Waits, or less if the reader stops meanwhile. */
  private pause(ms: number): Promise<void> {
    const signal = this.stopping.signal;
    return new Promise((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
