import { marshall } from '@aws-sdk/util-dynamodb';
import { type Item, itemBytes } from '../../scripts/bench/item-size';

/**
 * An item's size as DynamoDB computes it (attribute names and values), for an item as the document
 * client takes it: the bench's formula (scripts/bench/item-size.ts) on the item in DynamoDB's JSON.
 */
export const dynamoItemBytes = (item: Record<string, unknown>): number =>
  itemBytes(marshall(item, { removeUndefinedValues: true }) as unknown as Item);
