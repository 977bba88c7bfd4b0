import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { intentKey } from '../../functions/shared/repository/table-keys';
import { createDocumentClient } from '../../functions/shared/services';
import type { LocalStackSummary } from './local-stack-process';

/**
 * Leaves an intent on a local stack's table as a call that died would have: writes the attributes
 * straight into its item, past the repository and its conditions.
 */
export async function leaveIntentBehind(
  stack: LocalStackSummary,
  intentId: string,
  attributes: Record<string, unknown>,
): Promise<void> {
  const names = Object.fromEntries(Object.keys(attributes).map((name) => [`#${name}`, name]));
  const values = Object.fromEntries(Object.entries(attributes).map(([name, value]) => [`:${name}`, value]));
  const client = createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint });
  try {
    await client.send(
      new UpdateCommand({
        TableName: stack.tableName,
        Key: intentKey(intentId),
        UpdateExpression: `SET ${Object.keys(attributes)
          .map((name) => `#${name} = :${name}`)
          .join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } finally {
    client.destroy();
  }
}
