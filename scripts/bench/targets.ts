import { ratio } from './statistics';

/**
 * The targets of "cost at the floor": each route against the bare handler doing the floor's
 * DynamoDB call, read from the bench's own figures (never from a timed test).
 */
export const RATIO_TARGETS = {
  bundleBytes: 1.15,
  coldStartMedianMs: 1.15,
  warmP50Ms: 1.15,
  cpuPerRequestMs: 1.15,
  firstInvocationMs: 1.3,
} as const;
export type RatioFigure = keyof typeof RATIO_TARGETS;

/** The per-account rate limit may cost at most this many write units per request, on average. */
export const RATE_LIMIT_MAX_WRITE_UNITS_PER_REQUEST = 0.1;
/** Every item that is updated stays under 1 KB: one write unit per update, whatever it does. */
export const UPDATED_ITEM_MAX_BYTES = 1_024;

export interface TargetResult {
  target: string;
  /** A route id, an operation, or `all`. */
  scope: string;
  value: number;
  /** The figure as the report shows it. */
  measured: string;
  limit: string;
  met: boolean;
}

export function ratioTarget(figure: RatioFigure, scope: string, route: number, floor: number): TargetResult {
  const value = ratio(route, floor);
  const limit = RATIO_TARGETS[figure];
  return {
    target: figure,
    scope,
    value,
    measured: `${value.toFixed(2)}×`,
    limit: `≤ ${limit.toFixed(2)}×`,
    met: Number.isFinite(value) && value <= limit,
  };
}

/** What one request did to the table, counted by the recording proxy. */
export interface CallCounts {
  reads: number;
  /** Writes other than the rate-limit counter's, which has a target of its own. */
  writes: number;
}

/**
 * Create on a warm container makes one write (the intent) and no read: met only when every warm
 * create the bench counted did exactly that.
 */
export function createOnWarmContainerTarget(calls: readonly CallCounts[]): TargetResult {
  const reads = Math.max(0, ...calls.map((call) => call.reads));
  const writes = calls.map((call) => call.writes);
  const [fewest, most] = [Math.min(...writes), Math.max(...writes)];
  return {
    target: 'createOnWarmContainer',
    scope: 'CreateIntent',
    value: calls.length ? reads + Math.abs(most - 1) + Math.abs(fewest - 1) : Number.NaN,
    measured: calls.length
      ? `${fewest === most ? most : `${fewest}–${most}`} write(s), up to ${reads} read(s)`
      : 'no call counted',
    limit: '1 write, 0 reads',
    met: calls.length > 0 && reads === 0 && fewest === 1 && most === 1,
  };
}

export function rateLimitTarget(writeUnits: number, requests: number): TargetResult {
  const value = requests > 0 ? writeUnits / requests : Number.NaN;
  return {
    target: 'rateLimitWriteUnitsPerRequest',
    scope: 'all',
    value,
    measured: `${value.toFixed(3)} WCU/request`,
    limit: `≤ ${RATE_LIMIT_MAX_WRITE_UNITS_PER_REQUEST} WCU/request`,
    met: Number.isFinite(value) && value <= RATE_LIMIT_MAX_WRITE_UNITS_PER_REQUEST,
  };
}

/** `largestUpdatedBytes` is undefined when the operation updated no item: nothing to exceed. */
export function updatedItemSizeTarget(scope: string, largestUpdatedBytes: number | undefined): TargetResult {
  return {
    target: 'updatedItemBytes',
    scope,
    value: largestUpdatedBytes ?? 0,
    measured: largestUpdatedBytes === undefined ? 'no update' : `${largestUpdatedBytes} B`,
    limit: `< ${UPDATED_ITEM_MAX_BYTES} B`,
    met: (largestUpdatedBytes ?? 0) < UPDATED_ITEM_MAX_BYTES,
  };
}
