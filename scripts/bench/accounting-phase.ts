import {
  type BenchContext,
  childSetupOf,
  floorEvent,
  primingAccount,
  type RouteUnderTest,
} from './bench-context';
import { MINIMUM_SAMPLES } from './bench-plan';
import { WarmWorker } from './child-processes';
import { Connections, readerAccount, writerAccount } from './fixtures';
import { floorInputFrom } from './floor-input';
import { counter, progress } from './progress';
import { type BenchAccount, routeEvent } from './route-requests';
import type { TableCall } from './table-calls';
import { type TableUsage, tableUsageOf } from './table-usage';
import { TimeLimit } from './time-limit';

/**
 * The DynamoDB work of one operation, and of its floor, per request on a warm container. An
 * authorize retry's floor is its floor posted again with the same code.
 */
export interface OperationAccounting {
  operation: string;
  routeId: string;
  usage: TableUsage;
  floor: TableUsage;
  /** How many answers of each status the counted requests got. */
  statuses: Record<string, number>;
}

/** Authorize posted again with the code that authorized: the safe retry the contract allows. */
export const RETRY_SUFFIX = ' (retry)';

/**
 * Counts every route's DynamoDB calls and consumed capacity through the recording proxy, on a
 * warm container: a worker process per route, its first call (which also captures a read floor's
 * call) left out. Create's counted requests come from one account and the reads' from another,
 * so that a rate limiter that counts in memory shows what it writes per request; authorize takes a
 * new account per request (so that each one connects new Bank Accounts, as a user's first
 * connection does), whose key the container has seen once before. Route and floor calls alternate.
 */
export async function countTableCalls(context: BenchContext): Promise<OperationAccounting[]> {
  const results: OperationAccounting[] = [];
  for (const subject of context.routes) results.push(...(await countRoute(context, subject)));
  return results;
}

async function countRoute(context: BenchContext, subject: RouteUnderTest): Promise<OperationAccounting[]> {
  const { proxy, plan, fixtures } = context;
  const { route } = subject;
  const calls = plan.accountingCalls;
  progress(`counting ${route.id}: preparing its account${subject.scenario === 'authorize' ? 's' : ''}`);
  // The reads share one account: each read route has its own rate-limit budget.
  if (subject.scenario === 'reader' && !context.countingReader) {
    context.countingReader = await readerAccount(fixtures);
  }
  const connections = new Connections(fixtures);
  const single =
    subject.scenario === 'writer'
      ? await writerAccount(fixtures)
      : subject.scenario === 'reader'
        ? context.countingReader
        : undefined;
  const accountOf = async (): Promise<BenchAccount> => single ?? (await connections.next());
  const setup = childSetupOf(context, subject, proxy.endpoint);
  const worker = await WarmWorker.start(
    context.bundles.warmWorker,
    { route: subject.bundle.file, bare: subject.bareBundle.file, ...setup.run },
    setup.env,
    setup.nodeFlags,
  );
  const statuses: Record<string, number> = {};
  let counted = 0;
  const tally = (status: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  try {
    // The container's first call: not counted; a read route's own read is its floor's call.
    proxy.tag = 'first';
    const first = await worker.call('route', routeEvent(route, primedOrPlain(subject, await accountOf())));
    if (first.error) throw new Error(`${route.id}: ${first.error}`);
    const firstCalls = proxy.take();
    if (subject.floor === 'get' || subject.floor === 'query') {
      subject.floorInput = floorInputFrom(route.id, subject.floor, firstCalls);
    }

    const report = counter(`counting ${route.id}`, calls);
    const limit = new TimeLimit(plan.limits.accountingPerRoute);
    for (let index = 0; limit.more(index, calls, MINIMUM_SAMPLES.countedCalls); index += 1) {
      await connections.prepare(subject.scenario === 'authorize' ? calls - index : 0);
      const account = await accountOf();
      const routeStep = async () => {
        if (subject.scenario === 'authorize') {
          proxy.tag = undefined;
          await worker.call('route', routeEvent(route, primingAccount(account)));
          proxy.tag = `${route.id}|${index}`;
          tally((await worker.call('route', routeEvent(route, account))).statusCode);
          proxy.tag = `${route.id}${RETRY_SUFFIX}|${index}`;
          tally((await worker.call('route', routeEvent(route, account))).statusCode);
        } else {
          proxy.tag = `${route.id}|${index}`;
          tally((await worker.call('route', routeEvent(route, account))).statusCode);
        }
      };
      const floorStep = async () => {
        proxy.tag = `${FLOOR_TAG}|${index}`;
        await floorCall(worker, subject, account);
        if (subject.scenario === 'authorize') {
          proxy.tag = `${FLOOR_TAG}${RETRY_SUFFIX}|${index}`;
          await floorCall(worker, subject, account);
        }
      };
      for (const step of index % 2 ? [floorStep, routeStep] : [routeStep, floorStep]) await step();
      proxy.tag = undefined;
      counted = index + 1;
      report(counted);
    }
  } finally {
    proxy.tag = undefined;
    await worker.close();
  }
  if (counted < calls) progress(`counting ${route.id}: ${counted} of ${calls} calls within its time limit`);
  const byTag = groupByTag(proxy.take(), counted);
  const suffixes = ['', ...(subject.scenario === 'authorize' ? [RETRY_SUFFIX] : [])];
  return suffixes.map((suffix) => ({
    operation: `${route.id}${suffix}`,
    routeId: route.id,
    usage: tableUsageOf(byTag(`${route.id}${suffix}`)),
    floor: tableUsageOf(byTag(`${FLOOR_TAG}${suffix}`)),
    statuses,
  }));
}

/** The floor's calls are tagged apart from the route's: `floor|<index>`, `floor (retry)|<index>`. */
const FLOOR_TAG = 'floor';

/** A floor call that must answer 200: a floor that fails would count less work than it stands for. */
async function floorCall(worker: WarmWorker, subject: RouteUnderTest, account: BenchAccount): Promise<void> {
  const result = await worker.call('bare', floorEvent(subject, account));
  if (result.error || result.statusCode !== 200) {
    throw new Error(`${subject.route.id} floor: ${result.error ?? `answered ${result.statusCode}`}`);
  }
}

/** Authorize's first call is a priming one: no code is spent on a call that is not counted. */
const primedOrPlain = (subject: RouteUnderTest, account: BenchAccount): BenchAccount =>
  subject.scenario === 'authorize' ? primingAccount(account) : account;

/** The calls of each counted request of an operation (`<operation>|<index>` tags), in request order. */
function groupByTag(calls: readonly TableCall[], requests: number): (operation: string) => TableCall[][] {
  return (operation) =>
    Array.from({ length: requests }, (_, index) =>
      calls.filter((call) => call.tag === `${operation}|${index}`),
    );
}
