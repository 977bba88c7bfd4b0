import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeadlineHttpHandler } from '../deadline-http-handler';
import { loopbackEndpointDefaults } from '../loopback-endpoint';
import { traced } from '../observability/tracer';
import { translateStoreErrors } from '../repository/store-errors';
import { TIME_BUDGET } from '../time-budget';

/** The DynamoDB endpoint comes from the SDK's own settings (AWS_ENDPOINT_URL_DYNAMODB for a local engine). */
export function createDocumentClient(env: NodeJS.ProcessEnv = process.env): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...loopbackEndpointDefaults(env.AWS_ENDPOINT_URL_DYNAMODB, env),
    requestHandler: new DeadlineHttpHandler(),
    maxAttempts: TIME_BUDGET.dynamoMaxAttempts,
  });
  translateStoreErrors(client);
  // The document client shares this client's middleware stack, and so its tracing.
  return DynamoDBDocumentClient.from(traced(client), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
