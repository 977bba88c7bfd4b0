import { type Architecture, PRICES, type Prices } from './prices';
import { mean } from './statistics';

/** What one request of an operation uses of each priced thing, from the bench's measurements. */
export interface OperationUsage {
  /** Mean billed duration of one invocation, in ms (each invocation rounded up to 1 ms first). */
  billedMs: number;
  memoryMb: number;
  architecture: Architecture;
  /** Read request units one request consumes (table and indexes). */
  readUnits: number;
  /** Write request units one request consumes (table and indexes). */
  writeUnits: number;
}

/** US dollars, by what is paid for. */
export interface CostBreakdown {
  apiGateway: number;
  lambdaRequests: number;
  lambdaDuration: number;
  dynamoDbReads: number;
  dynamoDbWrites: number;
  total: number;
}

/** Lambda bills each invocation's duration rounded up to the next millisecond. */
export function billedMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

export function meanBilledMs(durationsMs: readonly number[]): number {
  return mean(durationsMs.map(billedMs));
}

/**
 * The cost of `count` runs of a sequence of requests (one connection: create, authorize, a read),
 * each request one API Gateway request and one Lambda invocation.
 */
export function costOf(
  operations: readonly OperationUsage[],
  count: number,
  prices: Prices = PRICES,
): CostBreakdown {
  const sum = (of: (operation: OperationUsage) => number) =>
    count * operations.reduce((total, operation) => total + of(operation), 0);
  const parts = {
    apiGateway: sum(() => prices.apiGatewayRestPerRequest),
    lambdaRequests: sum(() => prices.lambdaPerRequest),
    lambdaDuration: sum(
      (operation) =>
        (operation.billedMs / 1_000) *
        (operation.memoryMb / 1_024) *
        prices.lambdaPerGbSecond[operation.architecture],
    ),
    dynamoDbReads: sum((operation) => operation.readUnits * prices.dynamoDbPerReadRequestUnit),
    dynamoDbWrites: sum((operation) => operation.writeUnits * prices.dynamoDbPerWriteRequestUnit),
  };
  return { ...parts, total: Object.values(parts).reduce((total, part) => total + part, 0) };
}
