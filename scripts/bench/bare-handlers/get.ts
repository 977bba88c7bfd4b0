import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, type GetCommandInput } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { jsonAnswer } from './answer';

// The floor of a route that reads one item: the document client with the SDK's defaults and one
// GetItem, the route's own (the bench hands it over in the body).
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { input } = JSON.parse(event.body ?? '{}') as { input: GetCommandInput };
  const { Item } = await client.send(new GetCommand(input));
  return jsonAnswer(Item ?? {});
}
