import { GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ConnectionIntent } from '../../functions/shared/domain/schemas';
import { intentKey } from '../../functions/shared/repository/table-keys';
import { intentItem } from './fixtures';
import { dynamo } from './handler-harness';

/**
 * Answers reads and (successful) updates of one intent on the mocked DynamoDB client, applying
 * the SET/REMOVE clauses the repository sends so later reads see them. Conditions are not
 * evaluated here: a test that wants a lost condition scripts the rejection itself.
 */
export function storeIntent(initial: ConnectionIntent): { current: () => Record<string, unknown> } {
  let item: Record<string, unknown> = intentItem(initial);
  const key = intentKey(initial.id);
  dynamo.on(GetCommand, { Key: key }).callsFake(() => ({ Item: structuredClone(item) }));
  dynamo.on(UpdateCommand, { Key: key }).callsFake((input: UpdateCommandInput) => {
    item = applyUpdate(item, input);
    return { Attributes: structuredClone(item) };
  });
  return { current: () => item };
}

/** An item after the SET and REMOVE clauses of an update (ADD and conditions are not applied). */
export function applyUpdate(
  item: Record<string, unknown>,
  input: UpdateCommandInput,
): Record<string, unknown> {
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  const next = { ...item };
  const [, setClause = '', removeClause = ''] =
    /^(?:SET (.*?))?\s*(?:REMOVE (.*))?$/.exec(input.UpdateExpression ?? '') ?? [];
  for (const assignment of setClause.split(',').filter(Boolean)) {
    const [name = '', value = ''] = assignment.split('=').map((part) => part.trim());
    next[names[name] ?? name] = values[value];
  }
  for (const name of removeClause
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    delete next[names[name] ?? name];
  }
  return next;
}
