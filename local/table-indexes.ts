import {
  type AttributeDefinition,
  DescribeTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { ACCOUNT_TIMELINE_INDEX, EXPIRY_INDEX } from '../functions/shared/repository/table-keys';

/** The stack's global secondary indexes (lib/table-indexes.ts) as CreateTable parameters. */
export const GLOBAL_SECONDARY_INDEXES: GlobalSecondaryIndex[] = [
  {
    IndexName: ACCOUNT_TIMELINE_INDEX.indexName,
    KeySchema: [
      { AttributeName: ACCOUNT_TIMELINE_INDEX.partitionKey, KeyType: 'HASH' },
      { AttributeName: ACCOUNT_TIMELINE_INDEX.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  },
  {
    IndexName: EXPIRY_INDEX.indexName,
    KeySchema: [
      { AttributeName: EXPIRY_INDEX.partitionKey, KeyType: 'HASH' },
      { AttributeName: EXPIRY_INDEX.sortKey, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'KEYS_ONLY' },
  },
];

/** The attributes the indexes key on; CreateTable wants them beside the table's own. */
export const INDEX_ATTRIBUTE_DEFINITIONS: AttributeDefinition[] = [
  { AttributeName: ACCOUNT_TIMELINE_INDEX.partitionKey, AttributeType: 'S' },
  { AttributeName: ACCOUNT_TIMELINE_INDEX.sortKey, AttributeType: 'S' },
  { AttributeName: EXPIRY_INDEX.partitionKey, AttributeType: 'S' },
  { AttributeName: EXPIRY_INDEX.sortKey, AttributeType: 'S' },
];

/**
 * A table kept from an earlier run (`--persist`) may predate an index, and dynalite cannot add one
 * to an existing table: say so at start rather than fail every listing or sweep.
 */
export async function requireTableIndexes(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    const missing = GLOBAL_SECONDARY_INDEXES.filter((index) => !present.has(index.IndexName));
    if (missing.length > 0) {
      throw new Error(
        `The table ${tableName} has no index ${missing.map((index) => index.IndexName).join(', ')}: it was made by an earlier version. Start with an empty data folder.`,
      );
    }
  } finally {
    client.destroy();
  }
}
