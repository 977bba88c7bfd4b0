import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_KEY_SCHEMA } from '../functions/shared/repository/table-keys';
import { GLOBAL_SECONDARY_INDEXES, INDEX_ATTRIBUTE_DEFINITIONS } from './table-indexes';

export interface LocalDynamoDb {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * The DynamoDB API on loopback through dynalite: in memory, or in a folder when `persistDir` is
 * given, so data survives a restart.
 */
export async function startLocalDynamoDb(
  options: { port?: number; persistDir?: string } = {},
): Promise<LocalDynamoDb> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.persistDir ? { path: options.persistDir } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Creates the service table with the same keys and billing as the CDK stack; an existing table is kept. */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new CreateTableCommand({
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
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  client.destroy();
}
