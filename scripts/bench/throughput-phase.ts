import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ROUTES, type Route } from '../../functions/routes';
import { loadHandler } from '../../local/handler-bundles';
import { createLocalApi, type ProxyHandler } from '../../local/local-api';
import type { LoadJob, LoadResult } from './autocannon-runner';
import { type BenchContext, floorPath, floorRequest, poolOf, type RouteUnderTest } from './bench-context';
import { progress } from './progress';
import { httpRequestOf } from './route-requests';

export interface Throughput {
  routeId: string;
  /** Authorize is loaded with retries of authorized intents: a fresh code per request cannot keep up. */
  requestKind: 'success' | 'retry';
  route: LoadResult;
  floor: LoadResult;
}

/**
 * The local API's throughput under autocannon: the local API (local/local-api.ts, as `npm start`
 * serves) in this process twice, once with the routes' bundles and once with each route's bare
 * handler at /floor/<route id>; autocannon, in a child, alternates between the two in bounded
 * segments, route first and bare first by turns.
 */
export async function measureThroughput(context: BenchContext): Promise<Throughput[]> {
  const { routes, plan } = context;
  const inFlight = new InFlight();
  const routeHandlers: Record<string, ProxyHandler> = {};
  const floorHandlers: Record<string, ProxyHandler> = {};
  for (const subject of routes) {
    routeHandlers[subject.route.id] = inFlight.track(
      (await loadHandler(subject.bundle.file)) as ProxyHandler,
    );
    floorHandlers[subject.route.id] = inFlight.track(
      (await loadHandler(subject.bareBundle.file)) as ProxyHandler,
    );
  }
  const floorRoutes: Route[] = ROUTES.map((route) => ({
    ...route,
    method: 'POST',
    path: floorPath(route.id),
  }));
  const routeApi = await listen(createLocalApi({ routes: ROUTES, handlers: routeHandlers }));
  const floorApi = await listen(createLocalApi({ routes: floorRoutes, handlers: floorHandlers }));
  const cannon = spawn(
    process.execPath,
    ['--require', 'tsx/cjs', path.join(__dirname, 'autocannon-runner.ts')],
    {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    },
  );
  try {
    const results: Throughput[] = [];
    for (const subject of routes) {
      results.push(await measureRoute(context, subject, cannon, routeApi.url, floorApi.url, inFlight));
    }
    return results;
  } finally {
    cannon.kill();
    await inFlight.idle();
    await Promise.all([routeApi.close(), floorApi.close()]);
    progress(`throughput: ${plan.throughputSeconds} s per route and per floor, done`);
  }
}

async function measureRoute(
  context: BenchContext,
  subject: RouteUnderTest,
  cannon: ChildProcess,
  routeUrl: string,
  floorUrl: string,
  inFlight: InFlight,
): Promise<Throughput> {
  const { plan } = context;
  const accounts = poolOf(context, subject);
  const seconds = plan.throughputSeconds / plan.throughputSegments;
  const routeJob: LoadJob = {
    url: routeUrl,
    seconds,
    connections: plan.connections,
    requests: accounts.map((account) => httpRequestOf(subject.route, account)),
  };
  const floorJob: LoadJob = {
    ...routeJob,
    url: floorUrl,
    requests: accounts.map((account) => floorRequest(subject, account)),
  };
  // The handlers of this process are cold: each account's request once, to each API, first.
  for (const job of [routeJob, floorJob]) {
    for (const request of job.requests) {
      const response = await fetch(`${job.url}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body ? { body: request.body } : {}),
      });
      await response.arrayBuffer();
    }
  }
  const routeRuns: LoadResult[] = [];
  const floorRuns: LoadResult[] = [];
  for (let segment = 0; segment < plan.throughputSegments; segment += 1) {
    // autocannon stops at the segment's end with requests still in the handlers: they finish first.
    const runRoute = async () => {
      routeRuns.push(await load(cannon, routeJob));
      await inFlight.idle();
    };
    const runFloor = async () => {
      floorRuns.push(await load(cannon, floorJob));
      await inFlight.idle();
    };
    for (const step of segment % 2 ? [runFloor, runRoute] : [runRoute, runFloor]) await step();
  }
  const result: Throughput = {
    routeId: subject.route.id,
    requestKind: subject.scenario === 'authorize' ? 'retry' : 'success',
    route: combine(routeRuns),
    floor: combine(floorRuns),
  };
  progress(
    `throughput ${subject.route.id}: ${(result.route.ok / result.route.seconds).toFixed(0)} req/s, floor ${(result.floor.ok / result.floor.seconds).toFixed(0)} req/s`,
  );
  return result;
}

/** Counts the invocations under way, so that a segment starts only once the last one's are done. */
class InFlight {
  private active = 0;
  private waiting: (() => void)[] = [];

  track(handler: ProxyHandler): ProxyHandler {
    return async (event, context) => {
      this.active += 1;
      try {
        return await handler(event, context);
      } finally {
        this.active -= 1;
        if (this.active === 0) for (const resolve of this.waiting.splice(0)) resolve();
      }
    };
  }

  idle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => this.waiting.push(resolve));
  }
}

function load(cannon: ChildProcess, job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    cannon.once('message', (message: LoadResult | { error: string }) =>
      'error' in message ? reject(new Error(`autocannon: ${message.error}`)) : resolve(message),
    );
    cannon.send(job);
  });
}

/** Segments added up; the latencies are the worst segment's (autocannon reports no samples). */
function combine(runs: readonly LoadResult[]): LoadResult {
  const sum = (of: (run: LoadResult) => number) => runs.reduce((total, run) => total + of(run), 0);
  return {
    ok: sum((run) => run.ok),
    non2xx: sum((run) => run.non2xx),
    errors: sum((run) => run.errors),
    seconds: sum((run) => run.seconds),
    latencyP50Ms: Math.max(...runs.map((run) => run.latencyP50Ms)),
    latencyP99Ms: Math.max(...runs.map((run) => run.latencyP99Ms)),
  };
}

async function listen(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
