import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StateConflictError } from '../domain/errors';

export interface RepositoryOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** Runs a conditional write; a failed condition becomes the domain's StateConflictError. */
export async function conditionally<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new StateConflictError();
    throw error;
  }
}
