import { writeSync } from 'node:fs';
import { type FunctionRun, importHandler, lambdaContext, statusOf } from './lambda-context';

/**
 * One cold start, in a fresh Node.js process: loads the bundle (its module initialization runs, as
 * in Lambda's init phase), notes the time since the process started, then makes the first
 * invocation. Writes the two figures to file descriptor 3 and exits; the bundle's own output goes
 * where its parent sends it. Bundled to a plain ES module: no loader runs before the handler's.
 */
interface ColdStartJob extends FunctionRun {
  bundle: string;
  event: unknown;
}

const RESULT_FD = 3;

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as ColdStartJob;
  const handler = await importHandler(job.bundle);
  // performance.now() counts from the process's start (its time origin).
  const readyMs = performance.now();
  const started = performance.now();
  const result = await handler(job.event, lambdaContext(job));
  const firstInvocationMs = performance.now() - started;
  writeSync(RESULT_FD, JSON.stringify({ readyMs, firstInvocationMs, statusCode: statusOf(result) }));
}

main().then(
  // The SDK's keep-alive sockets would hold the process open: a cold start is done once measured.
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
