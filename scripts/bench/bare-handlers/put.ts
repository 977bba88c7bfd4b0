import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { jsonAnswer } from './answer';

// The floor of a write route: the document client with the SDK's defaults (the endpoint, region and
// credentials from the environment, as in Lambda) and one PutCommand of the request.
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const tableName = process.env.TABLE_NAME;

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const request = JSON.parse(event.body ?? '{}') as Record<string, unknown>;
  const item = { ...request, pk: `FLOOR#${randomUUID()}`, sk: 'FLOOR', createdAt: new Date().toISOString() };
  await client.send(new PutCommand({ TableName: tableName, Item: item }));
  return jsonAnswer(item);
}
