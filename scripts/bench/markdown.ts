import { RETRY_SUFFIX } from './accounting-phase';
import { CONNECTION } from './connection-flow';
import type { CostBreakdown } from './cost';
import type { BenchResults, Pair, RouteFigures } from './results';
import type { TableUsage } from './table-usage';
import { RATIO_TARGETS, type RatioFigure, type TargetResult } from './targets';

const fixed = (value: number, digits: number): string =>
  Number.isFinite(value) ? value.toFixed(digits) : '–';
const ms = (value: number): string => fixed(value, value < 10 ? 2 : 1);
const times = (value: number): string => `${fixed(value, 2)}×`;
const kb = (bytes: number): string => `${fixed(bytes / 1_024, 0)} KB`;
const usd = (value: number): string => `$${value < 0.01 ? value.toFixed(5) : value.toFixed(4)}`;
const both = <T>(pair: Pair<T>, format: (value: T) => string): string =>
  `${format(pair.route)} / ${format(pair.floor)}`;

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** A ratio with its target's verdict, where it has one. */
function judged(
  route: RouteFigures,
  figure: RatioFigure | 'coldStartP90Ms' | 'warmP99Ms' | 'throughput',
): string {
  const value = route.ratios[figure];
  if (!(figure in RATIO_TARGETS)) return times(value);
  const met = Number.isFinite(value) && value <= RATIO_TARGETS[figure as RatioFigure];
  return `${times(value)} ${met ? '✓' : '✗'}`;
}

function ratiosTable(results: BenchResults): string {
  return table(
    [
      'route',
      'floor',
      'bundle',
      'cold start p50',
      'cold start p90',
      'first invocation',
      'warm p50',
      'warm p99',
      'CPU/request',
      'throughput',
    ],
    results.routes.map((route) => [
      route.routeId,
      route.floor,
      judged(route, 'bundleBytes'),
      judged(route, 'coldStartMedianMs'),
      judged(route, 'coldStartP90Ms'),
      judged(route, 'firstInvocationMs'),
      judged(route, 'warmP50Ms'),
      judged(route, 'warmP99Ms'),
      judged(route, 'cpuPerRequestMs'),
      `${judged(route, 'throughput')}${route.throughput.requestKind === 'retry' ? ' (retry)' : ''}`,
    ]),
  );
}

function figuresTable(results: BenchResults): string {
  return table(
    [
      'route (route / floor)',
      'samples (cold, warm)',
      'bundle',
      'cold start p50, p90 (ms)',
      'first invocation p50 (ms)',
      'warm p50, p99 (ms)',
      'CPU/request (ms)',
      'local API (req/s)',
      'log bytes/request',
    ],
    results.routes.map((route) => [
      route.routeId,
      `${route.samples.coldStarts}, ${route.samples.warmCalls}`,
      both(route.bundleBytes, kb),
      `${both(route.coldStartMs, (s) => ms(s.p50))}, ${both(route.coldStartMs, (s) => ms(s.p90))}`,
      both(route.firstInvocationMs, (s) => ms(s.p50)),
      `${both(route.warmMs, (s) => ms(s.p50))}, ${both(route.warmMs, (s) => ms(s.p99))}`,
      both(route.cpuPerRequestMs, ms),
      both(route.throughput, (value) => fixed(value, 0)),
      both(route.logBytesPerRequest, (value) => fixed(value, 0)),
    ]),
  );
}

const callsOf = (usage: TableUsage): string =>
  Object.entries(usage.calls)
    .map(([name, count]) => `${fixed(count, count % 1 ? 2 : 0)} ${name}`)
    .join(', ') || '–';

/** One row of the DynamoDB table: an operation's usage, or its floor's. */
function usageRow(label: string, usage: TableUsage): string[] {
  return [
    label,
    String(usage.requests),
    callsOf(usage),
    fixed(usage.readsPerRequest, 2),
    fixed(usage.writesPerRequest, 2),
    fixed(usage.readUnitsPerRequest, 2),
    `${fixed(usage.writeUnitsPerRequest, 2)} (${fixed(usage.indexWriteUnitsPerRequest, 2)})`,
    fixed(usage.rateLimitWriteUnitsPerRequest, 2),
    usage.maxItemBytes === undefined
      ? '–'
      : `${usage.maxItemBytes} B (${usage.maxUpdatedItemBytes === undefined ? '–' : `${usage.maxUpdatedItemBytes} B`})`,
  ];
}

/** Each operation's row, and under it its floor's, counted the same way in the same run. */
function tableCallsTable(results: BenchResults): string {
  return table(
    [
      'operation',
      'requests',
      'calls per request',
      'reads',
      'writes',
      'RRU',
      'WRU (of it indexes)',
      'rate-limit WRU',
      'largest item written (updated)',
    ],
    results.accounting.flatMap((operation) => [
      usageRow(operation.operation, operation.usage),
      usageRow(`↳ floor (${floorKindOf(results, operation.routeId)})`, operation.floor),
    ]),
  );
}

const floorKindOf = (results: BenchResults, routeId: string): string =>
  results.routes.find((route) => route.routeId === routeId)?.floor ?? '?';

/**
 * Where each operation's calls exceed its floor's, call kind by call kind (`+1 GetItem intent`),
 * and where the floor makes a call the operation does not (`−1 …`): a differing count is a finding.
 */
function beyondTheFloor(results: BenchResults): string[] {
  return results.accounting.map((operation) => {
    const names = new Set([...Object.keys(operation.usage.calls), ...Object.keys(operation.floor.calls)]);
    const differences = [...names].flatMap((name) => {
      const difference = (operation.usage.calls[name] ?? 0) - (operation.floor.calls[name] ?? 0);
      if (Math.abs(difference) < 0.005) return [];
      const count = fixed(Math.abs(difference), Math.abs(difference) % 1 ? 2 : 0);
      return [`${difference > 0 ? '+' : '−'}${count} ${name}`];
    });
    const units = (usage: TableUsage) =>
      `${fixed(usage.readUnitsPerRequest, 2)} RRU, ${fixed(usage.writeUnitsPerRequest, 2)} WRU`;
    return `- ${operation.operation}: ${differences.join(', ') || 'the same calls'} (${units(operation.usage)} against ${units(operation.floor)})`;
  });
}

function costTable(results: BenchResults): string {
  const { route, floor } = results.connection;
  const lines: [string, keyof CostBreakdown][] = [
    ['API Gateway (REST)', 'apiGateway'],
    ['Lambda requests', 'lambdaRequests'],
    ['Lambda duration', 'lambdaDuration'],
    ['DynamoDB reads', 'dynamoDbReads'],
    ['DynamoDB writes', 'dynamoDbWrites'],
    ['**total**', 'total'],
  ];
  return table(
    ['', 'service', 'floor', 'ratio'],
    lines.map(([label, key]) => [label, usd(route[key]), usd(floor[key]), times(route[key] / floor[key])]),
  );
}

function usageTable(results: BenchResults): string {
  return table(
    ['operation', 'billed ms (service / floor)', 'memory', 'RRU (service / floor)', 'WRU (service / floor)'],
    results.connection.operations.map((operation) => [
      operation.routeId,
      both(operation, (usage) => fixed(usage.billedMs, 1)),
      `${operation.route.memoryMb} MB ${operation.route.architecture}`,
      both(operation, (usage) => fixed(usage.readUnits, 2)),
      both(operation, (usage) => fixed(usage.writeUnits, 2)),
    ]),
  );
}

function targetsTable(targets: readonly TargetResult[]): string {
  return table(
    ['target', 'scope', 'measured', 'limit', 'result'],
    targets.map((target) => [
      target.target,
      target.scope,
      target.measured,
      target.limit,
      target.met ? 'met' : '**not met**',
    ]),
  );
}

function warnings(results: BenchResults): string[] {
  const lines: string[] = [];
  for (const route of results.routes) {
    const statuses = Object.entries(route.unexpectedStatuses);
    if (statuses.length)
      lines.push(
        `- ${route.routeId} answered ${statuses.map(([status, count]) => `${status} ×${count}`).join(', ')} among its measured calls.`,
      );
    if (route.throughput.non2xx.route || route.throughput.non2xx.floor)
      lines.push(
        `- Under load, ${route.routeId} had ${route.throughput.non2xx.route} non-2xx answers or errors (floor: ${route.throughput.non2xx.floor}).`,
      );
  }
  for (const operation of results.accounting) {
    const other = Object.entries(operation.statuses).filter(([status]) => status !== '200');
    if (other.length)
      lines.push(
        `- While counting ${operation.routeId}: ${other.map(([status, count]) => `${status} ×${count}`).join(', ')}.`,
      );
  }
  return lines;
}

export function renderMarkdown(results: BenchResults): string {
  const { plan, machine } = results;
  const met = results.targets.filter((target) => target.met).length;
  const warned = warnings(results);
  return [
    `## Bench: ${plan.mode} run, ${results.startedAt}`,
    '',
    `${machine.cpus} cores, load average ${machine.loadAverageAtStart.map((load) => load.toFixed(1)).join(' ')} at the start and ${machine.loadAverageAtEnd.map((load) => load.toFixed(1)).join(' ')} at the end; Node.js ${machine.node}; DynamoDB engine ${results.engine}; ${fixed(results.seconds, 0)} s. ` +
      `Samples wanted per route: ${plan.coldStarts} cold starts, ${plan.warmCalls} warm calls (authorize ${plan.authorizeWarmCalls}), ${plan.accountingCalls} counted calls, ${plan.throughputSeconds} s of load, as many of the floor, interleaved; each phase stops early once its time limit is spent (the tables give the samples taken).` +
      (plan.mode === 'quick' ? ' **Quick run: indicative figures.**' : ''),
    '',
    '### Ratios to the floor (route ÷ bare handler; ✓ / ✗ where a target applies)',
    '',
    ratiosTable(results),
    '',
    '### Figures (route / floor)',
    '',
    figuresTable(results),
    '',
    '### DynamoDB per request, warm container',
    '',
    tableCallsTable(results),
    '',
    'Calls beyond the floor, per request:',
    '',
    ...beyondTheFloor(results),
    '',
    `### ${results.connection.count.toLocaleString('en-US')} connections on AWS (${Object.values(CONNECTION).join(' + ')}), ${results.prices.region} on-demand prices of ${results.prices.asOf}`,
    '',
    `**${times(results.connection.ratio)} the floor**: ${usd(results.connection.route.total)} against ${usd(results.connection.floor.total)}.`,
    '',
    costTable(results),
    '',
    usageTable(results),
    '',
    `### Targets: ${met} met, ${results.targets.length - met} not met`,
    '',
    targetsTable(results.targets),
    ...(warned.length ? ['', '### Notes', '', ...warned] : []),
    '',
    `Authorize rows count a first connection of new Bank Accounts; "${CONNECTION.authorize}${RETRY_SUFFIX}" posts the same code again.`,
    '',
  ].join('\n');
}
