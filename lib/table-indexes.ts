import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ACCOUNT_TIMELINE_INDEX } from '../functions/shared/repository/table-keys';

/**
 * The table's one global secondary index, an account's intents in time order (see table-keys.ts).
 * It projects every attribute: a page of intents is answered from the index alone.
 */
export function addTableIndexes(table: dynamodb.Table): void {
  table.addGlobalSecondaryIndex({
    indexName: ACCOUNT_TIMELINE_INDEX.indexName,
    partitionKey: { name: ACCOUNT_TIMELINE_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: ACCOUNT_TIMELINE_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
    projectionType: dynamodb.ProjectionType.ALL,
  });
}
