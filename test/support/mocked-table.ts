import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RepositoryOptions } from '../../functions/shared/repository/repository-options';
import { TABLE_NAME } from './fixtures';

/** Repository options on a real document client, for tests that mock it with aws-sdk-client-mock. */
export const mockedTable = (): RepositoryOptions => ({
  client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
  tableName: TABLE_NAME,
});

/** What DynamoDB answers when a ConditionExpression does not hold. */
export const conditionFailed = (): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
