import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ACCOUNT_TIMELINE_INDEX, EXPIRY_INDEX } from '../functions/shared/repository/table-keys';

/**
 * The table's global secondary indexes (see table-keys.ts): an account's intents in time order,
 * projecting every attribute so that a page of intents is answered from the index alone; and the
 * intents that may still expire, by when, projecting the keys only (the sweeper needs the id).
 */
export function addTableIndexes(table: dynamodb.Table): void {
  table.addGlobalSecondaryIndex({
    indexName: ACCOUNT_TIMELINE_INDEX.indexName,
    partitionKey: { name: ACCOUNT_TIMELINE_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: ACCOUNT_TIMELINE_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.ALL,
  });
  table.addGlobalSecondaryIndex({
    indexName: EXPIRY_INDEX.indexName,
    partitionKey: { name: EXPIRY_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: EXPIRY_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.KEYS_ONLY,
  });
}
