import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROUTES } from '../functions/routes';
import { systemClock } from '../functions/shared/domain/clock';
import { newId } from '../functions/shared/domain/ids';
import { issueApiKey } from '../functions/shared/domain/manage-api-keys';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../functions/shared/observability/metrics';
import { ApiKeyRepository } from '../functions/shared/repository/api-key-repository';
import { createDocumentClient } from '../functions/shared/wiring/document-client';
import { DEMO_ACCOUNT_ID, SAM_EVENTS_API_KEY } from '../local/demo-account';
import { type LocalStack, startLocalStack } from '../local/local-stack';
import { bundleFunction, functionFolders } from './bundle-contents';

/**
 * Cold starts of the function bundles, measured as docs/performance-bundles.md reports them: each
 * run is a fresh Node.js 24 process (the project's own, node_modules/.bin/node) that imports one
 * bundle as Lambda's runtime does (scripts/cold-start-runner.mjs), runs interleaved across the
 * variants so that the machine's load falls on all alike; medians and 90th percentiles.
 *
 *   npx tsx scripts/cold-start.ts [--runs 25] [--functions create,get-intent] [--variants …] [--first-error]
 *   npx tsx scripts/cold-start.ts --requests [--warm 20] [--traced]
 *
 * Variants (how the bundle is minified, its source map built and enabled): deployed (as the stack
 * builds it, lib/bundling-options.ts: names kept, no map), minified (names too, no map), unminified
 * (no map), minified-map (a map shipped, not enabled), minified-map-flag (`node
 * --enable-source-maps`), minified-map-node-options (NODE_OPTIONS, as the stack did before),
 * minified-lean-map-node-options (a map without the sources' text, NODE_OPTIONS).
 * `--first-error` invokes each handler once, with no configuration: the 500 it answers logs an
 * error's stack (where an enabled source map is first used). `--requests` starts a local stack
 * (dynalite, sandbox banks) and invokes each function's handler with its SAM event (events/), once
 * cold and `--warm` times warm, each run as a fresh account with a fresh key (no rate limit);
 * `--traced` also loads the X-Ray SDK as Lambda's active tracing does; `--bank-latency <ms>` delays
 * every request to the bank by that much, as a bank across the internet would (a loopback bank
 * answers in a millisecond). COLD_START_DEBUG=1 prints each run's own figures (bank requests too).
 */
const ROOT = path.resolve(__dirname, '..');
const NODE = path.join(ROOT, 'node_modules', '.bin', 'node');
const RUNNER = path.join(ROOT, 'scripts', 'cold-start-runner.mjs');

interface Variant {
  sourceMap?: boolean;
  minify?: { whitespace: boolean; syntax: boolean; identifiers: boolean };
  sourcesContent?: boolean;
  nodeArgs?: string[];
  nodeOptions?: string;
}

const MINIFIED = { whitespace: true, syntax: true, identifiers: true };
const ENABLED = { nodeOptions: '--enable-source-maps' };

const VARIANTS: Record<string, Variant> = {
  deployed: {},
  minified: { minify: MINIFIED, sourceMap: false },
  unminified: { minify: { whitespace: false, syntax: false, identifiers: false }, sourceMap: false },
  'minified-map': { minify: MINIFIED, sourceMap: true },
  'minified-map-flag': { minify: MINIFIED, sourceMap: true, nodeArgs: ['--enable-source-maps'] },
  'minified-map-node-options': { minify: MINIFIED, sourceMap: true, ...ENABLED },
  'minified-lean-map-node-options': { minify: MINIFIED, sourceMap: true, sourcesContent: false, ...ENABLED },
};

interface RunResult {
  bootMs: number;
  importMs: number;
  initMs: number;
  initCpuMs: number;
  rssMb: number;
  invocations: { ms: number; cpuMs: number; statusCode?: number }[];
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  if (!existsSync(NODE))
    throw new Error('node_modules/.bin/node is missing: run npm ci with install scripts');
  const runs = Number(option('runs') ?? 25);
  const requests = process.argv.includes('--requests');
  const firstError = process.argv.includes('--first-error');
  const functions = option('functions')?.split(',') ?? functionFolders(ROOT);
  const variants = option('variants')?.split(',') ?? (requests ? ['deployed'] : Object.keys(VARIANTS));
  // `--compare <dir>`: another checkout's functions too (an export of an earlier commit, with this
  // checkout's node_modules linked in), measured interleaved with this one's.
  const compare = option('compare');
  const roots: [string, string][] = [
    ['this', ROOT],
    ...(compare ? [['before', path.resolve(compare)] as [string, string]] : []),
  ];
  const work = mkdtempSync(path.join(tmpdir(), 'cold-start-'));
  const stack = requests ? await startLocalStack({ port: 0, engine: 'dynalite' }) : undefined;
  const daemon = process.argv.includes('--traced') ? await xrayDaemonStandIn() : undefined;
  try {
    const bundles = new Map<string, string>();
    const cases: { key: string; folder: string; variant: Variant }[] = [];
    for (const name of variants) {
      const variant = VARIANTS[name];
      if (!variant) throw new Error(`unknown variant ${name}`);
      for (const [label, root] of roots) {
        for (const folder of functions) {
          if (!existsSync(path.join(root, 'functions', folder, 'handler.ts'))) continue;
          const key = `${folder}, ${roots.length > 1 ? `${label}, ` : ''}${name}`;
          const built = await bundleFunction(root, folder, {
            outdir: path.join(work, label, name),
            ...(variant.sourceMap !== undefined ? { sourceMap: variant.sourceMap } : {}),
            ...(variant.sourcesContent === false ? { sourcesContent: false } : {}),
            ...(variant.minify ? { minify: variant.minify } : {}),
          });
          bundles.set(key, built.file ?? '');
          cases.push({ key, folder, variant });
        }
      }
    }
    cases.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const results = new Map<string, RunResult[]>();
    for (let run = 0; run < runs; run++) {
      for (const { key, folder, variant } of cases) {
        const bundle = bundles.get(key) ?? '';
        const events = stack
          ? await eventsFor(stack, folder, Number(option('warm') ?? 20), work)
          : firstError
            ? unconfiguredRequest(work)
            : undefined;
        const env = {
          PATH: process.env.PATH ?? '',
          ...(stack ? functionEnvironment(stack) : {}),
          ...(daemon ? tracingEnvironment(daemon.address, path.dirname(bundle)) : {}),
          ...(variant.nodeOptions ? { NODE_OPTIONS: variant.nodeOptions } : {}),
          ...(option('bank-latency') ? { COLD_START_BANK_LATENCY_MS: option('bank-latency') as string } : {}),
        };
        const result = await runOnce(variant, bundle, events, env);
        results.set(key, [...(results.get(key) ?? []), result]);
      }
    }
    report(results);
  } finally {
    daemon?.close();
    await stack?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

function runOnce(
  variant: Variant,
  bundle: string,
  events: string | undefined,
  env: Record<string, string>,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [...(variant.nodeArgs ?? []), RUNNER, bundle, ...(events ? [events] : [])], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      // The handlers log JSON lines too; the runner's is the last one.
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{"bootMs"')) {
        reject(new Error(`runner failed (${code}): ${err || out}`));
        return;
      }
      if (process.env.COLD_START_DEBUG)
        process.stderr.write(`${process.env.COLD_START_DEBUG === 'all' ? out : last}\n`);
      resolve(JSON.parse(last) as RunResult);
    });
  });
}

/** The function environment of the local stack, as Lambda would set it (metrics on, logs at INFO). */
function functionEnvironment(stack: LocalStack): Record<string, string> {
  return {
    ...stack.environment,
    AWS_LAMBDA_FUNCTION_NAME: 'cold-start',
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  };
}

/** What Lambda sets for active tracing, so that the X-Ray SDK loads and records as it does there. */
function tracingEnvironment(daemonAddress: string, taskRoot: string): Record<string, string> {
  return {
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_XRAY_DAEMON_ADDRESS: daemonAddress,
    AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
    LAMBDA_TASK_ROOT: taskRoot,
    // The runner sets _X_AMZN_TRACE_ID for each invocation, as Lambda's runtime does.
    COLD_START_TRACED: '1',
  };
}

/** Somewhere for the segments to go: a UDP socket that reads and drops them. */
async function xrayDaemonStandIn(): Promise<{ address: string; close(): void }> {
  const socket = createSocket('udp4');
  socket.on('message', () => undefined);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${socket.address().port}`, close: () => socket.close() };
}

/**
 * One request to a function whose environment is empty: its chain fails on the missing
 * configuration, answers 500 and logs the error with its stack, which is where a source map, when
 * enabled, is first read.
 */
function unconfiguredRequest(work: string): string {
  const file = path.join(work, 'unconfigured-request.json');
  if (!existsSync(file)) {
    const event = {
      httpMethod: 'GET',
      path: '/',
      headers: { 'x-api-key': 'k' },
      body: null,
      requestContext: {},
    };
    writeFileSync(file, JSON.stringify([event]));
  }
  return file;
}

/**
 * The function's SAM event (events/<route id in kebab case>.json) once cold and `warm` times more, for
 * a fresh account holding a fresh key; written to a file the runner reads.
 */
async function eventsFor(stack: LocalStack, folder: string, warm: number, work: string): Promise<string> {
  const route = ROUTES.find((candidate) => candidate.handlerDir === folder);
  if (!route) throw new Error(`${folder} is not a route: --requests measures routes only`);
  const kebab = route.id.replace(/[A-Z]/g, (letter, at: number) => `${at ? '-' : ''}${letter.toLowerCase()}`);
  const template = readFileSync(path.join(ROOT, 'events', `${kebab}.json`), 'utf8');
  const accountId = newId();
  const apiKeys = new ApiKeyRepository({
    client: createDocumentClient({ AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint }),
    tableName: stack.tableName,
  });
  const { secret } = await issueApiKey(
    { apiKeys, clock: systemClock },
    { accountId, name: 'cold-start', role: 'account-owner', createdBy: 'crn::system:cold-start' },
  );
  const event = JSON.parse(
    template.replaceAll(DEMO_ACCOUNT_ID, accountId).replaceAll(SAM_EVENTS_API_KEY, secret),
  );
  const file = path.join(work, `events-${folder}.json`);
  writeFileSync(file, JSON.stringify(Array.from({ length: warm + 1 }, () => event)));
  return file;
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const figure = (values: number[]) =>
  values.length === 0 ? '–' : `${percentile(values, 50).toFixed(1)} / ${percentile(values, 90).toFixed(1)}`;

function report(results: Map<string, RunResult[]>): void {
  const runs = [...results.values()][0]?.length ?? 0;
  process.stdout.write(
    `Node ${process.versions.node}, ${runs} runs each, median / p90 in ms (CPU: user + system)\n` +
      '| function, variant | process start → handler loaded | CPU to load | first invocation | its CPU | warm invocation | its CPU | RSS at the end (MB) | answers |\n' +
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n',
  );
  for (const [key, list] of results) {
    const first = list.flatMap((r) => r.invocations.slice(0, 1));
    const warm = list.flatMap((r) => r.invocations.slice(1));
    const statuses = [...new Set(list.flatMap((r) => r.invocations.map((i) => i.statusCode)))].join(', ');
    const cells = [
      figure(list.map((r) => r.initMs)),
      figure(list.map((r) => r.initCpuMs)),
      figure(first.map((i) => i.ms)),
      figure(first.map((i) => i.cpuMs)),
      figure(warm.map((i) => i.ms)),
      figure(warm.map((i) => i.cpuMs)),
      figure(list.map((r) => r.rssMb)),
      statuses || '–',
    ];
    process.stdout.write(`| ${key} | ${cells.join(' | ')} |\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
