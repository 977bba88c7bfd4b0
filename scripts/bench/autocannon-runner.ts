import autocannon from 'autocannon';
import type { HttpRequest } from './route-requests';

/**
 * autocannon in a process of its own (the API under load has the bench's process to itself), run
 * on the parent's request: one bounded run per message, its requests taken in turn from a list
 * (each account's, so that no account meets its rate limit).
 */
export interface LoadJob {
  url: string;
  seconds: number;
  connections: number;
  requests: HttpRequest[];
}

export interface LoadResult {
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

process.on('message', (job: LoadJob) => {
  void run(job).then(
    (result) => process.send?.(result),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
// Nothing to do once the bench is gone.
process.on('disconnect', () => process.exit(0));

async function run(job: LoadJob): Promise<LoadResult> {
  let next = 0;
  const result = await autocannon({
    url: job.url,
    duration: job.seconds,
    connections: job.connections,
    requests: [
      {
        setupRequest: (request) => {
          const chosen = job.requests[next++ % job.requests.length] as HttpRequest;
          return {
            ...request,
            method: chosen.method as autocannon.Request['method'],
            path: chosen.path,
            headers: chosen.headers,
            ...(chosen.body ? { body: chosen.body } : {}),
          };
        },
      },
    ],
  });
  return {
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    seconds: result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
}
