import {
  type BenchContext,
  childSetupOf,
  floorEvent,
  poolOf,
  primingAccount,
  type RouteUnderTest,
} from './bench-context';
import { MINIMUM_SAMPLES } from './bench-plan';
import { WarmWorker } from './child-processes';
import { Connections } from './fixtures';
import { counter, progress } from './progress';
import { type BenchAccount, routeEvent } from './route-requests';
import { TimeLimit } from './time-limit';
import type { WarmCallResult } from './warm-worker';

export interface WarmCalls {
  routeId: string;
  route: WarmCallResult[];
  floor: WarmCallResult[];
}

/** Authorize calls made before the counted ones, as a warm-up. */
const AUTHORIZE_WARM_UP = 5;

/**
 * Warm calls: per route, one worker process holds the route's bundle and its bare handler's, both
 * against the engine itself, and calls them in turn (route, bare, then bare, route…), one at a
 * time, timing each and measuring the process's CPU time. A warm-up round first gives every account
 * of the pool one call of each, uncounted, as a container serving them would have had.
 */
export async function measureWarmCalls(context: BenchContext): Promise<WarmCalls[]> {
  const results: WarmCalls[] = [];
  for (const subject of context.routes) results.push(await measureRoute(context, subject));
  return results;
}

async function measureRoute(context: BenchContext, subject: RouteUnderTest): Promise<WarmCalls> {
  const setup = childSetupOf(context, subject, context.stack.dynamoEndpoint);
  const worker = await WarmWorker.start(
    context.bundles.warmWorker,
    { route: subject.bundle.file, bare: subject.bareBundle.file, ...setup.run },
    setup.env,
    setup.nodeFlags,
  );
  const result: WarmCalls = { routeId: subject.route.id, route: [], floor: [] };
  const pair = async (account: BenchAccount, index: number, counted: boolean) => {
    const routeStep = async () => {
      const call = await worker.call('route', routeEvent(subject.route, account));
      if (call.error) throw new Error(`${subject.route.id}: ${call.error}`);
      if (counted) result.route.push(call);
    };
    const floorStep = async () => {
      const call = await worker.call('bare', floorEvent(subject, account));
      if (call.error || call.statusCode !== 200)
        throw new Error(`${subject.route.id} floor: ${call.error ?? `answered ${call.statusCode}`}`);
      if (counted) result.floor.push(call);
    };
    for (const step of index % 2 ? [floorStep, routeStep] : [routeStep, floorStep]) await step();
  };
  try {
    if (subject.scenario === 'authorize') await measureAuthorize(context, subject, worker, pair);
    else {
      const pool = poolOf(context, subject);
      progress(`warm ${subject.route.id}: warm-up round over ${pool.length} accounts`);
      for (const [index, account] of pool.entries()) await pair(account, index, false);
      const calls = context.plan.warmCalls;
      const report = counter(`warm ${subject.route.id}`, calls);
      const limit = new TimeLimit(context.plan.limits.warmPerRoute);
      for (let index = 0; limit.more(index, calls, MINIMUM_SAMPLES.warmCalls); index += 1) {
        await pair(pool[index % pool.length] as BenchAccount, index, true);
        report(index + 1);
      }
      if (result.route.length < calls)
        progress(`warm ${subject.route.id}: ${result.route.length} of ${calls} calls within its time limit`);
    }
  } finally {
    await worker.close();
  }
  return result;
}

/**
 * Each authorize needs an intent created and approved at the bank (outside the timed calls) and an
 * account the container has seen (a priming call, uncounted): as a returning client's next
 * connection.
 */
async function measureAuthorize(
  context: BenchContext,
  subject: RouteUnderTest,
  worker: WarmWorker,
  pair: (account: BenchAccount, index: number, counted: boolean) => Promise<void>,
): Promise<void> {
  const calls = context.plan.authorizeWarmCalls;
  const report = counter(`warm ${subject.route.id}`, calls);
  const limit = new TimeLimit(context.plan.limits.authorizeWarm);
  const connections = new Connections(context.fixtures);
  let done = -AUTHORIZE_WARM_UP;
  while (limit.more(Math.max(0, done), calls, MINIMUM_SAMPLES.warmCalls)) {
    await connections.prepare(calls - done);
    const account = await connections.next();
    await worker.call('route', routeEvent(subject.route, primingAccount(account)));
    await pair(account, done, done >= 0);
    done += 1;
    if (done > 0) report(done);
  }
  if (done < calls) progress(`warm ${subject.route.id}: ${done} of ${calls} calls within its time limit`);
}
