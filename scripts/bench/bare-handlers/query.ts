import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { jsonAnswer } from './answer';

// The floor of a listing: the document client with the SDK's defaults and one Query, the route's
// own first page (the bench hands it over in the body).
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const { input } = JSON.parse(event.body ?? '{}') as { input: QueryCommandInput };
  const { Items } = await client.send(new QueryCommand(input));
  return jsonAnswer({ items: Items ?? [] });
}
