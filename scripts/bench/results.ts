import type { OperationAccounting } from './accounting-phase';
import type { BenchContext } from './bench-context';
import type { BenchPlan } from './bench-plan';
import type { ColdStarts } from './cold-phase';
import { CONNECTION } from './connection-flow';
import { type CostBreakdown, costOf, meanBilledMs, type OperationUsage } from './cost';
import type { FloorKind } from './floor';
import type { PRICES } from './prices';
import { mean, ratio, type Summary, summarize } from './statistics';
import {
  createOnWarmContainerTarget,
  RATIO_TARGETS,
  type RatioFigure,
  rateLimitTarget,
  ratioTarget,
  type TargetResult,
  updatedItemSizeTarget,
} from './targets';
import type { Throughput } from './throughput-phase';
import type { WarmCalls } from './warm-phase';

/** A figure of a route beside the same figure of its floor. */
export interface Pair<T> {
  route: T;
  floor: T;
}

export interface RouteFigures {
  routeId: string;
  floor: FloorKind;
  memoryMb: number;
  architecture: string;
  bundleBytes: Pair<number>;
  coldStartMs: Pair<Summary>;
  firstInvocationMs: Pair<Summary>;
  warmMs: Pair<Summary>;
  cpuPerRequestMs: Pair<number>;
  logBytesPerRequest: Pair<number>;
  /** Requests per second the local API answered 2xx under autocannon. */
  throughput: Pair<number> & { requestKind: 'success' | 'retry'; non2xx: Pair<number> };
  /** Answers other than 200 among the measured calls (warm and cold), by status. */
  unexpectedStatuses: Record<string, number>;
  /** Samples taken, of the route (as many of its floor): a time limit may have cut them short. */
  samples: { coldStarts: number; warmCalls: number };
  ratios: Record<RatioFigure | 'coldStartP90Ms' | 'warmP99Ms' | 'throughput', number>;
}

export interface ConnectionCost {
  count: number;
  operations: { routeId: string; route: OperationUsage; floor: OperationUsage }[];
  route: CostBreakdown;
  floor: CostBreakdown;
  ratio: number;
}

export interface BenchResults {
  plan: BenchPlan;
  startedAt: string;
  seconds: number;
  machine: { cpus: number; loadAverageAtStart: number[]; loadAverageAtEnd: number[]; node: string };
  engine: string;
  routes: RouteFigures[];
  accounting: OperationAccounting[];
  connection: ConnectionCost;
  targets: TargetResult[];
  prices: typeof PRICES;
}

export interface PhaseResults {
  accounting: OperationAccounting[];
  cold: ColdStarts[];
  warm: WarmCalls[];
  throughput: Throughput[];
}

/** How many connections the cost is given for. */
export const CONNECTIONS = 1_000;

export function routeFigures(context: BenchContext, phases: PhaseResults): RouteFigures[] {
  return context.routes.map((subject) => {
    const id = subject.route.id;
    const cold = find(phases.cold, id);
    const warm = find(phases.warm, id);
    const load = find(phases.throughput, id);
    const pair = <T>(of: (side: 'route' | 'floor') => T): Pair<T> => ({
      route: of('route'),
      floor: of('floor'),
    });
    const coldStartMs = pair((side) => summarize(cold[side].map((start) => start.readyMs)));
    const firstInvocationMs = pair((side) => summarize(cold[side].map((start) => start.firstInvocationMs)));
    const warmMs = pair((side) => summarize(warm[side].map((call) => call.ms)));
    const cpuPerRequestMs = pair((side) => mean(warm[side].map((call) => call.cpuUs / 1_000)));
    const rps = pair((side) => load[side].ok / load[side].seconds);
    const bundleBytes = { route: subject.bundle.bytes, floor: subject.bareBundle.bytes };
    const unexpectedStatuses: Record<string, number> = {};
    for (const status of [...warm.route, ...cold.route].map((call) => call.statusCode)) {
      if (status !== 200) unexpectedStatuses[status] = (unexpectedStatuses[status] ?? 0) + 1;
    }
    return {
      routeId: id,
      floor: subject.floor,
      memoryMb: subject.settings.memoryMb,
      architecture: subject.settings.architecture,
      bundleBytes,
      coldStartMs,
      firstInvocationMs,
      warmMs,
      cpuPerRequestMs,
      logBytesPerRequest: pair((side) => mean(warm[side].map((call) => call.logBytes))),
      throughput: {
        ...rps,
        requestKind: load.requestKind,
        non2xx: pair((side) => load[side].non2xx + load[side].errors),
      },
      unexpectedStatuses,
      samples: { coldStarts: cold.route.length, warmCalls: warm.route.length },
      ratios: {
        bundleBytes: ratio(bundleBytes.route, bundleBytes.floor),
        coldStartMedianMs: ratio(coldStartMs.route.p50, coldStartMs.floor.p50),
        coldStartP90Ms: ratio(coldStartMs.route.p90, coldStartMs.floor.p90),
        firstInvocationMs: ratio(firstInvocationMs.route.p50, firstInvocationMs.floor.p50),
        warmP50Ms: ratio(warmMs.route.p50, warmMs.floor.p50),
        warmP99Ms: ratio(warmMs.route.p99, warmMs.floor.p99),
        cpuPerRequestMs: ratio(cpuPerRequestMs.route, cpuPerRequestMs.floor),
        throughput: ratio(rps.route, rps.floor),
      },
    };
  });
}

/** What `CONNECTIONS` connections (create, authorize, a read) cost, measured, and at the floor. */
export function connectionCost(
  context: BenchContext,
  phases: PhaseResults,
  count = CONNECTIONS,
): ConnectionCost {
  const operations = Object.values(CONNECTION).map((routeId) => {
    const subject = context.routes.find((candidate) => candidate.route.id === routeId);
    if (!subject) throw new Error(`The connection's route ${routeId} was not measured`);
    const warm = find(phases.warm, routeId);
    const accounting = phases.accounting.find((operation) => operation.operation === routeId);
    if (!accounting) throw new Error(`The calls of ${routeId} were not counted`);
    const usage = (side: 'route' | 'floor'): OperationUsage => {
      const table = side === 'route' ? accounting.usage : accounting.floor;
      return {
        billedMs: meanBilledMs(warm[side].map((call) => call.ms)),
        memoryMb: subject.settings.memoryMb,
        architecture: subject.settings.architecture,
        readUnits: table.readUnitsPerRequest,
        writeUnits: table.writeUnitsPerRequest,
      };
    };
    return { routeId, route: usage('route'), floor: usage('floor') };
  });
  const route = costOf(
    operations.map((operation) => operation.route),
    count,
  );
  const floor = costOf(
    operations.map((operation) => operation.floor),
    count,
  );
  return { count, operations, route, floor, ratio: ratio(route.total, floor.total) };
}

export function evaluateTargets(
  figures: readonly RouteFigures[],
  accounting: readonly OperationAccounting[],
): TargetResult[] {
  const targets: TargetResult[] = [];
  const figureOf: Record<RatioFigure, (route: RouteFigures) => Pair<number>> = {
    bundleBytes: (route) => route.bundleBytes,
    coldStartMedianMs: (route) => ({
      route: route.coldStartMs.route.p50,
      floor: route.coldStartMs.floor.p50,
    }),
    warmP50Ms: (route) => ({ route: route.warmMs.route.p50, floor: route.warmMs.floor.p50 }),
    cpuPerRequestMs: (route) => route.cpuPerRequestMs,
    firstInvocationMs: (route) => ({
      route: route.firstInvocationMs.route.p50,
      floor: route.firstInvocationMs.floor.p50,
    }),
  };
  for (const figure of Object.keys(RATIO_TARGETS) as RatioFigure[]) {
    for (const route of figures) {
      const { route: value, floor } = figureOf[figure](route);
      targets.push(ratioTarget(figure, route.routeId, value, floor));
    }
  }
  const create = accounting.find((operation) => operation.operation === CONNECTION.create);
  targets.push(createOnWarmContainerTarget(create?.usage.perRequest ?? []));
  const writeUnits = accounting.reduce((sum, operation) => sum + operation.usage.rateLimitWriteUnits, 0);
  const requests = accounting.reduce((sum, operation) => sum + operation.usage.requests, 0);
  targets.push(rateLimitTarget(writeUnits, requests));
  for (const operation of accounting) {
    targets.push(updatedItemSizeTarget(operation.operation, operation.usage.maxUpdatedItemBytes));
  }
  return targets;
}

function find<T extends { routeId: string }>(results: readonly T[], routeId: string): T {
  const found = results.find((result) => result.routeId === routeId);
  if (!found) throw new Error(`No result for ${routeId}`);
  return found;
}
