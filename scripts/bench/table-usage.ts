import { isRead, isWrite, type TableCall } from './table-calls';
import type { CallCounts } from './targets';

/** What one operation does to the table per request, over the requests the proxy counted. */
export interface TableUsage {
  requests: number;
  readsPerRequest: number;
  writesPerRequest: number;
  readUnitsPerRequest: number;
  /** Table and index write units. */
  writeUnitsPerRequest: number;
  indexWriteUnitsPerRequest: number;
  /** Of the write units, the rate-limit counter's. */
  rateLimitWriteUnits: number;
  rateLimitWriteUnitsPerRequest: number;
  /** Conditional writes that failed (charged all the same). */
  conditionFailuresPerRequest: number;
  /** The largest item any write of the operation left, and the largest an update left. */
  maxItemBytes: number | undefined;
  maxUpdatedItemBytes: number | undefined;
  /** Each request's reads and its writes other than the rate-limit counter's. */
  perRequest: CallCounts[];
  /** How many calls of each operation and kind, per request: `UpdateItem rateLimit: 1`. */
  calls: Record<string, number>;
}

const RATE_LIMIT_KIND = 'rateLimit';

/** Sums the calls of `requests` invocations (each its own list of calls). */
export function tableUsageOf(invocations: readonly (readonly TableCall[])[]): TableUsage {
  const requests = invocations.length;
  const all = invocations.flat();
  const per = (value: number) => (requests ? value / requests : Number.NaN);
  const total = (of: (call: TableCall) => number) => all.reduce((sum, call) => sum + of(call), 0);
  const rateLimitWriteUnits = total((call) => (call.kind === RATE_LIMIT_KIND ? call.writeUnits : 0));
  const sizes = all.filter((call) => call.itemBytes !== undefined);
  const updates = sizes.filter((call) => call.operation === 'UpdateItem');
  const calls: Record<string, number> = {};
  for (const call of all) {
    const name = `${call.operation} ${call.kind}${call.conditionFailed ? ' (condition failed)' : ''}`;
    calls[name] = (calls[name] ?? 0) + 1;
  }
  return {
    requests,
    readsPerRequest: per(all.filter(isRead).length),
    writesPerRequest: per(all.filter(isWrite).length),
    readUnitsPerRequest: per(total((call) => call.readUnits)),
    writeUnitsPerRequest: per(total((call) => call.writeUnits)),
    indexWriteUnitsPerRequest: per(total((call) => call.indexWriteUnits)),
    rateLimitWriteUnits,
    rateLimitWriteUnitsPerRequest: per(rateLimitWriteUnits),
    conditionFailuresPerRequest: per(all.filter((call) => call.conditionFailed).length),
    maxItemBytes: sizes.length ? Math.max(...sizes.map((call) => call.itemBytes ?? 0)) : undefined,
    maxUpdatedItemBytes: updates.length ? Math.max(...updates.map((call) => call.itemBytes ?? 0)) : undefined,
    perRequest: invocations.map((invocation) => ({
      reads: invocation.filter(isRead).length,
      writes: invocation.filter((call) => isWrite(call) && call.kind !== RATE_LIMIT_KIND).length,
    })),
    calls: Object.fromEntries(Object.entries(calls).map(([name, count]) => [name, per(count)])),
  };
}
