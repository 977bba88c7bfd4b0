import { type BenchContext, childSetupOf, floorEvent, poolOf, type RouteUnderTest } from './bench-context';
import { MINIMUM_SAMPLES } from './bench-plan';
import { type ColdStartResult, coldStart } from './child-processes';
import { Connections } from './fixtures';
import { counter, progress } from './progress';
import { type BenchAccount, routeEvent } from './route-requests';
import { TimeLimit } from './time-limit';

export interface ColdStarts {
  routeId: string;
  route: ColdStartResult[];
  floor: ColdStartResult[];
}

/**
 * Cold starts: for each sample, every route and its bare handler each get a fresh Node.js process
 * (the functions' Node.js, NODE_OPTIONS and heap limit) that loads the bundle and is invoked once,
 * against the engine itself. Route and bare processes alternate (which goes first swaps from one
 * sample to the next), and the routes take turns, so the machine's load falls on all of them alike.
 */
export async function measureColdStarts(context: BenchContext): Promise<ColdStarts[]> {
  const { plan, routes } = context;
  const samples = plan.coldStarts;
  const connections = new Connections(context.fixtures);
  const results = routes.map(
    (subject) => ({ routeId: subject.route.id, route: [], floor: [] }) as ColdStarts,
  );
  const report = counter('cold starts, sample', samples);
  const limit = new TimeLimit(plan.limits.coldStarts);
  for (let sample = 0; limit.more(sample, samples, MINIMUM_SAMPLES.coldStarts); sample += 1) {
    // Authorize's intents are approved at the bank before the sample's processes start.
    await connections.prepare(
      (samples - sample) * routes.filter((subject) => subject.scenario === 'authorize').length,
    );
    for (const [index, subject] of routes.entries()) {
      const pool = poolOf(context, subject);
      const account =
        subject.scenario === 'authorize'
          ? await connections.next()
          : (pool[sample % pool.length] as BenchAccount);
      const result = results[index] as ColdStarts;
      const routeStart = async () => result.route.push(await start(context, subject, 'route', account));
      const floorStart = async () => result.floor.push(await start(context, subject, 'floor', account));
      for (const step of sample % 2 ? [floorStart, routeStart] : [routeStart, floorStart]) await step();
    }
    report(sample + 1);
  }
  const taken = results[0]?.route.length ?? 0;
  if (taken < samples) progress(`cold starts: ${taken} of ${samples} samples within the time limit`);
  return results;
}

function start(
  context: BenchContext,
  subject: RouteUnderTest,
  which: 'route' | 'floor',
  account: BenchAccount,
): Promise<ColdStartResult> {
  const setup = childSetupOf(context, subject, context.stack.dynamoEndpoint);
  const job =
    which === 'route'
      ? { bundle: subject.bundle.file, event: routeEvent(subject.route, account), ...setup.run }
      : { bundle: subject.bareBundle.file, event: floorEvent(subject, account), ...setup.run };
  return coldStart(context.bundles.coldStartRunner, job, setup.env, setup.nodeFlags);
}
