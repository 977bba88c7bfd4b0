import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { ROUTES } from '../../functions/routes';
import { startLocalStack } from '../../local/local-stack';
import { countTableCalls } from './accounting-phase';
import { BenchAccounts } from './bench-accounts';
import type { BenchContext, RouteUnderTest } from './bench-context';
import { planFromArguments } from './bench-plan';
import { bundleAll } from './bundles';
import { measureColdStarts } from './cold-phase';
import { scenarioOf } from './connection-flow';
import { inParallel, readerAccount, writerAccount } from './fixtures';
import { FLOOR_KINDS, floorOf } from './floor';
import { type FunctionSettings, readFunctionSettings } from './function-settings';
import { renderMarkdown } from './markdown';
import { PRICES } from './prices';
import { progress } from './progress';
import { startRecordingProxy } from './recording-proxy';
import { type BenchResults, connectionCost, evaluateTargets, routeFigures } from './results';
import { SetupApi } from './setup-api';
import { measureThroughput } from './throughput-phase';
import { measureWarmCalls } from './warm-phase';

const ROOT = path.resolve(__dirname, '../..');
/** Git-ignored: every run's JSON and Markdown, and the bundles it measured. */
export const RESULTS_DIR = path.join(ROOT, 'bench-results');

/**
 * `npm run bench [-- --quick]`: every route of the route table against the bare handler doing its
 * floor's DynamoDB call, in one run (docs/performance.md says what each figure means and how it is
 * measured). Progress goes to stderr; the Markdown report to stdout and, with the JSON, to
 * bench-results/.
 *
 * npm runs it with tsx's CommonJS hook only (`node --require tsx/cjs`): tsx's ESM loader would pass
 * every module imported here through its transform, handler bundles included, and loading the local
 * stack's six bundles (6 MB each, inline source maps) took 15 s that way on this machine, 2.4 s without.
 */
async function main(): Promise<void> {
  const plan = planFromArguments(process.argv.slice(2));
  const startedAt = new Date();
  const loadAverageAtStart = loadavg();
  // The handlers loaded in this process (the local stack's, and the local API's under load) log
  // every request to stdout, as in Lambda: the report alone goes there.
  const print = silenceStdout();
  // The bench talks to no AWS service: every client here gets the local engine's dummy settings.
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SESSION_TOKEN: 'local',
  });
  progress(`bench: ${plan.mode} run on ${plan.engine}, ${ROUTES.length} routes`);

  // The slow parts of the start run side by side: reading the stack's settings (a child that loads
  // the CDK), bundling, and starting the local stack. The bundles target this Node.js's major;
  // runtimeOf checks that it is the functions' runtime's.
  const bundleDir = path.join(RESULTS_DIR, 'bundles');
  rmSync(bundleDir, { recursive: true, force: true });
  progress(
    `bundling ${ROUTES.length} handlers and ${FLOOR_KINDS.length} bare handlers with the stack's options`,
  );
  const built = Promise.all([
    readFunctionSettings(),
    bundleAll(bundleDir, ROUTES, `node${process.versions.node.split('.')[0]}`),
  ]).then(([settings, bundles]) => {
    runtimeOf(settings);
    return { settings, bundles };
  });
  built.catch(() => undefined);
  progress('starting the local stack (DynamoDB engine, sandbox banks, local API)');
  const stack = await startLocalStack({ port: 0, engine: plan.engine });
  let closeProxy: (() => Promise<void>) | undefined;
  const stop = async () => {
    await closeProxy?.().catch(() => undefined);
    await stack.close();
  };
  process.once('SIGINT', () => void stop().finally(() => process.exit(130)));
  try {
    const { settings, bundles } = await built;
    const proxy = await startRecordingProxy({
      engine: stack.dynamoEndpoint,
      modelIndexWrites: stack.dynamoEngine === 'dynalite',
    });
    closeProxy = proxy.close;
    const fixtures = {
      accounts: new BenchAccounts(stack.dynamoEndpoint, stack.tableName),
      api: new SetupApi(stack.apiUrl),
    };
    progress(
      `fixtures: ${plan.readerAccounts} accounts with intents and Bank Accounts, ${plan.writerAccounts} empty ones`,
    );
    const readers = await inParallel(plan.readerAccounts, () => readerAccount(fixtures));
    const writers = await inParallel(plan.writerAccounts, () => writerAccount(fixtures));
    const routes: RouteUnderTest[] = ROUTES.map((route) => {
      const floor = floorOf(route, scenarioOf(route) === 'authorize');
      const setting = settings[route.id];
      const bundle = bundles.routes[route.id];
      if (!setting || !bundle) throw new Error(`${route.id}: no function settings or bundle`);
      return {
        route,
        scenario: scenarioOf(route),
        floor,
        settings: setting,
        bundle,
        bareBundle: bundles.bare[floor],
      };
    });
    const context: BenchContext = { plan, stack, proxy, bundles, fixtures, readers, writers, routes };

    progress('DynamoDB calls and capacity, through the recording proxy');
    const accounting = await countTableCalls(context);
    progress('cold starts and first invocations');
    const cold = await measureColdStarts(context);
    progress('warm calls');
    const warm = await measureWarmCalls(context);
    progress("the local API's throughput under autocannon");
    const throughput = await measureThroughput(context);

    const phases = { accounting, cold, warm, throughput };
    const figures = routeFigures(context, phases);
    const results: BenchResults = {
      plan,
      startedAt: startedAt.toISOString(),
      seconds: (Date.now() - startedAt.getTime()) / 1_000,
      machine: {
        cpus: cpus().length,
        loadAverageAtStart,
        loadAverageAtEnd: loadavg(),
        node: process.versions.node,
      },
      engine: stack.dynamoEngine,
      routes: figures,
      accounting,
      connection: connectionCost(context, phases),
      targets: evaluateTargets(figures, accounting),
      prices: PRICES,
    };
    const markdown = renderMarkdown(results);
    const name = `${startedAt.toISOString().replace(/[:.]/g, '-')}-${plan.mode}`;
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(
      path.join(RESULTS_DIR, `${name}.json`),
      `${JSON.stringify(results, withoutCallDetail, 2)}\n`,
    );
    writeFileSync(path.join(RESULTS_DIR, `${name}.md`), markdown);
    progress(`written to bench-results/${name}.json and .md`);
    print(markdown);
  } finally {
    await stop();
  }
}

/** The per-request lists behind the averages would make the JSON hundreds of times larger. */
function withoutCallDetail(key: string, value: unknown): unknown {
  return key === 'perRequest' ? undefined : value;
}

/**
 * The one runtime of the route functions. The measurements are of its Node.js major, which npm
 * scripts run (the project's own Node.js).
 */
function runtimeOf(settings: Record<string, FunctionSettings>): string {
  const runtimes = [...new Set(Object.values(settings).map((setting) => setting.runtime))];
  const [runtime] = runtimes;
  if (runtimes.length !== 1 || !runtime)
    throw new Error(`The route functions run on ${runtimes.join(', ') || 'nothing'}`);
  const wanted = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
  if (wanted !== process.versions.node.split('.')[0]) {
    throw new Error(
      `The functions run ${runtime}, this is Node.js ${process.versions.node}: run through npm`,
    );
  }
  return runtime;
}

/** Drops what anything else writes to stdout; returns a writer for the report. */
function silenceStdout(): (text: string) => void {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  return (text) => {
    write(text);
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
