import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_KEY_SCHEMA, TIME_TO_LIVE_ATTRIBUTE } from '../functions/shared/repository/table-keys';
import { startDynamoDbLocal } from './dynamodb-local-process';
import { GLOBAL_SECONDARY_INDEXES, INDEX_ATTRIBUTE_DEFINITIONS } from './table-indexes';

/**
 * The engines the local stack can run the DynamoDB API on: dynalite (in-process, starts in
 * milliseconds, no Java) and AWS's DynamoDB Local (a JVM, closer to the service: transactions,
 * TTL, streams, ReturnValuesOnConditionCheckFailure).
 */
export const DYNAMODB_ENGINES = ['dynalite', 'dynamodb-local'] as const;
export type DynamoDbEngine = (typeof DYNAMODB_ENGINES)[number];

/**
 * Chooses the engine wherever none is given: `npm start` without `--engine`, and every local
 * DynamoDB the tests start (their setup sets it).
 */
export const ENGINE_VARIABLE = 'LOCAL_DYNAMODB_ENGINE';

export function parseEngine(value: string | undefined, source: string): DynamoDbEngine {
  const engine = DYNAMODB_ENGINES.find((name) => name === value);
  if (!engine) throw new Error(`${source} must be one of ${DYNAMODB_ENGINES.join(', ')}, not "${value}"`);
  return engine;
}

/** The engine LOCAL_DYNAMODB_ENGINE names; dynalite, which needs no Java, when it is unset. */
export function engineFromEnvironment(env: NodeJS.ProcessEnv = process.env): DynamoDbEngine {
  return parseEngine(env[ENGINE_VARIABLE] || 'dynalite', ENGINE_VARIABLE);
}

export interface LocalDynamoDb {
  engine: DynamoDbEngine;
  endpoint: string;
  close(): Promise<void>;
}

export interface LocalDynamoDbOptions {
  /** Default: the one LOCAL_DYNAMODB_ENGINE names, else dynalite. */
  engine?: DynamoDbEngine;
  /** Keep the data in this folder instead of memory, so it survives a restart. */
  persistDir?: string;
}

/** The DynamoDB API on loopback, in memory or in a folder, on the chosen engine. */
export async function startLocalDynamoDb(options: LocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  if ((options.engine ?? engineFromEnvironment()) === 'dynamodb-local') {
    const jvm = await startDynamoDbLocal(options.persistDir ? { persistDir: options.persistDir } : {});
    return { engine: 'dynamodb-local', endpoint: jvm.endpoint, close: jvm.close };
  }
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.persistDir ? { path: options.persistDir } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    engine: 'dynalite',
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The stream the stack's table has (lib/service-state.ts), which the local stack's events are read from. */
const STREAM = { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } as const;

/** The service table as the CDK stack defines it: its keys and billing, on every engine. */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [
      { AttributeName: TABLE_KEY_SCHEMA.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEY_SCHEMA.sortKey, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: TABLE_KEY_SCHEMA.partitionKey, AttributeType: 'S' },
      { AttributeName: TABLE_KEY_SCHEMA.sortKey, AttributeType: 'S' },
      ...INDEX_ATTRIBUTE_DEFINITIONS,
    ],
    GlobalSecondaryIndexes: GLOBAL_SECONDARY_INDEXES,
  };
}

/**
 * Creates the service table (an existing one is kept) and waits until it is active. On DynamoDB
 * Local it also gets what dynalite has no API for: the stack's TTL attribute, and a stream of new
 * and old images for the work that reads the table's changes. `engine` is the one the endpoint
 * runs (LocalDynamoDb.engine); by default the one startLocalDynamoDb picks by default.
 */
export async function ensureTable(
  endpoint: string,
  tableName: string,
  engine: DynamoDbEngine = engineFromEnvironment(),
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const definition = tableDefinition(tableName);
    try {
      await client.send(
        new CreateTableCommand(
          engine === 'dynamodb-local'
            ? {
                ...definition,
                StreamSpecification: STREAM,
              }
            : definition,
        ),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitUntilActive(client, tableName);
    if (engine === 'dynamodb-local') {
      await enableStream(client, tableName);
      await enableTimeToLive(client, tableName);
    }
  } finally {
    client.destroy();
  }
}

async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A table kept with --persist from before the stream was part of it gets one now. */
async function enableStream(client: DynamoDBClient, tableName: string): Promise<void> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.StreamSpecification?.StreamEnabled) return;
  await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: STREAM }));
  await waitUntilActive(client, tableName);
}

async function enableTimeToLive(client: DynamoDBClient, tableName: string): Promise<void> {
  const { TimeToLiveDescription } = await client.send(
    new DescribeTimeToLiveCommand({ TableName: tableName }),
  );
  // A persisted table keeps its setting, and enabling it twice is an error.
  if (TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED') return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { Enabled: true, AttributeName: TIME_TO_LIVE_ATTRIBUTE },
    }),
  );
}
