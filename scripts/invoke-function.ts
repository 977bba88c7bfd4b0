import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { lambdaEnvironment, type RuntimeSettings } from './invoke-environment';
import type { TemplateFunction } from './invoke-template';
import { type InvocationOutcome, startRuntimeApi } from './lambda-runtime-api';

export interface InvokeOptions {
  fn: TemplateFunction;
  /** The function's own variables, already filled (invoke-environment.ts). */
  variables: Record<string, string>;
  /** The event, serialized. */
  payload: string;
  /** The runtime client's entry module (invoke-runtime-client.ts). */
  runtimeClient: string;
  settings: Omit<RuntimeSettings, 'runtimeApi'>;
  /** Receives what the function's process writes (its logs). */
  logs: NodeJS.WritableStream;
}

/** The outcome as Lambda reports it; `timeout` and `exit` are Lambda's own failures of the sandbox. */
export type InvokeResult =
  | (InvocationOutcome & { requestId: string })
  | { kind: 'timeout' | 'exit'; requestId: string; errorType: string; payload: string };

/**
 * Runs one invocation the way Lambda does, without a container: a Runtime API endpoint on loopback
 * holds the event, and AWS's runtime interface client, started with Node.js on the function's
 * handler in its unpacked bundle, fetches it, calls the handler and posts the answer. The process is
 * stopped once the answer is in, when the function's timeout passes, or when it exits by itself.
 */
export async function invokeFunction(options: InvokeOptions): Promise<InvokeResult> {
  const { fn } = options;
  const requestId = randomUUID();
  const api = await startRuntimeApi({
    requestId,
    payload: options.payload,
    functionArn: `arn:aws:lambda:${options.settings.region}:123456789012:function:${fn.id}`,
    timeoutMs: fn.timeoutSeconds * 1000,
    traceId: `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Sampled=0`,
  });
  const runtime = spawn(
    process.execPath,
    // Lambda starts Node.js with heap-size flags below the configured memory; this caps V8's heap
    // likewise, which is no limit on the process as a whole.
    [`--max-old-space-size=${Math.floor(fn.memorySize * 0.9)}`, options.runtimeClient],
    {
      cwd: fn.codeDir,
      env: lambdaEnvironment(fn, options.variables, { ...options.settings, runtimeApi: api.address }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  runtime.stdout.pipe(options.logs, { end: false });
  runtime.stderr.pipe(options.logs, { end: false });
  const closed = new Promise<void>((resolve) => runtime.once('close', () => resolve()));

  let timer: NodeJS.Timeout | undefined;
  const timedOut = api.delivered.then(
    () =>
      new Promise<InvokeResult>((resolve) => {
        timer = setTimeout(() => {
          const message = `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`;
          resolve(failure('timeout', requestId, 'Sandbox.Timedout', message));
        }, fn.timeoutSeconds * 1000);
      }),
  );
  const exited = new Promise<InvokeResult>((resolve) => {
    runtime.once('exit', (code, signal) => {
      const status = signal ? `signal ${signal}` : `exit status ${code}`;
      resolve(failure('exit', requestId, 'Runtime.ExitError', `Runtime exited with error: ${status}`));
    });
  });
  const failedToStart = new Promise<InvokeResult>((resolve) => {
    runtime.once('error', (error) =>
      resolve(failure('exit', requestId, 'Runtime.ExitError', `Runtime failed to start: ${error.message}`)),
    );
  });

  try {
    return await Promise.race([
      api.outcome.then((outcome): InvokeResult => ({ ...outcome, requestId })),
      timedOut,
      exited,
      failedToStart,
    ]);
  } finally {
    clearTimeout(timer);
    // Lambda freezes the sandbox after the answer and may drop it at any time: the function is owed
    // no orderly shutdown, and its runtime would otherwise wait for the next event forever.
    if (runtime.exitCode === null && runtime.signalCode === null && runtime.pid !== undefined) {
      runtime.kill('SIGKILL');
    }
    if (runtime.pid !== undefined) await closed;
    await api.close();
  }
}

function failure(
  kind: 'timeout' | 'exit',
  requestId: string,
  errorType: string,
  message: string,
): InvokeResult {
  return {
    kind,
    requestId,
    errorType,
    payload: JSON.stringify({ errorType, errorMessage: `RequestId: ${requestId} Error: ${message}` }),
  };
}
