import { type FunctionRun, type Handler, importHandler, lambdaContext, statusOf } from './lambda-context';

/**
 * A warm container of one route, with its bare handler beside it: both bundles loaded in one
 * Node.js process, called one at a time on the parent's request (IPC), each call timed and its CPU
 * (this process's user + system time) measured. What the handlers print is counted and dropped.
 */
export interface WarmWorkerSetup extends FunctionRun {
  route: string;
  bare: string;
}

export interface WarmCall {
  id: number;
  target: 'route' | 'bare';
  event: unknown;
  wantBody?: boolean;
}

export interface WarmCallResult {
  id: number;
  ms: number;
  cpuUs: number;
  statusCode: number;
  logBytes: number;
  body?: string;
  error?: string;
}

let logBytes = 0;
process.stdout.write = ((chunk: string | Uint8Array) => {
  logBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
  return true;
}) as typeof process.stdout.write;

async function main(): Promise<void> {
  const setup = JSON.parse(process.argv[2] ?? '{}') as WarmWorkerSetup;
  const handlers: Record<WarmCall['target'], Handler> = {
    route: await importHandler(setup.route),
    bare: await importHandler(setup.bare),
  };
  process.on('message', (call: WarmCall) => {
    void invoke(handlers[call.target], call, setup).then((result) => process.send?.(result));
  });
  // The bench is gone (stopped, or failed): so is its container.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true });
}

async function invoke(handler: Handler, call: WarmCall, run: FunctionRun): Promise<WarmCallResult> {
  logBytes = 0;
  const context = lambdaContext(run);
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const result = await handler(call.event, context);
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return {
      id: call.id,
      ms,
      cpuUs: used.user + used.system,
      statusCode: statusOf(result),
      logBytes,
      ...(call.wantBody ? { body: String((result as { body?: unknown }).body ?? '') } : {}),
    };
  } catch (error) {
    return { id: call.id, ms: 0, cpuUs: 0, statusCode: 0, logBytes, error: String(error) };
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
