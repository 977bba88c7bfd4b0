import { unmarshall } from '@aws-sdk/util-dynamodb';
import { FLOOR_OPERATION, type ReadFloorKind } from './floor';
import type { TableCall } from './table-calls';

/** The shared chain's own items (the key lookup, the rate-limit counter): never a route's data. */
const CHAIN_KINDS = new Set(['apiKey', 'rateLimit']);

/** The request fields that hold attribute values, which the document client takes as plain values. */
const VALUE_FIELDS = ['Key', 'ExpressionAttributeValues', 'ExclusiveStartKey'] as const;

/**
 * A read route's floor call: its own first GetItem or Query (not the shared chain's), as the bare
 * handler's document client takes it. Replayed by the bare handler, it reads what the route read.
 */
export function floorInputFrom(
  routeId: string,
  floor: ReadFloorKind,
  calls: readonly TableCall[],
): Record<string, unknown> {
  const operation = FLOOR_OPERATION[floor];
  const call = calls.find(
    (candidate) => candidate.operation === operation && !CHAIN_KINDS.has(candidate.kind),
  );
  if (!call) {
    throw new Error(
      `${routeId} made no ${operation} of its own (made: ${calls.map((c) => `${c.operation} ${c.kind}`).join(', ') || 'nothing'}): its floor cannot be replayed`,
    );
  }
  const { ReturnConsumedCapacity: _asked, ...input } = call.request;
  for (const field of VALUE_FIELDS) {
    if (input[field]) input[field] = unmarshall(input[field] as Parameters<typeof unmarshall>[0]);
  }
  return input;
}
